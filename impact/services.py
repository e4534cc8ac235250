"""Every write to findings, their links to objectives and measures (their values are written in
``value_services``, evidence in ``evidence_services``), with the checks they share.

Each function checks who is acting, validates, runs in one transaction and records the acting
user (and the reason, where the rules want one) in the row's history.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from objectives import drafts, permissions
from objectives.history import clean_reason, lock_for_edit, save_with_history
from objectives.models import Objective, Plan

from .models import (
    MEASURE_FIELDS,
    Finding,
    Measure,
    ObjectiveFinding,
)


def require_admin(user) -> None:
    if user is None or not permissions.can_manage_plan(user):
        raise PermissionDenied("Only administrators may do this.")


def require_editor(user, objective: Objective) -> None:
    drafts.require_visible(user, objective)
    if user is None or not permissions.can_edit_objective(user, objective):
        raise PermissionDenied("Only the objective's owner or an administrator may do this.")


def record(instance, *, user, reason: str, recorded_at: datetime | None):
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
    require_admin(user)
    ref = (ref or "").strip()
    finding = Finding(plan=plan, ref=ref, source=(source or "").strip(), text=(text or "").strip())
    return record(finding, user=user, reason="Finding added", recorded_at=recorded_at)


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
    require_admin(user)
    finding = lock_for_edit(Finding, finding.pk, expected_version)
    ref = (ref or "").strip()
    changes = {"ref": ref, "source": (source or "").strip(), "text": (text or "").strip()}
    if all(getattr(finding, k) == v for k, v in changes.items()):
        return finding
    for name, value in changes.items():
        setattr(finding, name, value)
    return record(finding, user=user, reason=(reason or "").strip(), recorded_at=None)


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
    require_admin(user)
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
            record(link, user=user, reason=reason or "Objective linked", recorded_at=recorded_at)
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
    require_admin(user)
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
    return record(measure, user=user, reason="Measure added", recorded_at=recorded_at)


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
    require_admin(user)
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
    return record(measure, user=user, reason=reason, recorded_at=None)
