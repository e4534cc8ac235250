"""The date rules of the record (docs/rules-of-the-record.md), with their wording.

The services of ``objectives`` and ``milestones`` call these checks, so the forms, the import
and the API all obey the same rules. Each check raises a ``ValidationError`` keyed by the
field, saying what range is allowed and why, for example "The completion date must be on or
after 1 April 2025, when this milestone was added".

Who is acting decides some ranges: an owner's forecast is today or later, while an
administrator setting up a plan may enter earlier dates from the plan's start. ``user=None``
is a set-up command (the demo loader, an import run by an administrator) and counts as an
administrator. "Today" is the local date of ``recorded_at`` when a loader backdates a change.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from kit.formatting import long_date

from .permissions import is_administrator


def today_for(recorded_at: datetime | None = None) -> date:
    """The day the change is made: today, or the local day of a backdated change."""
    if recorded_at is None:
        return timezone.localdate()
    return timezone.localdate(recorded_at)


def acts_as_administrator(user) -> bool:
    """Administrators, and set-up commands (``user=None``), may enter earlier dates."""
    return user is None or is_administrator(user)


def require_administrator(user, what: str) -> None:
    """Corrections and withdrawals are for administrators only (never a command without one)."""
    if user is None or not is_administrator(user):
        raise PermissionDenied(f"Only administrators can {what}.")


def _refuse(field: str, message: str) -> None:
    raise ValidationError({field: message})


def not_before_plan(value: date | None, plan, *, field: str, label: str) -> None:
    """A date a person enters lies inside the plan: not before the plan's start."""
    if value is not None and value < plan.starts_on:
        _refuse(
            field,
            f"{label} must be on or after {long_date(plan.starts_on)}, when the plan starts",
        )


def not_in_future(value: date | None, today: date, *, field: str, label: str) -> None:
    if value is not None and value > today:
        _refuse(field, f"{label} must be today ({long_date(today)}) or in the past")


def inside_objective_so_far(value: date, objective, today: date, *, field: str, label: str) -> None:
    """A date something happened on: not in the future, not before the plan starts and not
    before the objective started."""
    not_in_future(value, today, field=field, label=label)
    not_before_plan(value, objective.plan, field=field, label=label)
    if value < objective.starts_on:
        _refuse(
            field,
            f"{label} must be on or after {long_date(objective.starts_on)}, "
            "when the objective started",
        )


def forecast(value: date, *, plan, user, today: date, field: str, label: str) -> None:
    """A forecast set by an owner is today or later; an administrator's from the plan's start."""
    not_before_plan(value, plan, field=field, label=label)
    if not acts_as_administrator(user) and value < today:
        _refuse(
            field,
            f"{label} must be today ({long_date(today)}) or later: a date that has passed "
            "is either complete or overdue",
        )


def first_recorded_on(model, ids) -> dict[int, date]:
    """Row id -> the local day of its first history record (when it was added): one query."""
    first: dict[int, date] = {}
    records = (
        model.history.filter(id__in=list(ids))
        .order_by("id", "history_date", "history_id")
        .values_list("id", "history_date")
    )
    for pk, when in records:
        first.setdefault(pk, timezone.localdate(when))
    return first


def milestone_first_recorded(milestone) -> date | None:
    """The local date of the milestone's first history record (when it was added)."""
    if milestone.pk is None:
        return None
    return first_recorded_on(type(milestone), [milestone.pk]).get(milestone.pk)


def completion(
    value: date, *, milestone, user, today: date, reason: str = "", field: str = "completed_on"
) -> None:
    """``completed_on`` is not in the future and not before the objective starts. An owner's
    is not before the milestone was added; an administrator's may be, with a reason."""
    label = "The completion date"
    objective = milestone.objective
    inside_objective_so_far(value, objective, today, field=field, label=label)
    added = milestone_first_recorded(milestone)
    if added is not None and value < added:
        if not acts_as_administrator(user):
            _refuse(
                field,
                f"{label} must be on or after {long_date(added)}, when this milestone was added",
            )
        if user is not None and not (reason or "").strip():
            _refuse(
                "reason",
                f"Give a reason for recording a completion before {long_date(added)}, "
                "when this milestone was added",
            )


def reported_on(value: date, *, objective, today: date, field: str = "reported_on") -> None:
    """A progress update's date is not in the future and not before the objective starts."""
    label = "The date of the update"
    inside_objective_so_far(value, objective, today, field=field, label=label)


def objective_inside_plan(*, starts_on: date, target_date: date, plan) -> None:
    """An objective's start and target lie inside its plan."""
    not_before_plan(starts_on, plan, field="starts_on", label="The start date")
    if starts_on > plan.ends_on:
        _refuse(
            "starts_on",
            f"The start date must be on or before {long_date(plan.ends_on)}, when the plan ends",
        )
    not_before_plan(target_date, plan, field="target_date", label="The target date")
    if target_date > plan.ends_on:
        _refuse(
            "target_date",
            f"The target date must be on or before {long_date(plan.ends_on)}, when the plan ends",
        )


def baseline_within_target(value: date, *, objective, field: str = "due_date") -> None:
    """A new milestone's agreed date is not after its objective's target."""
    if value > objective.target_date:
        _refuse(
            field,
            f"The due date must be on or before {long_date(objective.target_date)}, "
            "the objective's target date",
        )


def milestone_open_for_change(milestone, *, field: str = "__all__") -> None:
    """A withdrawn milestone is part of the record and no longer changes."""
    if milestone.withdrawn_on is not None:
        _refuse(
            field,
            f"This milestone was withdrawn on {long_date(milestone.withdrawn_on)}; "
            "it can no longer change",
        )


def objective_open_for_owner(objective, user, *, field: str = "__all__") -> None:
    """A withdrawn objective can no longer be changed by its owner."""
    if acts_as_administrator(user):
        return
    # Read the status from the database: the caller's copy may be older than the withdrawal.
    withdrawn = objective.is_withdrawn or (
        objective.pk is not None
        and type(objective)
        .objects.filter(pk=objective.pk, status=type(objective).Status.WITHDRAWN)
        .exists()
    )
    if withdrawn:
        _refuse(field, "This objective has been withdrawn; it can no longer change")
