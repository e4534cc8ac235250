"""Shared by the milestone tests: a frozen clock, one owned objective and one open milestone."""

from datetime import date

import pytest
import time_machine

from tests import factories


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel("2026-03-10 12:00 +00:00", tick=False):
        yield


@pytest.fixture
def objective(admin_user, manager):
    return factories.make_objective(user=admin_user, owner=manager, title="Stabilise the workforce")


@pytest.fixture
def milestone(objective, admin_user):
    return factories.make_milestone(
        objective, user=admin_user, title="Recruit ten social workers", due_date=date(2026, 4, 1)
    )
