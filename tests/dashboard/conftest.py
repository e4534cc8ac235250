"""Fixtures for the dashboard tests: a frozen clock and a small plan with history over time.

Past days are kept in Django's cache, in tests as in production; the cache is emptied around
each test (tests/conftest.py). ``cached`` marks tests that also need commits to happen.
"""

from dataclasses import dataclass
from datetime import date

import pytest
from django.contrib.auth.models import Group

from milestones import services as milestone_services
from objectives import services as objective_services
from objectives.models import Objective, Plan
from objectives.permissions import ROLES
from tests import factories

TODAY = date(2026, 4, 10)
FOUR_WEEKS_EARLIER = date(2026, 3, 13)


cached = pytest.mark.django_db(transaction=True)


@pytest.fixture
def role_groups(transactional_db):
    """A transactional test's flush drops the role groups a data migration made: put them back."""
    for name in ROLES:
        Group.objects.get_or_create(name=name)


@dataclass
class Story:
    plan: Plan
    slipping: Objective  # 1.1 Workforce, mo: a milestone moved 14 days later (amber)
    unowned: Objective  # 1.2 Edge of care, no owner (red)
    done: Objective  # 1.3 complete on 20 March
    overdue: Objective  # 2.1 Edge of care, nat: a milestone due 1 March still open (red)
    formula: Objective  # 2.2 no theme, mo: a title that looks like a formula, no milestones


@pytest.fixture
def story(clock, admin_user, manager, other_manager) -> Story:
    """One plan whose picture changes between 13 March and 10 April 2026."""
    with clock(date(2026, 1, 5)):
        plan = factories.make_plan(user=admin_user, name="Children's services plan")
        workforce = factories.make_theme(plan, user=admin_user, name="Workforce", order=1)
        edge = factories.make_theme(plan, user=admin_user, name="Edge of care", order=2)
        common = {"starts_on": date(2026, 1, 1), "target_date": date(2026, 12, 31)}
        slipping = factories.make_objective(
            plan,
            user=admin_user,
            ref="1.1",
            title="Reduce agency social workers",
            theme=workforce,
            owner=manager,
            **common,
        )
        recruitment = factories.make_milestone(
            slipping, user=admin_user, title="Recruitment campaign", due_date=date(2026, 3, 31)
        )
        strategy = factories.make_milestone(
            slipping, user=admin_user, title="Workforce strategy", due_date=date(2026, 2, 28)
        )
        unowned = factories.make_objective(
            plan, user=admin_user, ref="1.2", title="Open a children's unit", theme=edge, **common
        )
        factories.make_milestone(unowned, user=admin_user, due_date=date(2026, 11, 30))
        done = factories.make_objective(
            plan, user=admin_user, ref="1.3", title="Joint audits", theme=workforce, **common
        )
        overdue = factories.make_objective(
            plan,
            user=admin_user,
            ref="2.1",
            title="Family group conferencing",
            theme=edge,
            owner=other_manager,
            **common,
        )
        factories.make_milestone(
            overdue, user=admin_user, title="First conferences held", due_date=date(2026, 3, 1)
        )
        formula = factories.make_objective(
            plan,
            user=admin_user,
            ref="2.2",
            title='=HYPERLINK("http://example.com","Click")',
            owner=manager,
            **common,
        )
    with clock(date(2026, 2, 1)):
        milestone_services.milestone_reschedule(
            milestone=recruitment, user=manager, due_date=date(2026, 4, 14), reason="Advert late"
        )
    with clock(date(2026, 3, 2)):
        milestone_services.milestone_complete(
            milestone=strategy, user=manager, completed_on=date(2026, 3, 2)
        )
    with clock(date(2026, 3, 20)):
        objective_services.objective_update(
            objective=done, user=admin_user, status="complete", closing_summary="All delivered."
        )
        factories.make_update(slipping, user=manager, reported_on=date(2026, 3, 20))
    return Story(plan, slipping, unowned, done, overdue, formula)
