"""Every write to milestones: create, re-forecast, complete, re-baseline, correct a completion
and withdraw, with history.

The date rules of the record (``objectives.record_rules``) are checked here, so every form,
the import and the API obey them. ``user`` decides owner or administrator.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from kit.formatting import long_date
from objectives import record_rules
from objectives.history import clean_reason, lock_for_edit, save_with_history
from objectives.models import Objective

from .models import Milestone


@transaction.atomic
def milestone_create(
    *,
    user,
    objective: Objective,
    title: str,
    due_date: date,
    recorded_at: datetime | None = None,
) -> Milestone:
    """Add a milestone; its first due date is its agreed baseline.

    The date lies inside the plan and not after the objective's target; an owner's is today
    or later (administrators setting up may use earlier dates from the plan's start).
    """
    record_rules.objective_open_for_owner(objective, user)
    if due_date is not None:
        record_rules.forecast(
            due_date,
            plan=objective.plan,
            user=user,
            today=record_rules.today_for(recorded_at),
            field="due_date",
            label="The due date",
        )
        record_rules.baseline_within_target(due_date, objective=objective)
    milestone = Milestone(
        objective=objective, title=(title or "").strip(), baseline_date=due_date, due_date=due_date
    )
    return save_with_history(
        milestone, user=user, reason="Milestone added", recorded_at=recorded_at
    )


@transaction.atomic
def milestone_reschedule(
    *,
    milestone: Milestone,
    user,
    due_date: date,
    reason: str = "",
    expected_version: int | None = None,
    recorded_at: datetime | None = None,
) -> Milestone:
    """Re-forecast the due date. Moving it later is a slip and needs a reason; an owner's
    forecast is today or later."""
    milestone = lock_for_edit(Milestone, milestone.pk, expected_version)
    record_rules.milestone_open_for_change(milestone, field="due_date")
    record_rules.objective_open_for_owner(milestone.objective, user, field="due_date")
    if milestone.completed_on is not None:
        raise ValidationError({"due_date": "This milestone is complete; its date cannot move."})
    if due_date == milestone.due_date:
        raise ValidationError({"due_date": "The new forecast date is the same as the current one."})
    record_rules.forecast(
        due_date,
        plan=milestone.objective.plan,
        user=user,
        today=record_rules.today_for(recorded_at),
        field="due_date",
        label="The new forecast date",
    )
    reason = clean_reason(
        reason, required=due_date > milestone.due_date, what="moving the date later"
    )
    if due_date > milestone.due_date:
        milestone.replan_count += 1
    milestone.due_date = due_date
    return save_with_history(milestone, user=user, reason=reason, recorded_at=recorded_at)


@transaction.atomic
def milestone_complete(
    *,
    milestone: Milestone,
    user,
    completed_on: date,
    reason: str = "",
    expected_version: int | None = None,
    recorded_at: datetime | None = None,
) -> Milestone:
    """Mark complete. Not in the future, not before the objective started; an owner's not
    before the milestone was added (an administrator's may be, with a reason)."""
    milestone = lock_for_edit(Milestone, milestone.pk, expected_version)
    record_rules.milestone_open_for_change(milestone, field="completed_on")
    record_rules.objective_open_for_owner(milestone.objective, user, field="completed_on")
    if milestone.completed_on is not None:
        raise ValidationError({"completed_on": "This milestone is already complete."})
    record_rules.completion(
        completed_on,
        milestone=milestone,
        user=user,
        today=record_rules.today_for(recorded_at),
        reason=reason,
    )
    milestone.completed_on = completed_on
    return save_with_history(
        milestone,
        user=user,
        reason=(reason or "").strip() or "Milestone completed",
        recorded_at=recorded_at,
    )


@transaction.atomic
def milestone_update_title(
    *, milestone: Milestone, user, title: str, expected_version: int | None = None
) -> Milestone:
    milestone = lock_for_edit(Milestone, milestone.pk, expected_version)
    record_rules.milestone_open_for_change(milestone, field="title")
    record_rules.objective_open_for_owner(milestone.objective, user, field="title")
    milestone.title = (title or "").strip()
    return save_with_history(milestone, user=user)


@transaction.atomic
def milestone_rebaseline(
    *,
    milestone: Milestone,
    user,
    baseline_date: date,
    reason: str,
    expected_version: int | None = None,
    recorded_at: datetime | None = None,
) -> Milestone:
    """Agree a new baseline (administrators only): always with a reason."""
    milestone = lock_for_edit(Milestone, milestone.pk, expected_version)
    record_rules.milestone_open_for_change(milestone, field="baseline_date")
    if milestone.completed_on is not None:
        raise ValidationError(
            {"baseline_date": "This milestone is complete; its baseline is part of the record."}
        )
    if baseline_date == milestone.baseline_date:
        raise ValidationError({"baseline_date": "The new baseline is the same as the current one."})
    record_rules.not_before_plan(
        baseline_date,
        milestone.objective.plan,
        field="baseline_date",
        label="The new baseline date",
    )
    reason = clean_reason(reason, required=True, what="re-baselining")
    milestone.baseline_date = baseline_date
    return save_with_history(milestone, user=user, reason=reason, recorded_at=recorded_at)


@transaction.atomic
def milestone_correct_completion(
    *,
    milestone: Milestone,
    user,
    completed_on: date | None,
    reason: str,
    expected_version: int | None,
    recorded_at: datetime | None = None,
) -> Milestone:
    """Correct a recorded completion date, or reopen the milestone (``completed_on=None``).

    Administrators only, always with a reason. The new date follows the completion rules,
    except that it may be before the milestone was added (the reason covers it).
    """
    record_rules.require_administrator(user, "correct a completion")
    milestone = lock_for_edit(Milestone, milestone.pk, expected_version)
    record_rules.milestone_open_for_change(milestone)
    if milestone.completed_on is None:
        raise ValidationError({"__all__": "This milestone has no recorded completion to correct"})
    if completed_on == milestone.completed_on:
        raise ValidationError(
            {
                "completed_on": "The corrected date is the same as the recorded one, "
                f"{long_date(milestone.completed_on)}"
            }
        )
    if completed_on is None and milestone.objective.is_complete:
        raise ValidationError(
            {
                "__all__": f"Objective {milestone.objective.ref} is complete, so this milestone "
                "cannot be reopened: change the objective's status first"
            }
        )
    reason = clean_reason(reason, required=True, what="correcting the completion")
    if completed_on is not None:
        record_rules.completion(
            completed_on,
            milestone=milestone,
            user=user,
            today=record_rules.today_for(recorded_at),
            reason=reason,
        )
    milestone.completed_on = completed_on
    return save_with_history(milestone, user=user, reason=reason, recorded_at=recorded_at)


@transaction.atomic
def milestone_withdraw(
    *,
    milestone: Milestone,
    user,
    reason: str,
    expected_version: int | None,
    recorded_at: datetime | None = None,
) -> Milestone:
    """Withdraw a milestone from today (administrators only, with a reason). It leaves the
    drift picture from that day, stays on its objective's page and in history."""
    record_rules.require_administrator(user, "withdraw a milestone")
    milestone = lock_for_edit(Milestone, milestone.pk, expected_version)
    if milestone.withdrawn_on is not None:
        raise ValidationError(
            {
                "__all__": "This milestone was already withdrawn on "
                f"{long_date(milestone.withdrawn_on)}"
            }
        )
    reason = clean_reason(reason, required=True, what="withdrawing the milestone")
    milestone.withdrawn_on = record_rules.today_for(recorded_at)
    return save_with_history(milestone, user=user, reason=reason, recorded_at=recorded_at)
