"""The date rules of the record (docs/rules-of-the-record.md), at their boundaries, on the
frozen clock. Every rule is enforced in the services, so forms, imports and the API obey."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from milestones import services as milestone_services
from milestones.models import Milestone
from objectives import services
from objectives.models import Objective, ProgressUpdate
from tests import factories
from tracking import selectors as tracking_selectors

PLAN_START = date(2025, 4, 1)
OBJECTIVE_START = date(2025, 6, 2)
ADDED = date(2026, 3, 2)  # the day the milestone is first recorded
TODAY = date(2026, 3, 10)

pytestmark = pytest.mark.django_db


def messages(error: ValidationError) -> str:
    return " ".join(str(m) for messages in error.message_dict.values() for m in messages)


@pytest.fixture
def world(clock, admin_user, manager):
    with clock(date(2025, 3, 1)):
        plan = factories.make_plan(user=admin_user, starts_on=PLAN_START, ends_on=date(2027, 3, 31))
        objective = factories.make_objective(
            plan,
            user=admin_user,
            owner=manager,
            starts_on=OBJECTIVE_START,
            target_date=date(2026, 12, 31),
        )
    with clock(ADDED):
        milestone = factories.make_milestone(objective, user=admin_user, due_date=date(2026, 6, 1))
    return plan, objective, milestone


# --- Forecasts ---------------------------------------------------------------------------


def test_owner_forecast_yesterday_is_refused_today_accepted(clock, world, manager):
    _, _, milestone = world
    with clock(TODAY):
        with pytest.raises(ValidationError) as error:
            milestone_services.milestone_reschedule(
                milestone=milestone, user=manager, due_date=date(2026, 3, 9)
            )
        assert "must be today (10 March 2026) or later" in messages(error.value)
        saved = milestone_services.milestone_reschedule(
            milestone=milestone, user=manager, due_date=TODAY
        )
    assert saved.due_date == TODAY


def test_administrator_may_forecast_earlier_but_not_before_the_plan(clock, world, admin_user):
    _, _, milestone = world
    with clock(TODAY):
        with pytest.raises(ValidationError) as error:
            milestone_services.milestone_reschedule(
                milestone=milestone, user=admin_user, due_date=date(2025, 3, 31)
            )
        assert "on or after 1 April 2025, when the plan starts" in messages(error.value)
        saved = milestone_services.milestone_reschedule(
            milestone=milestone, user=admin_user, due_date=PLAN_START
        )
    assert saved.due_date == PLAN_START


def test_owner_adds_a_milestone_from_today_only(clock, world, manager):
    _, objective, _ = world
    with clock(TODAY):
        with pytest.raises(ValidationError) as error:
            milestone_services.milestone_create(
                user=manager, objective=objective, title="Late", due_date=date(2026, 3, 9)
            )
        assert "today (10 March 2026) or later" in messages(error.value)
        milestone_services.milestone_create(
            user=manager, objective=objective, title="On time", due_date=TODAY
        )
    assert list(objective.milestones.values_list("title", flat=True)).count("Late") == 0


def test_administrator_sets_up_a_past_milestone_from_the_plan_start(clock, world, admin_user):
    _, objective, _ = world
    with clock(TODAY):
        with pytest.raises(ValidationError):
            milestone_services.milestone_create(
                user=admin_user, objective=objective, title="Too early", due_date=date(2025, 3, 31)
            )
        made = milestone_services.milestone_create(
            user=admin_user, objective=objective, title="Set up", due_date=PLAN_START
        )
    assert made.baseline_date == PLAN_START


def test_a_new_milestone_is_not_after_the_objective_target(clock, world, admin_user):
    _, objective, _ = world
    with clock(TODAY):
        with pytest.raises(ValidationError) as error:
            milestone_services.milestone_create(
                user=admin_user, objective=objective, title="Late", due_date=date(2027, 1, 1)
            )
        assert "on or before 31 December 2026, the objective's target date" in messages(error.value)
        made = milestone_services.milestone_create(
            user=admin_user, objective=objective, title="On target", due_date=date(2026, 12, 31)
        )
        # Drifting past the target later is allowed: that is what the flag is for.
        milestone_services.milestone_reschedule(
            milestone=made, user=admin_user, due_date=date(2027, 2, 1), reason="Slipped"
        )


# --- Completions -------------------------------------------------------------------------


def test_completion_not_in_the_future(clock, world, manager):
    _, _, milestone = world
    with clock(TODAY):
        with pytest.raises(ValidationError) as error:
            milestone_services.milestone_complete(
                milestone=milestone, user=manager, completed_on=date(2026, 3, 11)
            )
        assert "today (10 March 2026) or in the past" in messages(error.value)
        milestone_services.milestone_complete(milestone=milestone, user=manager, completed_on=TODAY)


def test_owner_completion_not_before_the_milestone_was_added(clock, world, manager):
    _, _, milestone = world
    with clock(TODAY):
        with pytest.raises(ValidationError) as error:
            milestone_services.milestone_complete(
                milestone=milestone, user=manager, completed_on=date(2026, 3, 1)
            )
        assert (
            "The completion date must be on or after 2 March 2026, when this milestone was added"
            in messages(error.value)
        )
        saved = milestone_services.milestone_complete(
            milestone=milestone, user=manager, completed_on=ADDED
        )
    assert saved.completed_on == ADDED


def test_administrator_completion_before_added_needs_a_reason(clock, world, admin_user):
    _, _, milestone = world
    with clock(TODAY):
        with pytest.raises(ValidationError) as error:
            milestone_services.milestone_complete(
                milestone=milestone, user=admin_user, completed_on=date(2026, 1, 15)
            )
        assert "reason" in error.value.message_dict
        saved = milestone_services.milestone_complete(
            milestone=milestone,
            user=admin_user,
            completed_on=date(2026, 1, 15),
            reason="Done before it was put on the system; evidence filed",
        )
    assert saved.completed_on == date(2026, 1, 15)
    assert saved.history.first().history_change_reason.startswith("Done before")


def test_completion_not_before_the_objective_started_even_for_administrators(
    clock, world, admin_user
):
    _, _, milestone = world
    with clock(TODAY):
        with pytest.raises(ValidationError) as error:
            milestone_services.milestone_complete(
                milestone=milestone,
                user=admin_user,
                completed_on=date(2025, 6, 1),
                reason="Backfill",
            )
        assert "on or after 2 June 2025, when the objective started" in messages(error.value)
        milestone_services.milestone_complete(
            milestone=milestone, user=admin_user, completed_on=OBJECTIVE_START, reason="Backfill"
        )


def test_a_backdated_change_takes_today_from_its_record(clock, world, manager):
    """The demo loader backdates with recorded_at: "today" is that record's day."""
    _, _, milestone = world
    with clock(TODAY):
        with pytest.raises(ValidationError):
            milestone_services.milestone_complete(
                milestone=milestone,
                user=manager,
                completed_on=date(2026, 3, 6),
                recorded_at=factories.london(date(2026, 3, 5)),
            )
        milestone_services.milestone_complete(
            milestone=milestone,
            user=manager,
            completed_on=date(2026, 3, 5),
            recorded_at=factories.london(date(2026, 3, 5)),
        )


# --- Progress updates --------------------------------------------------------------------


def test_progress_update_date_boundaries(clock, world, manager):
    _, objective, _ = world
    with clock(TODAY):
        for bad, words in (
            (date(2026, 3, 11), "today (10 March 2026) or in the past"),
            (date(2025, 6, 1), "on or after 2 June 2025, when the objective started"),
            (date(2025, 3, 31), "on or after 1 April 2025, when the plan starts"),
        ):
            with pytest.raises(ValidationError) as error:
                factories.make_update(objective, user=manager, reported_on=bad)
            assert words in messages(error.value)
        factories.make_update(objective, user=manager, reported_on=OBJECTIVE_START)
        factories.make_update(objective, user=manager, reported_on=TODAY)
    assert ProgressUpdate.objects.filter(objective=objective).count() == 2


# --- Objectives inside the plan ----------------------------------------------------------


@pytest.mark.parametrize(
    ("starts_on", "target_date", "field"),
    [
        (date(2025, 3, 31), date(2026, 1, 1), "starts_on"),
        (date(2025, 4, 1), date(2027, 4, 1), "target_date"),
    ],
)
def test_objective_dates_inside_the_plan(clock, world, admin_user, starts_on, target_date, field):
    plan, _, _ = world
    with clock(TODAY):
        with pytest.raises(ValidationError) as error:
            factories.make_objective(
                plan, user=admin_user, starts_on=starts_on, target_date=target_date
            )
        assert field in error.value.message_dict
        factories.make_objective(
            plan, user=admin_user, starts_on=PLAN_START, target_date=date(2027, 3, 31)
        )


def test_moving_an_objective_target_after_the_plan_end_is_refused(clock, world, admin_user):
    _, objective, _ = world
    with clock(TODAY), pytest.raises(ValidationError) as error:
        services.objective_update(
            objective=objective,
            user=admin_user,
            target_date=date(2027, 4, 1),
            reason="Later",
        )
    assert "when the plan ends" in messages(error.value)
    objective.refresh_from_db()
    assert objective.target_date == date(2026, 12, 31)


# --- Honest completion -------------------------------------------------------------------


def test_an_objective_with_open_milestones_cannot_be_completed(clock, world, manager):
    _, objective, milestone = world
    with clock(TODAY):
        with pytest.raises(ValidationError) as error:
            services.objective_update(
                objective=objective,
                user=manager,
                status="complete",
                closing_summary="All done",
            )
        assert "1 milestone is still open" in messages(error.value)
        assert milestone.title in messages(error.value)
        with pytest.raises(ValidationError) as error:
            milestone_services.milestone_complete(
                milestone=milestone, user=manager, completed_on=TODAY
            )
            services.objective_update(objective=objective, user=manager, status="complete")
        assert "closing_summary" in error.value.message_dict
    objective.refresh_from_db()
    assert objective.status != Objective.Status.COMPLETE


def test_a_withdrawn_milestone_does_not_block_completion(clock, world, admin_user, manager):
    _, objective, milestone = world
    with clock(TODAY):
        milestone_services.milestone_withdraw(
            milestone=milestone, user=admin_user, reason="Not needed", expected_version=None
        )
        saved = services.objective_update(
            objective=objective, user=manager, status="complete", closing_summary="Delivered"
        )
    assert saved.status == Objective.Status.COMPLETE
    assert saved.closing_summary == "Delivered"


def test_owners_cannot_withdraw_through_the_status(clock, world, manager):
    _, objective, _ = world
    with clock(TODAY), pytest.raises(ValidationError):
        services.objective_update(objective=objective, user=manager, status="withdrawn")


# --- Corrections and withdrawals ---------------------------------------------------------


def test_corrections_and_withdrawals_are_for_administrators_only(clock, world, manager):
    _, objective, milestone = world
    with clock(TODAY):
        milestone_services.milestone_complete(milestone=milestone, user=manager, completed_on=TODAY)
        for action in (
            lambda: milestone_services.milestone_correct_completion(
                milestone=milestone,
                user=manager,
                completed_on=None,
                reason="x",
                expected_version=None,
            ),
            lambda: milestone_services.milestone_withdraw(
                milestone=milestone, user=manager, reason="x", expected_version=None
            ),
            lambda: services.objective_withdraw(
                objective=objective, user=manager, reason="x", expected_version=None
            ),
            lambda: services.objective_withdraw(
                objective=objective, user=None, reason="x", expected_version=None
            ),
        ):
            with pytest.raises(PermissionDenied):
                action()


def test_corrections_and_withdrawals_need_a_reason(clock, world, admin_user, manager):
    _, objective, milestone = world
    with clock(TODAY):
        milestone_services.milestone_complete(milestone=milestone, user=manager, completed_on=TODAY)
        count = Milestone.history.count()
        with pytest.raises(ValidationError):
            milestone_services.milestone_correct_completion(
                milestone=milestone,
                user=admin_user,
                completed_on=ADDED,
                reason="  ",
                expected_version=None,
            )
        with pytest.raises(ValidationError):
            milestone_services.milestone_withdraw(
                milestone=milestone, user=admin_user, reason="", expected_version=None
            )
        with pytest.raises(ValidationError):
            services.objective_withdraw(
                objective=objective, user=admin_user, reason="", expected_version=None
            )
    assert Milestone.history.count() == count


def test_correct_and_reopen_a_completion(clock, world, admin_user, manager):
    _, _, milestone = world
    with clock(TODAY):
        milestone_services.milestone_complete(milestone=milestone, user=manager, completed_on=TODAY)
        milestone.refresh_from_db()
        saved = milestone_services.milestone_correct_completion(
            milestone=milestone,
            user=admin_user,
            completed_on=date(2026, 2, 20),  # before it was added: the reason covers it
            reason="Mistyped: the evidence is dated 20 February",
            expected_version=milestone.version,
        )
        assert saved.completed_on == date(2026, 2, 20)
        reopened = milestone_services.milestone_correct_completion(
            milestone=saved,
            user=admin_user,
            completed_on=None,
            reason="Not finished after all",
            expected_version=saved.version,
        )
    assert reopened.completed_on is None
    reasons = list(
        milestone.history.order_by("history_date").values_list("history_change_reason", flat=True)
    )
    assert reasons[-2:] == ["Mistyped: the evidence is dated 20 February", "Not finished after all"]


def test_a_withdrawn_milestone_no_longer_changes(clock, world, admin_user, manager):
    _, _, milestone = world
    with clock(TODAY):
        saved = milestone_services.milestone_withdraw(
            milestone=milestone, user=admin_user, reason="Duplicate", expected_version=None
        )
        assert saved.withdrawn_on == TODAY
        assert tracking_selectors.milestone_withdrawal_reasons([saved]) == [(saved, "Duplicate")]
        with pytest.raises(ValidationError):
            milestone_services.milestone_reschedule(
                milestone=saved, user=manager, due_date=date(2026, 7, 1), reason="Later"
            )
        with pytest.raises(ValidationError):
            milestone_services.milestone_complete(milestone=saved, user=manager, completed_on=TODAY)


def test_a_withdrawn_objective_no_longer_changes_for_its_owner(clock, world, admin_user, manager):
    _, objective, _ = world
    with clock(TODAY):
        saved = services.objective_withdraw(
            objective=objective, user=admin_user, reason="Merged into 2.1", expected_version=None
        )
        assert saved.status == Objective.Status.WITHDRAWN
        assert tracking_selectors.withdrawals(saved).objective.history_change_reason == (
            "Merged into 2.1"
        )
        with pytest.raises(ValidationError):
            factories.make_update(objective, user=manager, reported_on=TODAY)
        with pytest.raises(ValidationError):
            services.objective_update(objective=objective, user=manager, description="x")
        with pytest.raises(ValidationError):
            milestone_services.milestone_create(
                user=manager, objective=objective, title="New", due_date=date(2026, 5, 1)
            )


def test_a_milestone_of_a_complete_objective_cannot_be_reopened(clock, world, admin_user, manager):
    _, objective, milestone = world
    with clock(TODAY):
        milestone_services.milestone_complete(milestone=milestone, user=manager, completed_on=TODAY)
        services.objective_update(
            objective=objective, user=manager, status="complete", closing_summary="Delivered"
        )
        with pytest.raises(ValidationError) as error:
            milestone_services.milestone_correct_completion(
                milestone=milestone,
                user=admin_user,
                completed_on=None,
                reason="Not finished",
                expected_version=None,
            )
    assert "change the objective's status first" in messages(error.value)


def test_an_owner_cannot_change_milestones_of_a_withdrawn_objective(
    clock, world, admin_user, manager
):
    _, objective, milestone = world
    with clock(TODAY):
        services.objective_withdraw(
            objective=objective, user=admin_user, reason="Merged", expected_version=None
        )
        with pytest.raises(ValidationError):
            milestone_services.milestone_reschedule(
                milestone=milestone, user=manager, due_date=date(2026, 7, 1), reason="Later"
            )
        with pytest.raises(ValidationError):
            milestone_services.milestone_complete(
                milestone=milestone, user=manager, completed_on=TODAY
            )
