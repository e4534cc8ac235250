"""Every write to a measure's values: record one, and correct or withdraw one (an administrator
at any time, the owner who recorded it for a while after), with who may still change which.

Each function checks who is acting, validates, runs in one transaction and records the acting
user (and the reason, where the rules want one) in the row's history.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from objectives import permissions, record_rules
from objectives.history import clean_reason, lock_for_edit
from objectives.models import Objective

from .models import Measure, MeasureValue
from .services import record, require_editor


@transaction.atomic
def measure_value_create(
    *,
    user,
    measure: Measure,
    period_end: date,
    value: Decimal,
    note: str = "",
    recorded_at: datetime | None = None,
) -> MeasureValue:
    """The owner (or an administrator) records the value for the period ending ``period_end``:
    not in the future, not before the plan starts, one value per period."""
    measure = Measure.objects.select_related("objective__plan").get(pk=measure.pk)
    objective = measure.objective
    require_editor(user, objective)
    today = (recorded_at.date() if recorded_at else None) or timezone.localdate()
    if period_end > today:
        raise ValidationError({"period_end": "End of the period cannot be in the future"})
    if period_end < objective.plan.starts_on:
        raise ValidationError(
            {
                "period_end": "End of the period must be on or after the plan starts, "
                f"{objective.plan.starts_on:%-d %B %Y}"
            }
        )
    recorded = MeasureValue.objects.filter(
        measure=measure, period_end=period_end, withdrawn_on__isnull=True
    )
    if recorded.exists():
        raise ValidationError(
            {
                "period_end": "A value for the period ending "
                f"{period_end:%-d %B %Y} is already recorded"
            }
        )
    row = MeasureValue(
        measure=measure,
        period_end=period_end,
        value=value,
        note=(note or "").strip(),
        recorded_by=user,
    )
    return record(row, user=user, reason="Value recorded", recorded_at=recorded_at)


# --- correcting and withdrawing a value ---------------------------------------------------------

# An owner may correct or withdraw a value they recorded themselves for this many days after
# recording it; administrators may correct or withdraw any value, at any time.
OWNER_CORRECTION_DAYS = 14


def values_first_recorded(ids) -> dict[int, date]:
    """Value id -> the local day it was first recorded (its first history record)."""
    return record_rules.first_recorded_on(MeasureValue, ids)


def _owner_may_still_change(user, value: MeasureValue, recorded_on: date | None) -> bool:
    today = timezone.localdate()
    return (
        value.recorded_by_id == user.pk
        and recorded_on is not None
        and (today - recorded_on).days <= OWNER_CORRECTION_DAYS
    )


def can_change_value(user, value: MeasureValue, *, recorded_on: date | None = None) -> bool:
    """May ``user`` correct or withdraw ``value`` now? Administrators any value; the owner of
    the objective a value they recorded themselves in the last 14 days. Never a withdrawn one."""
    if value.withdrawn_on is not None or user is None or not user.is_authenticated:
        return False
    if permissions.can_manage_plan(user):
        return True
    if not permissions.can_edit_objective(user, value.measure.objective):
        return False
    if recorded_on is None:
        recorded_on = values_first_recorded([value.pk]).get(value.pk)
    return _owner_may_still_change(user, value, recorded_on)


def values_changeable_by(user, objective: Objective) -> set[int]:
    """The ids of the objective's values ``user`` may correct or withdraw now (two queries at
    most)."""
    if user is None or not permissions.can_edit_objective(user, objective):
        return set()
    values = MeasureValue.objects.filter(measure__objective=objective, withdrawn_on__isnull=True)
    if permissions.can_manage_plan(user):
        return set(values.values_list("pk", flat=True))
    own = list(values.filter(recorded_by=user).select_related("measure__objective"))
    first = values_first_recorded(v.pk for v in own)
    return {v.pk for v in own if _owner_may_still_change(user, v, first.get(v.pk))}


def _value_to_change(user, value: MeasureValue, expected_version: int | None) -> MeasureValue:
    value = lock_for_edit(MeasureValue, value.pk, expected_version)
    if value.withdrawn_on is not None:
        raise ValidationError(
            f"This value was withdrawn on {value.withdrawn_on:%-d %B %Y}: record a new value "
            "instead"
        )
    value = MeasureValue.objects.select_related("measure__objective__plan").get(pk=value.pk)
    if not can_change_value(user, value):
        raise PermissionDenied(
            "Only an administrator, or the owner who recorded it in the last "
            f"{OWNER_CORRECTION_DAYS} days, may correct or withdraw this value."
        )
    return value


@transaction.atomic
def measure_value_correct(
    *,
    user,
    value: MeasureValue,
    new_value: Decimal,
    note: str | None = None,
    reason: str,
    expected_version: int | None,
) -> MeasureValue:
    """Correct a mistaken value, with a reason. The corrected figure counts from today; the
    pages for earlier days show the value as it was recorded then."""
    value = _value_to_change(user, value, expected_version)
    note = value.note if note is None else (note or "").strip()
    if new_value == value.value and note == value.note:
        raise ValidationError({"value": "Enter the correct value: it is the same as recorded"})
    reason = clean_reason(reason, required=True, what="correcting the value")
    value.value = new_value
    value.note = note
    return record(value, user=user, reason=reason, recorded_at=None)


@transaction.atomic
def measure_value_withdraw(
    *, user, value: MeasureValue, reason: str, expected_version: int | None
) -> MeasureValue:
    """Withdraw a value recorded in error, with a reason: from today it counts nowhere (not in
    the measure's status, chart, table, pack or API). It is never deleted."""
    value = _value_to_change(user, value, expected_version)
    reason = clean_reason(reason, required=True, what="withdrawing the value")
    value.withdrawn_on = timezone.localdate()
    return record(value, user=user, reason=reason, recorded_at=None)
