from datetime import date

import pytest

from tests import factories


@pytest.fixture
def staff_admin(db):
    """An administrator as the app creates them: in the Administrators group and is_staff."""
    return factories.make_admin("ada_admin", is_staff=True, first_name="Ada", last_name="Admin")


@pytest.fixture
def plan(db, staff_admin):
    return factories.make_plan(user=staff_admin, name="Improvement plan 2025")


@pytest.fixture
def theme(plan, staff_admin):
    return factories.make_theme(plan, user=staff_admin, name="Workforce", order=1)


@pytest.fixture
def objective(plan, theme, staff_admin, manager):
    return factories.make_objective(
        plan, user=staff_admin, ref="1.1", title="Stable workforce", theme=theme, owner=manager
    )


@pytest.fixture
def milestone(objective, staff_admin):
    return factories.make_milestone(
        objective, user=staff_admin, title="Recruitment drive", due_date=date(2026, 6, 30)
    )


@pytest.fixture
def admin_client(client, staff_admin):
    client.force_login(staff_admin)
    return client
