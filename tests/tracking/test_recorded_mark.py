"""The fingerprint of what had been recorded by the end of a day (history_since.recorded_mark):
it changes exactly when something dated by then is recorded."""

from datetime import date

import pytest

from board import services as board_services
from tests import factories
from tracking.history_since import recorded_mark

pytestmark = pytest.mark.django_db

PAST, TODAY = date(2026, 3, 1), date(2026, 3, 10)


def test_a_past_days_mark_changes_only_for_a_record_dated_by_then(clock, admin_user, manager):
    with clock(date(2026, 2, 1)):
        plan = factories.make_plan(user=admin_user)
        objective = factories.make_objective(plan, user=admin_user, owner=manager)
    with clock(TODAY):
        past, today = recorded_mark(PAST), recorded_mark(TODAY)
        assert recorded_mark(PAST) == past and len(past) == 64
        factories.make_update(objective, user=manager, reported_on=TODAY)
        assert recorded_mark(PAST) == past  # recorded today: the past day reads the same
        assert recorded_mark(TODAY) != today
        earlier = recorded_mark(date(2026, 2, 19))
        board_services.board_meeting_create(
            user=admin_user,
            plan=plan,
            held_on=date(2026, 4, 1),
            name="Improvement board",
            recorded_at=factories.london(date(2026, 2, 20)),
        )
        assert recorded_mark(PAST) != past  # backdated to before the day
        assert recorded_mark(date(2026, 2, 19)) == earlier  # the day before it: the same
