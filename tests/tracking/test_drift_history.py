"""Drift read back from history: every write goes through the services under a frozen clock,
and the picture for a day D must be the state recorded by the end of D, London time."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

import pytest
from django.utils import timezone

from milestones import services as milestone_services
from milestones.models import Milestone
from objectives import services as objective_services
from objectives.history import save_with_history
from objectives.models import Objective, Plan, ProgressUpdate
from tests import factories
from tests.factories import LONDON, london
from tracking import selectors

pytestmark = pytest.mark.django_db

# Every scenario starts on Monday 5 January 2026: an objective that started on 1 January, due
# by the end of the year, with one milestone due on 31 March 2026.
SET_UP = date(2026, 1, 5)
STARTS_ON = date(2026, 1, 1)
TARGET = date(2026, 12, 31)
DUE = date(2026, 3, 31)


@dataclass
class Scenario:
    plan: Plan
    objective: Objective
    milestone: Milestone


@pytest.fixture
def scenario(clock, admin_user, manager) -> Scenario:
    with clock(SET_UP):
        plan = factories.make_plan(user=admin_user)
        objective = factories.make_objective(
            plan,
            user=admin_user,
            ref="1.1",
            owner=manager,
            starts_on=STARTS_ON,
            target_date=TARGET,
        )
        milestone = factories.make_milestone(objective, user=admin_user, due_date=DUE)
    return Scenario(plan, objective, milestone)


def objectives_at(plan, day):
    return selectors.plan_drift(plan, day).objectives


def objective_at(plan, day):
    (row,) = objectives_at(plan, day)
    return row


def milestone_at(plan, day):
    (m,) = objective_at(plan, day).milestones
    return m


def reschedule(clock, milestone, on, due_date, user, hour=12, minute=0, reason="Slipped"):
    with clock(on, hour, minute):
        return milestone_services.milestone_reschedule(
            milestone=Milestone.objects.get(pk=milestone.pk),
            user=user,
            due_date=due_date,
            reason=reason,
        )


def report(clock, objective, on, user, reported_on=None):
    with clock(on):
        return factories.make_update(objective, user=user, reported_on=reported_on or on)


# --- milestone: complete only when completed_on <= D -------------------------------------------


def test_milestone_completed_after_d_is_open_at_d(clock, scenario, manager):
    with clock(date(2026, 4, 10)):
        milestone_services.milestone_complete(
            milestone=scenario.milestone, user=manager, completed_on=date(2026, 4, 10)
        )
    before = milestone_at(scenario.plan, date(2026, 4, 5))
    assert before.complete is False
    assert before.overdue_days == 5
    assert before.rag == "red"
    after = milestone_at(scenario.plan, date(2026, 4, 10))
    assert after.complete is True
    assert after.overdue_days == 0
    assert after.slip_days == 10
    assert after.rag == "complete"


def test_completion_recorded_later_is_not_known_before_it_was_recorded(clock, scenario, manager):
    # Recorded on 10 April that it was done on 2 April: on 5 April nobody knew yet.
    with clock(date(2026, 4, 10)):
        milestone_services.milestone_complete(
            milestone=scenario.milestone, user=manager, completed_on=date(2026, 4, 2)
        )
    assert milestone_at(scenario.plan, date(2026, 4, 5)).overdue_days == 5
    after = milestone_at(scenario.plan, date(2026, 4, 10))
    assert after.rag == "complete"
    assert after.slip_days == 2


# --- milestone: slip_days and overdue_days from history ----------------------------------------


def test_slip_days_follow_the_due_date_recorded_by_d(clock, scenario, manager):
    reschedule(clock, scenario.milestone, date(2026, 2, 1), date(2026, 4, 14), manager)
    assert milestone_at(scenario.plan, date(2026, 1, 31)).slip_days == 0
    assert milestone_at(scenario.plan, date(2026, 2, 1)).slip_days == 14


def test_slip_days_negative_after_moving_earlier(clock, scenario, manager):
    reschedule(clock, scenario.milestone, date(2026, 2, 1), date(2026, 3, 21), manager, reason="")
    m = milestone_at(scenario.plan, date(2026, 2, 1))
    assert m.slip_days == -10
    assert m.rag == "green"


def test_overdue_days_zero_on_due_date_and_one_the_day_after(scenario):
    assert milestone_at(scenario.plan, DUE).overdue_days == 0
    assert milestone_at(scenario.plan, date(2026, 4, 1)).overdue_days == 1
    assert milestone_at(scenario.plan, date(2026, 4, 30)).overdue_days == 30


# --- milestone: replans from history -----------------------------------------------------------


def test_replans_count_each_move_later(clock, scenario, manager):
    reschedule(clock, scenario.milestone, date(2026, 2, 1), date(2026, 4, 30), manager)
    reschedule(clock, scenario.milestone, date(2026, 2, 2), date(2026, 5, 31), manager)
    assert milestone_at(scenario.plan, date(2026, 2, 2)).replans == 2


def test_replans_do_not_count_a_move_earlier(clock, scenario, manager):
    reschedule(clock, scenario.milestone, date(2026, 2, 1), date(2026, 3, 1), manager, reason="")
    assert milestone_at(scenario.plan, date(2026, 2, 1)).replans == 0


def test_replans_count_a_move_back_later_after_a_move_earlier(clock, scenario, manager):
    reschedule(clock, scenario.milestone, date(2026, 2, 1), date(2026, 3, 1), manager, reason="")
    reschedule(clock, scenario.milestone, date(2026, 2, 2), date(2026, 3, 20), manager)
    m = milestone_at(scenario.plan, date(2026, 2, 2))
    assert m.replans == 1
    assert m.slip_days == -11


def test_replans_do_not_count_a_save_that_changes_nothing(clock, scenario, manager):
    with clock(date(2026, 2, 1)):
        milestone_services.milestone_update_title(
            milestone=scenario.milestone, user=manager, title=scenario.milestone.title
        )
    with clock(date(2026, 2, 2)):
        milestone_services.milestone_update_title(
            milestone=scenario.milestone, user=manager, title="A clearer title"
        )
    assert scenario.milestone.history.count() == 3
    assert milestone_at(scenario.plan, date(2026, 2, 2)).replans == 0


def test_replans_do_not_count_a_rebaseline(clock, scenario, admin_user):
    with clock(date(2026, 2, 1)):
        milestone_services.milestone_rebaseline(
            milestone=scenario.milestone,
            user=admin_user,
            baseline_date=date(2026, 4, 30),
            reason="Board agreed a new date",
        )
    m = milestone_at(scenario.plan, date(2026, 2, 1))
    assert m.replans == 0
    assert m.baseline_date == date(2026, 4, 30)
    assert m.slip_days == -30  # still forecast for 31 March


def test_replans_count_only_changes_up_to_d(clock, scenario, manager):
    reschedule(clock, scenario.milestone, date(2026, 2, 1), date(2026, 4, 30), manager)
    reschedule(clock, scenario.milestone, date(2026, 3, 1), date(2026, 5, 31), manager)
    reschedule(clock, scenario.milestone, date(2026, 4, 1), date(2026, 6, 30), manager)
    assert milestone_at(scenario.plan, date(2026, 1, 31)).replans == 0
    assert milestone_at(scenario.plan, date(2026, 2, 28)).replans == 1
    assert milestone_at(scenario.plan, date(2026, 3, 1)).replans == 2
    assert milestone_at(scenario.plan, date(2026, 4, 1)).replans == 3


def test_three_replans_make_a_red_milestone_even_after_a_rebaseline(clock, scenario, manager):
    reschedule(clock, scenario.milestone, date(2026, 2, 1), date(2026, 4, 2), manager)
    reschedule(clock, scenario.milestone, date(2026, 2, 2), date(2026, 4, 3), manager)
    with clock(date(2026, 2, 3)):
        milestone_services.milestone_rebaseline(
            milestone=scenario.milestone,
            user=manager,
            baseline_date=date(2026, 4, 4),
            reason="Agreed",
        )
    reschedule(clock, scenario.milestone, date(2026, 2, 4), date(2026, 4, 4), manager)
    m = milestone_at(scenario.plan, date(2026, 2, 4))
    assert (m.slip_days, m.replans, m.rag) == (0, 3, "red")
    assert objective_at(scenario.plan, date(2026, 2, 4)).flags == ("repeatedly_replanned",)
    assert milestone_at(scenario.plan, date(2026, 2, 3)).rag == "green"  # two replans only


# --- objective flags from history --------------------------------------------------------------


def test_owner_inactive_reads_the_account_as_it_stood_on_the_day(clock, scenario, manager):
    # The account's history begins when the test made it (today); its earliest record, active,
    # stands for the days before.
    assert objective_at(scenario.plan, date(2026, 1, 10)).flags == ()
    manager.is_active = False
    manager.save()
    assert objective_at(scenario.plan, date(2026, 1, 10)).flags == ()
    row = objective_at(scenario.plan, timezone.localdate() + timedelta(days=1))
    assert "owner_inactive" in row.flags
    assert row.rag == "red"


def test_no_owner_until_an_owner_is_assigned(clock, admin_user, manager):
    with clock(SET_UP):
        plan = factories.make_plan(user=admin_user)
        objective = factories.make_objective(
            plan, user=admin_user, starts_on=STARTS_ON, target_date=TARGET
        )
        factories.make_milestone(objective, user=admin_user, due_date=DUE)
    with clock(date(2026, 1, 20)):
        objective_services.objective_assign_owner(
            objective=objective, user=admin_user, owner=manager, reason="Named lead"
        )
    assert objective_at(plan, date(2026, 1, 19)).flags == ("no_owner",)
    assert objective_at(plan, date(2026, 1, 19)).state.owner_username is None
    assert objective_at(plan, date(2026, 1, 20)).flags == ()
    assert objective_at(plan, date(2026, 1, 20)).state.owner_username == "mo_manager"


def test_past_target_uses_the_target_date_recorded_by_d(clock, scenario, admin_user, manager):
    with clock(SET_UP):
        objective_services.objective_update(
            objective=scenario.objective, user=admin_user, target_date=date(2026, 3, 31)
        )
    report(clock, scenario.objective, date(2026, 3, 20), manager)
    with clock(date(2026, 4, 1)):
        milestone_services.milestone_complete(
            milestone=scenario.milestone, user=manager, completed_on=date(2026, 3, 31)
        )
        factories.make_update(scenario.objective, user=manager, reported_on=date(2026, 4, 1))
    with clock(date(2026, 4, 10)):
        objective_services.objective_update(
            objective=scenario.objective,
            user=admin_user,
            target_date=date(2026, 6, 30),
            reason="Extended by the board",
        )
    assert objective_at(scenario.plan, date(2026, 3, 31)).flags == ()  # target == D
    assert objective_at(scenario.plan, date(2026, 4, 1)).flags == ("past_target",)
    assert objective_at(scenario.plan, date(2026, 4, 9)).flags == ("past_target",)
    assert objective_at(scenario.plan, date(2026, 4, 10)).flags == ()


def test_completed_objective_has_no_flags_from_the_day_it_was_completed(clock, scenario, manager):
    with clock(date(2026, 4, 10)):
        milestone_services.milestone_complete(
            milestone=scenario.milestone, user=manager, completed_on=date(2026, 4, 10)
        )
        objective_services.objective_update(
            objective=scenario.objective,
            user=manager,
            status="complete",
            closing_summary="All delivered.",
        )
    before = objective_at(scenario.plan, date(2026, 4, 9))
    assert before.rag == "red"
    assert set(before.flags) == {"overdue_milestone", "stale"}
    after = objective_at(scenario.plan, date(2026, 4, 10))
    assert (after.rag, after.flags) == ("complete", ())


def test_no_milestones_until_the_first_is_added(clock, admin_user, manager):
    with clock(SET_UP):
        plan = factories.make_plan(user=admin_user)
        objective = factories.make_objective(
            plan, user=admin_user, owner=manager, starts_on=STARTS_ON, target_date=TARGET
        )
    with clock(date(2026, 1, 20)):
        factories.make_milestone(objective, user=admin_user, due_date=DUE)
    row = objective_at(plan, date(2026, 1, 19))
    assert (row.rag, row.flags, row.milestones) == ("amber", ("no_milestones",), ())
    row = objective_at(plan, date(2026, 1, 20))
    assert (row.rag, row.flags, len(row.milestones)) == ("green", (), 1)


def test_completed_milestones_count_as_milestones(clock, scenario, manager):
    with clock(date(2026, 1, 20)):
        milestone_services.milestone_complete(
            milestone=scenario.milestone, user=manager, completed_on=date(2026, 1, 20)
        )
    assert objective_at(scenario.plan, date(2026, 1, 20)).flags == ()


def test_stale_from_starts_on_when_no_update(scenario):
    # Started 1 January: 42 days later is 12 February (not stale), 13 February is stale.
    assert objective_at(scenario.plan, date(2026, 2, 12)).flags == ()
    assert objective_at(scenario.plan, date(2026, 2, 13)).flags == ("stale",)


def test_stale_from_the_latest_update(clock, scenario, manager):
    report(clock, scenario.objective, date(2026, 2, 1), manager)
    # 1 February + 42 days = 15 March (2026 is not a leap year).
    assert objective_at(scenario.plan, date(2026, 3, 15)).flags == ()
    assert objective_at(scenario.plan, date(2026, 3, 16)).flags == ("stale",)


def test_stale_ignores_an_update_created_after_d(clock, scenario, manager):
    report(clock, scenario.objective, date(2026, 2, 1), manager)
    # On 20 March the owner reports progress "as of 10 March": on 16 March nobody had it.
    report(clock, scenario.objective, date(2026, 3, 20), manager, reported_on=date(2026, 3, 10))
    assert objective_at(scenario.plan, date(2026, 3, 16)).flags == ("stale",)
    assert objective_at(scenario.plan, date(2026, 3, 20)).flags == ()


def test_stale_ignores_an_update_reported_after_d(clock, scenario, manager):
    report(clock, scenario.objective, date(2026, 2, 1), manager)
    # An update reported on 20 March whose history record is dated 10 March (a backfill):
    # it existed at 16 March, but it reports a day after D, so it does not count for D.
    # The services no longer accept an update dated after its own record (Rules of the
    # record), but rows written before the rules may carry one: the read side must cope.
    with clock(date(2026, 3, 20)):
        save_with_history(
            ProgressUpdate(
                objective=scenario.objective,
                author=manager,
                reported_on=date(2026, 3, 20),
                rag="green",
                summary="Backfilled",
            ),
            user=manager,
            recorded_at=london(date(2026, 3, 10)),
        )
    assert objective_at(scenario.plan, date(2026, 3, 16)).flags == ("stale",)
    assert objective_at(scenario.plan, date(2026, 3, 20)).flags == ()


def test_milestone_finished_late_raises_no_flag_but_keeps_figures(clock, scenario, manager):
    reschedule(clock, scenario.milestone, date(2026, 3, 1), date(2026, 4, 15), manager)
    reschedule(clock, scenario.milestone, date(2026, 4, 1), date(2026, 4, 30), manager)
    reschedule(clock, scenario.milestone, date(2026, 4, 20), date(2026, 5, 10), manager)
    with clock(date(2026, 5, 15)):
        milestone_services.milestone_complete(
            milestone=scenario.milestone, user=manager, completed_on=date(2026, 5, 12)
        )
        factories.make_update(scenario.objective, user=manager, reported_on=date(2026, 5, 15))
    # The day before: due 10 May, so 4 days overdue and slipped 40 days, re-planned 3 times.
    before = objective_at(scenario.plan, date(2026, 5, 14))
    assert set(before.flags) == {
        "overdue_milestone",
        "repeatedly_replanned",
        "slipped_beyond_tolerance",
        "stale",
    }
    row = objective_at(scenario.plan, date(2026, 5, 15))
    assert (row.rag, row.flags) == ("green", ())
    (m,) = row.milestones
    assert (m.rag, m.slip_days, m.replans, m.overdue_days) == ("complete", 42, 3, 0)


def test_slipped_and_overdue_milestone_flags_from_history(clock, scenario, manager):
    reschedule(clock, scenario.milestone, date(2026, 2, 1), date(2026, 4, 5), manager)
    report(clock, scenario.objective, date(2026, 4, 1), manager)
    assert objective_at(scenario.plan, date(2026, 4, 5)).flags == ("slipped",)
    assert objective_at(scenario.plan, date(2026, 4, 6)).flags == ("overdue_milestone", "slipped")


def test_milestone_after_target_from_history(clock, scenario, admin_user, manager):
    report(clock, scenario.objective, date(2026, 2, 1), manager)
    with clock(date(2026, 2, 1)):
        objective_services.objective_update(
            objective=scenario.objective, user=admin_user, target_date=date(2026, 3, 30)
        )
    row = objective_at(scenario.plan, date(2026, 2, 1))
    assert row.flags == ("milestone_after_target",)
    assert row.rag == "red"


# --- the plan's thresholds as they stood at D --------------------------------------------------


def test_slip_tolerance_as_it_stood_at_d(clock, scenario, admin_user, manager):
    reschedule(clock, scenario.milestone, date(2026, 2, 1), date(2026, 4, 20), manager)  # 20
    report(clock, scenario.objective, date(2026, 2, 1), manager)
    with clock(date(2026, 3, 1)):
        objective_services.plan_update(
            plan=scenario.plan, user=admin_user, slip_tolerance_days=10, reason="Tighter"
        )
    before = objective_at(scenario.plan, date(2026, 2, 28))
    assert before.milestones[0].rag == "amber"
    assert (before.rag, before.flags) == ("amber", ("slipped",))
    after = objective_at(scenario.plan, date(2026, 3, 1))
    assert after.milestones[0].rag == "red"
    assert (after.rag, after.flags) == ("red", ("slipped_beyond_tolerance",))
    assert selectors.plan_drift(scenario.plan, date(2026, 2, 28)).rules.slip_tolerance_days == 28


def test_stale_after_days_as_it_stood_at_d(clock, scenario, admin_user):
    with clock(date(2026, 2, 1)):
        objective_services.plan_update(plan=scenario.plan, user=admin_user, stale_after_days=60)
    # 1 January + 42 = 12 February; but by then the plan allowed 60 days.
    assert objective_at(scenario.plan, date(2026, 1, 31)).flags == ()
    assert objective_at(scenario.plan, date(2026, 2, 13)).flags == ()
    assert objective_at(scenario.plan, date(2026, 3, 2)).flags == ()  # 60 days
    assert objective_at(scenario.plan, date(2026, 3, 3)).flags == ("stale",)  # 61 days


def test_a_later_threshold_change_does_not_rewrite_the_past(clock, scenario, admin_user, manager):
    reschedule(clock, scenario.milestone, date(2026, 2, 1), date(2026, 5, 1), manager)  # slip 31
    with clock(date(2026, 3, 1)):
        objective_services.plan_update(
            plan=scenario.plan, user=admin_user, slip_tolerance_days=40, reason="Looser"
        )
    assert milestone_at(scenario.plan, date(2026, 2, 1)).rag == "red"
    assert milestone_at(scenario.plan, date(2026, 3, 1)).rag == "amber"


# --- time zone: end of day D in London ---------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "late_on_d_utc", "early_next_day_utc"),
    [
        # British Summer Time: London is UTC+1, so both changes fall on 15 July in UTC.
        (
            date(2026, 7, 15),
            datetime(2026, 7, 15, 22, 30, tzinfo=UTC),
            datetime(2026, 7, 15, 23, 30, tzinfo=UTC),
        ),
        # Winter: London is UTC.
        (
            date(2026, 1, 15),
            datetime(2026, 1, 15, 23, 30, tzinfo=UTC),
            datetime(2026, 1, 16, 0, 30, tzinfo=UTC),
        ),
    ],
    ids=["summer_time", "winter"],
)
def test_change_at_2330_london_counts_for_d_and_0030_next_day_does_not(
    clock, admin_user, manager, d, late_on_d_utc, early_next_day_utc
):
    next_day = d + timedelta(days=1)
    late_on_d = london(d, 23, 30)
    early_next_day = london(next_day, 0, 30)
    assert late_on_d == late_on_d_utc
    assert early_next_day == early_next_day_utc
    with clock(d.replace(day=1)):
        plan = factories.make_plan(user=admin_user)
        objective = factories.make_objective(
            plan,
            user=admin_user,
            owner=manager,
            starts_on=d.replace(day=1),
            target_date=date(d.year, 12, 31),
        )
        milestone = factories.make_milestone(objective, user=admin_user, due_date=d.replace(day=28))
    with clock(late_on_d):
        milestone_services.milestone_reschedule(
            milestone=milestone, user=manager, due_date=date(d.year, 10, 1), reason="Late"
        )
    with clock(early_next_day):
        milestone_services.milestone_reschedule(
            milestone=milestone, user=manager, due_date=date(d.year, 11, 1), reason="Later"
        )
    at_d = milestone_at(plan, d)
    assert (at_d.due_date, at_d.replans) == (date(d.year, 10, 1), 1)
    at_next_day = milestone_at(plan, next_day)
    assert (at_next_day.due_date, at_next_day.replans) == (date(d.year, 11, 1), 2)


def test_midnight_london_belongs_to_the_next_day(clock, scenario, manager):
    # 23:59:59 on 15 July counts for 15 July; 00:00:00 on 16 July (23:00 UTC) does not.
    with clock(datetime(2026, 7, 15, 23, 59, 59, tzinfo=LONDON)):
        milestone_services.milestone_reschedule(
            milestone=scenario.milestone, user=manager, due_date=date(2026, 8, 1), reason="Late"
        )
    with clock(datetime(2026, 7, 16, 0, 0, 0, tzinfo=LONDON)):
        milestone_services.milestone_reschedule(
            milestone=scenario.milestone, user=manager, due_date=date(2026, 9, 1), reason="Later"
        )
    assert milestone_at(scenario.plan, date(2026, 7, 15)).due_date == date(2026, 8, 1)
    assert milestone_at(scenario.plan, date(2026, 7, 16)).due_date == date(2026, 9, 1)


def test_objective_created_at_0030_london_in_summer_is_not_there_the_day_before(
    clock, admin_user, manager
):
    # 00:30 on 16 July London time is still 15 July in UTC.
    with clock(date(2026, 7, 1)):
        plan = factories.make_plan(user=admin_user)
    with clock(london(date(2026, 7, 15), 23, 30)):
        factories.make_objective(plan, user=admin_user, ref="1.1", target_date=TARGET)
    with clock(london(date(2026, 7, 16), 0, 30)):
        factories.make_objective(plan, user=admin_user, ref="1.2", target_date=TARGET)
    assert [row.ref for row in objectives_at(plan, date(2026, 7, 15))] == ["1.1"]
    assert sorted(row.ref for row in objectives_at(plan, date(2026, 7, 16))) == ["1.1", "1.2"]


def test_plan_threshold_changed_at_2330_london_in_summer_counts_for_that_day(
    clock, scenario, admin_user, manager
):
    reschedule(clock, scenario.milestone, date(2026, 2, 1), date(2026, 4, 20), manager)  # 20
    with clock(london(date(2026, 7, 15), 23, 30)):
        objective_services.plan_update(
            plan=scenario.plan, user=admin_user, slip_tolerance_days=10, reason="Tighter"
        )
    assert selectors.plan_drift(scenario.plan, date(2026, 7, 14)).rules.slip_tolerance_days == 28
    assert selectors.plan_drift(scenario.plan, date(2026, 7, 15)).rules.slip_tolerance_days == 10


# --- what did not exist at D is not in the picture ---------------------------------------------


def test_objective_created_after_d_is_not_in_the_picture(clock, scenario, admin_user):
    with clock(date(2026, 3, 10)):
        factories.make_objective(scenario.plan, user=admin_user, ref="2.1", target_date=TARGET)
    assert [row.ref for row in objectives_at(scenario.plan, date(2026, 3, 9))] == ["1.1"]
    assert {row.ref for row in objectives_at(scenario.plan, date(2026, 3, 10))} == {"1.1", "2.1"}


def test_nothing_is_in_the_picture_before_the_plan_was_built(scenario):
    result = selectors.plan_drift(scenario.plan, date(2026, 1, 4))
    assert result.objectives == []
    assert result.summary == {"red": 0, "amber": 0, "green": 0, "complete": 0}


def test_milestone_created_after_d_is_not_in_the_picture(clock, scenario, admin_user):
    with clock(date(2026, 3, 10)):
        factories.make_milestone(
            scenario.objective, user=admin_user, title="Second", due_date=date(2026, 5, 1)
        )
    assert [m.title for m in objective_at(scenario.plan, date(2026, 3, 9)).milestones] == [
        scenario.milestone.title
    ]
    assert len(objective_at(scenario.plan, date(2026, 3, 10)).milestones) == 2


def test_objectives_of_another_plan_are_not_in_the_picture(clock, scenario, admin_user):
    with clock(SET_UP):
        other = factories.make_plan(user=admin_user)
        factories.make_objective(other, user=admin_user, ref="9.9", target_date=TARGET)
    assert [row.ref for row in objectives_at(scenario.plan, SET_UP)] == ["1.1"]
    assert [row.ref for row in objectives_at(other, SET_UP)] == ["9.9"]


# --- order, read back from history -------------------------------------------------------------


def test_plan_drift_is_in_contract_order(clock, admin_user, manager):
    d = date(2026, 4, 10)
    with clock(SET_UP):
        plan = factories.make_plan(user=admin_user)
        objectives = {
            ref: factories.make_objective(
                plan,
                user=admin_user,
                ref=ref,
                owner=manager,
                starts_on=STARTS_ON,
                target_date=TARGET,
            )
            for ref in ["1.1", "1.2", "1.3", "1.4", "1.5", "1.6"]
        }
        due = {
            "1.1": date(2026, 4, 30),  # green
            "1.2": date(2026, 4, 8),  # overdue 2 on D: red
            "1.3": date(2026, 4, 30),  # slipped 5: amber
            "1.4": date(2026, 4, 30),  # complete
            "1.5": date(2026, 3, 31),  # overdue 10 on D: red, ahead of 1.2
            "1.6": date(2026, 4, 30),  # slipped 9: amber, ahead of 1.3
        }
        milestones = {
            ref: factories.make_milestone(objectives[ref], user=admin_user, due_date=due[ref])
            for ref in objectives
        }
    reschedule(clock, milestones["1.3"], date(2026, 2, 1), date(2026, 5, 5), manager)
    reschedule(clock, milestones["1.6"], date(2026, 2, 1), date(2026, 5, 9), manager)
    with clock(d):
        milestone_services.milestone_complete(
            milestone=milestones["1.4"], user=manager, completed_on=d
        )
        objective_services.objective_update(
            objective=objectives["1.4"],
            user=manager,
            status="complete",
            closing_summary="All delivered.",
        )
        for objective in objectives.values():
            factories.make_update(objective, user=manager, reported_on=d)
    result = selectors.plan_drift(plan, d)
    assert [(row.rag, row.ref) for row in result.objectives] == [
        ("red", "1.5"),
        ("red", "1.2"),
        ("amber", "1.6"),
        ("amber", "1.3"),
        ("green", "1.1"),
        ("complete", "1.4"),
    ]
    assert result.summary == {"red": 2, "amber": 2, "green": 1, "complete": 1}
