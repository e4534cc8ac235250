"""Every write to milestones: create, re-forecast, complete and re-baseline, with history."""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction

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
    """Add a milestone; its first due date is its agreed baseline."""
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
    """Re-forecast the due date. Moving it later is a slip and needs a reason."""
    milestone = lock_for_edit(Milestone, milestone.pk, expected_version)
    if milestone.completed_on is not None:
        raise ValidationError({"due_date": "This milestone is complete; its date cannot move."})
    if due_date == milestone.due_date:
        raise ValidationError({"due_date": "The new forecast date is the same as the current one."})
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
    expected_version: int | None = None,
    recorded_at: datetime | None = None,
) -> Milestone:
    milestone = lock_for_edit(Milestone, milestone.pk, expected_version)
    if milestone.completed_on is not None:
        raise ValidationError({"completed_on": "This milestone is already complete."})
    milestone.completed_on = completed_on
    return save_with_history(
        milestone, user=user, reason="Milestone completed", recorded_at=recorded_at
    )


@transaction.atomic
def milestone_update_title(
    *, milestone: Milestone, user, title: str, expected_version: int | None = None
) -> Milestone:
    milestone = lock_for_edit(Milestone, milestone.pk, expected_version)
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
    if milestone.completed_on is not None:
        raise ValidationError(
            {"baseline_date": "This milestone is complete; its baseline is part of the record."}
        )
    if baseline_date == milestone.baseline_date:
        raise ValidationError({"baseline_date": "The new baseline is the same as the current one."})
    reason = clean_reason(reason, required=True, what="re-baselining")
    milestone.baseline_date = baseline_date
    return save_with_history(milestone, user=user, reason=reason, recorded_at=recorded_at)
