"""The generations of kept past days live in the database: one query reads them, a backdated
write bumps them in its own transaction, and a process whose cache holds a day kept under an
older generation finds nothing and works the day out again."""

from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from objectives import services as objective_services
from objectives.models import Objective
from people import services as people_services
from tests import factories
from tracking import pastdays, selectors
from tracking.models import PastGeneration

pytestmark = pytest.mark.django_db

TODAY = date(2026, 4, 10)
PAST = date(2026, 3, 15)


@pytest.fixture
def admin_user(clock):
    with clock(date(2026, 1, 2)):
        return factories.make_admin("ada_admin")


@pytest.fixture
def manager(clock):
    with clock(date(2026, 1, 2)):
        return factories.make_manager("owen_owner")


@pytest.fixture
def plan(clock, admin_user, manager):
    return factories.make_plan_with_history(
        clock, admin=admin_user, owners=[manager], count=2, name="North"
    )


def _rows() -> dict[str, int]:
    return dict(PastGeneration.objects.values_list("key", "value"))


def _late_update(objective, user):
    return objective_services.progress_update_create(
        user=user,
        objective=objective,
        reported_on=date(2026, 3, 1),
        rag="green",
        summary="Recorded late.",
        recorded_at=factories.london(date(2026, 3, 1)),
    )


def test_generation_and_horizon_are_read_in_one_query(clock, plan):
    with clock(TODAY):
        with CaptureQueriesContext(connection) as captured:
            pastdays.kept(plan.pk)
        assert len(captured) == 1
        selectors.plan_drift(plan, PAST)
        assert pastdays.kept(plan.pk).horizon == PAST


def test_a_backdated_write_bumps_its_plan_row_and_a_leaver_the_accounts_row(
    clock, plan, admin_user, manager
):
    objective = Objective.objects.filter(plan=plan).first()
    with clock(TODAY):
        before = _rows()
        _late_update(objective, admin_user)
        after = _rows()
        assert after[f"plan:{plan.pk}"] > before.get(f"plan:{plan.pk}", 0)
        assert after.get("accounts") == before.get("accounts")
        people_services.person_mark_leaver(
            user=admin_user,
            person=manager,
            reason="Left the council",
            left_on=date(2026, 3, 10),
            expected_version=people_services.account_version(manager),
        )
        assert _rows()["accounts"] > before.get("accounts", 0)


def test_a_bump_never_gives_a_number_used_before(clock, plan, admin_user):
    key = f"plan:{plan.pk}"
    objective = Objective.objects.filter(plan=plan).first()
    with clock(TODAY):
        _late_update(objective, admin_user)
        first = _rows()[key]
        _late_update(objective, admin_user)
        assert _rows()[key] == first + 1  # the clock is frozen: one more
    # As after restoring an old copy of the database: far behind the numbers in use.
    PastGeneration.objects.filter(key=key).update(value=5)
    with clock(TODAY, 13):
        _late_update(objective, admin_user)
    assert _rows()[key] > first + 1


def test_a_write_that_rolls_back_leaves_the_generation_alone(clock, plan, admin_user):
    objective = Objective.objects.filter(plan=plan).first()
    with clock(TODAY):
        before = pastdays.generation(plan.pk)
        with pytest.raises(RuntimeError), transaction.atomic():
            _late_update(objective, admin_user)
            assert pastdays.generation(plan.pk) != before  # this transaction sees its own bump
            raise RuntimeError("the request failed")
        assert pastdays.generation(plan.pk) == before


def test_todays_writes_leave_the_generations_alone(clock, plan, admin_user):
    objective = Objective.objects.filter(plan=plan).first()
    with clock(TODAY):
        selectors.plan_drift(plan, PAST)
        before = _rows()
        factories.make_update(objective, user=admin_user, reported_on=TODAY)
        assert _rows() == before


def test_the_horizon_only_rises(clock, plan):
    with clock(TODAY):
        pastdays.kept(plan.pk).note_day(PAST)
        pastdays.kept(plan.pk).note_day(date(2026, 3, 1))
        assert pastdays.kept(plan.pk).horizon == PAST
        pastdays.kept(plan.pk).note_day(date(2026, 4, 9))
        assert pastdays.kept(plan.pk).horizon == date(2026, 4, 9)


def test_a_day_kept_under_an_older_generation_is_not_found(clock, plan):
    """What a process sees when another process's write bumped the generation: its cache still
    holds the day, the database says the day has changed since."""
    with clock(TODAY):
        first = selectors.plan_drift(plan, PAST)
        _, warm = _counted(lambda: selectors.plan_drift(plan, PAST))
        assert warm == 1  # the generation; the day itself from the cache
        # Another process's backdated write, committed: only the database row changes here.
        PastGeneration.objects.update_or_create(key=f"plan:{plan.pk}", defaults={"value": 42})
        again, cold = _counted(lambda: selectors.plan_drift(plan, PAST))
    assert cold > 1  # worked out again from history
    assert again.summary == first.summary


def test_a_leaver_recorded_after_the_day_was_kept_shows_at_once(clock, plan, admin_user, manager):
    with clock(TODAY):
        before = selectors.plan_drift(plan, PAST)
        people_services.person_mark_leaver(
            user=admin_user,
            person=manager,
            reason="Left the council",
            left_on=date(2026, 3, 10),
            expected_version=people_services.account_version(manager),
        )
        after = selectors.plan_drift(plan, PAST)
    open_rows = [row for row in after.objectives if row.rag != "complete"]
    assert open_rows
    assert not any("owner_inactive" in row.flags for row in before.objectives)
    assert all("owner_inactive" in row.flags for row in open_rows)


def _counted(fn):
    with CaptureQueriesContext(connection) as captured:
        result = fn()
    return result, len(captured)


def test_a_new_plan_starts_with_a_generation_no_earlier_database_used(clock, admin_user):
    with clock(TODAY):
        plan = factories.make_plan(user=admin_user)
    started = _rows()[f"plan:{plan.pk}"]
    assert started >= factories.london(TODAY).timestamp() * 10**9  # nanoseconds then
    assert pastdays.generation(plan.pk).startswith(f"{started}.")
