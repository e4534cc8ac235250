"""Every write to findings, their links to objectives, measures, their values and evidence.

Each function checks who is acting, validates, runs in one transaction and records the acting
user (and the reason, where the rules want one) in the row's history.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from milestones.models import Milestone
from objectives import drafts, permissions, record_rules
from objectives.history import clean_reason, lock_for_edit, save_with_history
from objectives.models import Objective, Plan, ProgressUpdate

from . import uploads
from .models import (
    Evidence,
    Finding,
    Measure,
    MeasureValue,
    ObjectiveFinding,
    evidence_storage,
    random_name,
)


def _require_admin(user) -> None:
    if user is None or not permissions.can_manage_plan(user):
        raise PermissionDenied("Only administrators may do this.")


def _require_editor(user, objective: Objective) -> None:
    drafts.require_visible(user, objective)
    if user is None or not permissions.can_edit_objective(user, objective):
        raise PermissionDenied("Only the objective's owner or an administrator may do this.")


def _record(instance, *, user, reason: str, recorded_at: datetime | None):
    """Save through history; a clash with a unique constraint becomes a ValidationError."""
    return save_with_history(instance, user=user, reason=reason, recorded_at=recorded_at)


# --- findings -----------------------------------------------------------------------------------


@transaction.atomic
def finding_create(
    *,
    user,
    plan: Plan,
    ref: str,
    source: str,
    text: str,
    recorded_at: datetime | None = None,
) -> Finding:
    _require_admin(user)
    ref = (ref or "").strip()
    finding = Finding(plan=plan, ref=ref, source=(source or "").strip(), text=(text or "").strip())
    return _record(finding, user=user, reason="Finding added", recorded_at=recorded_at)


@transaction.atomic
def finding_update(
    *,
    user,
    finding: Finding,
    ref: str,
    source: str,
    text: str,
    reason: str = "",
    expected_version: int | None = None,
) -> Finding:
    _require_admin(user)
    finding = lock_for_edit(Finding, finding.pk, expected_version)
    ref = (ref or "").strip()
    changes = {"ref": ref, "source": (source or "").strip(), "text": (text or "").strip()}
    if all(getattr(finding, k) == v for k, v in changes.items()):
        return finding
    for name, value in changes.items():
        setattr(finding, name, value)
    return _record(finding, user=user, reason=(reason or "").strip(), recorded_at=None)


@transaction.atomic
def finding_set_objectives(
    *,
    user,
    finding: Finding,
    objectives: list[Objective],
    reason: str = "",
    recorded_at: datetime | None = None,
) -> tuple[int, int]:
    """Make ``objectives`` the ones answering ``finding``: links are added and removed (each
    recorded in history). Returns (added, removed)."""
    _require_admin(user)
    finding = Finding.objects.select_for_update().get(pk=finding.pk)
    wanted = {o.pk: o for o in objectives}
    if any(o.plan_id != finding.plan_id for o in objectives):
        raise ValidationError({"objectives": "Choose objectives of the finding's own plan"})
    reason = (reason or "").strip()
    current = {link.objective_id: link for link in finding.links.select_for_update()}
    added = removed = 0
    for pk, objective in sorted(wanted.items()):
        if pk not in current:
            link = ObjectiveFinding(objective=objective, finding=finding)
            _record(link, user=user, reason=reason or "Objective linked", recorded_at=recorded_at)
            added += 1
    for pk, link in sorted(current.items()):
        if pk not in wanted:
            link._history_user = user
            link._change_reason = reason or "Objective unlinked"
            link.delete()
            removed += 1
    return added, removed


# --- measures -----------------------------------------------------------------------------------


@transaction.atomic
def measure_create(
    *,
    user,
    objective: Objective,
    name: str,
    unit: str,
    direction: str,
    baseline_value: Decimal,
    baseline_on: date,
    target_value: Decimal,
    target_on: date,
    recorded_at: datetime | None = None,
) -> Measure:
    _require_admin(user)
    measure = Measure(
        objective=objective,
        name=(name or "").strip(),
        unit=(unit or "").strip(),
        direction=direction,
        baseline_value=baseline_value,
        baseline_on=baseline_on,
        target_value=target_value,
        target_on=target_on,
    )
    return _record(measure, user=user, reason="Measure added", recorded_at=recorded_at)


MEASURE_FIELDS = (
    "name",
    "unit",
    "direction",
    "baseline_value",
    "baseline_on",
    "target_value",
    "target_on",
)
MOVING_THE_GOALPOSTS = ("direction", "baseline_value", "baseline_on", "target_value", "target_on")


@transaction.atomic
def measure_update(
    *,
    user,
    measure: Measure,
    reason: str = "",
    expected_version: int | None = None,
    **fields,
) -> Measure:
    """Correct a measure. Changing its baseline, target or direction needs a reason, recorded
    in its history; the statuses of past days are read from that history, so they stay."""
    _require_admin(user)
    measure = lock_for_edit(Measure, measure.pk, expected_version)
    unknown = set(fields) - set(MEASURE_FIELDS)
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} here.")
    fields = {
        k: (v.strip() if isinstance(v, str) and k in ("name", "unit") else v)
        for k, v in fields.items()
    }
    changed = [k for k, v in fields.items() if getattr(measure, k) != v]
    if not changed:
        return measure
    reason = clean_reason(
        reason,
        required=any(k in MOVING_THE_GOALPOSTS for k in changed),
        what="changing the baseline, target or direction",
    )
    for name in changed:
        setattr(measure, name, fields[name])
    return _record(measure, user=user, reason=reason, recorded_at=None)


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
    _require_editor(user, objective)
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
    return _record(row, user=user, reason="Value recorded", recorded_at=recorded_at)


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
    return _record(value, user=user, reason=reason, recorded_at=None)


@transaction.atomic
def measure_value_withdraw(
    *, user, value: MeasureValue, reason: str, expected_version: int | None
) -> MeasureValue:
    """Withdraw a value recorded in error, with a reason: from today it counts nowhere (not in
    the measure's status, chart, table, pack or API). It is never deleted."""
    value = _value_to_change(user, value, expected_version)
    reason = clean_reason(reason, required=True, what="withdrawing the value")
    value.withdrawn_on = timezone.localdate()
    return _record(value, user=user, reason=reason, recorded_at=None)


# --- evidence -----------------------------------------------------------------------------------


def _attachment(objective, progress_update, milestone) -> None:
    if progress_update is not None and milestone is not None:
        raise ValidationError("Attach the evidence to an update or a milestone, not both")
    if progress_update is not None and progress_update.objective_id != objective.pk:
        raise ValidationError("That progress update is on another objective")
    if milestone is not None:
        if milestone.objective_id != objective.pk:
            raise ValidationError("That milestone is on another objective")
        if milestone.completed_on is None:
            raise ValidationError("Evidence goes on a milestone once it is complete")


@transaction.atomic
def evidence_add_link(
    *,
    user,
    objective: Objective,
    title: str,
    url: str,
    progress_update: ProgressUpdate | None = None,
    milestone: Milestone | None = None,
    recorded_at: datetime | None = None,
) -> Evidence:
    _require_editor(user, objective)
    _attachment(objective, progress_update, milestone)
    url = (url or "").strip()
    if not url.lower().startswith(("https://", "http://")):
        raise ValidationError({"url": "Enter a web address that starts with https://"})
    evidence = Evidence(
        objective=objective,
        progress_update=progress_update,
        milestone=milestone,
        kind=Evidence.Kind.LINK,
        title=(title or "").strip(),
        url=url,
        added_by=user,
        added_on=(recorded_at.date() if recorded_at else timezone.localdate()),
    )
    return _record(evidence, user=user, reason="Evidence added", recorded_at=recorded_at)


@transaction.atomic
def evidence_add_file(
    *,
    user,
    objective: Objective,
    title: str,
    name: str,
    data: bytes,
    progress_update: ProgressUpdate | None = None,
    milestone: Milestone | None = None,
    recorded_at: datetime | None = None,
) -> Evidence:
    """Check the file by name and content, store it under a random name in the private evidence
    storage, and record it. Nothing is stored when anything is refused."""
    _require_editor(user, objective)
    _attachment(objective, progress_update, milestone)
    checked = uploads.check_upload(name, data)
    evidence = Evidence(
        objective=objective,
        progress_update=progress_update,
        milestone=milestone,
        kind=Evidence.Kind.FILE,
        title=(title or "").strip() or checked.name[:200],
        stored_name=random_name(checked.extension),
        original_name=checked.name,
        extension=checked.extension,
        content_type=checked.content_type,
        size=checked.size,
        added_by=user,
        added_on=(recorded_at.date() if recorded_at else timezone.localdate()),
    )
    evidence.full_clean()
    storage = evidence_storage()
    stored = storage.save(evidence.stored_name, ContentFile(data))
    evidence.stored_name = stored
    try:
        return _record(evidence, user=user, reason="Evidence added", recorded_at=recorded_at)
    except Exception:
        storage.delete(stored)
        raise


@transaction.atomic
def evidence_withdraw(*, user, evidence: Evidence, reason: str) -> Evidence:
    """Take evidence out of the picture, with a reason. The file and the row are kept."""
    evidence = Evidence.objects.select_for_update().select_related("objective").get(pk=evidence.pk)
    _require_editor(user, evidence.objective)
    if evidence.withdrawn_on is not None:
        raise ValidationError("This evidence has already been withdrawn")
    reason = clean_reason(reason, required=True, what="withdrawing the evidence")
    evidence.withdrawn_on = timezone.localdate()
    evidence.withdrawn_reason = reason
    return _record(evidence, user=user, reason=reason, recorded_at=None)
