"""Every write to plans, themes, objectives and progress updates.

Each function validates, runs in one transaction and records the acting user (and the reason,
where the rules require one) in the row's history.
"""

from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from kit.formatting import person_name

from . import owner_notices, permissions, record_rules
from .history import clean_reason, lock_for_edit, save_with_history
from .models import Objective, Plan, ProgressUpdate, Theme

User = get_user_model()

PLAN_FIELDS = {
    "name",
    "organisation",
    "starts_on",
    "ends_on",
    "slip_tolerance_days",
    "stale_after_days",
    "due_soon_days",
    "update_window_days",
}
# Owner changes go through objective_assign_owner; the plan never changes.
OBJECTIVE_FIELDS = {
    "theme",
    "ref",
    "title",
    "description",
    "source",
    "starts_on",
    "target_date",
    "status",
    "closing_summary",
}


def _apply(instance, fields: dict, allowed: set[str]) -> list[str]:
    unknown = set(fields) - allowed
    if unknown:
        raise ValueError(f"Cannot change {', '.join(sorted(unknown))} here.")
    changed = []
    for name, value in fields.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


@transaction.atomic
def plan_create(
    *,
    user,
    name: str,
    organisation: str,
    starts_on: date,
    ends_on: date,
    slip_tolerance_days: int = 28,
    stale_after_days: int = 42,
    due_soon_days: int = 14,
    update_window_days: int = 14,
    recorded_at: datetime | None = None,
    published_on: date | None = None,
) -> Plan:
    plan = Plan(
        published_on=published_on,
        name=name,
        organisation=organisation,
        starts_on=starts_on,
        ends_on=ends_on,
        slip_tolerance_days=slip_tolerance_days,
        stale_after_days=stale_after_days,
        due_soon_days=due_soon_days,
        update_window_days=update_window_days,
    )
    return save_with_history(plan, user=user, reason="Plan created", recorded_at=recorded_at)


@transaction.atomic
def plan_update(
    *, plan: Plan, user, reason: str = "", expected_version: int | None = None, **fields
) -> Plan:
    plan = lock_for_edit(Plan, plan.pk, expected_version)
    if not _apply(plan, fields, PLAN_FIELDS):
        return plan
    return save_with_history(plan, user=user, reason=reason.strip())


@transaction.atomic
def theme_create(
    *, user, plan: Plan, name: str, order: int = 0, recorded_at: datetime | None = None
) -> Theme:
    theme = Theme(plan=plan, name=name, order=order)
    return save_with_history(theme, user=user, reason="Theme added", recorded_at=recorded_at)


@transaction.atomic
def theme_update(
    *,
    theme: Theme,
    user,
    name: str | None = None,
    order: int | None = None,
    expected_version: int | None = None,
) -> Theme:
    theme = lock_for_edit(Theme, theme.pk, expected_version)
    fields = {k: v for k, v in {"name": name, "order": order}.items() if v is not None}
    if not _apply(theme, fields, {"name", "order"}):
        return theme
    return save_with_history(theme, user=user)


def _check_owner(owner) -> None:
    if owner is not None and not owner.is_active:
        raise ValidationError({"owner": f"{person_name(owner)} has left; choose someone else."})


@transaction.atomic
def objective_create(
    *,
    user,
    plan: Plan,
    ref: str,
    title: str,
    target_date: date,
    starts_on: date | None = None,
    theme: Theme | None = None,
    description: str = "",
    source: str = "",
    owner=None,
    status: str = Objective.Status.NOT_STARTED,
    closing_summary: str = "",
    recorded_at: datetime | None = None,
) -> Objective:
    _check_owner(owner)
    objective = Objective(
        closing_summary=(closing_summary or "").strip(),
        plan=plan,
        theme=theme,
        ref=ref.strip(),
        title=title.strip(),
        description=description,
        source=source,
        owner=owner,
        target_date=target_date,
        status=status,
    )
    if starts_on is not None:
        objective.starts_on = starts_on
    record_rules.objective_inside_plan(
        starts_on=objective.starts_on, target_date=target_date, plan=plan
    )
    if status == Objective.Status.WITHDRAWN:
        raise ValidationError(
            {"status": "A new objective cannot start withdrawn: add it, then withdraw it"}
        )
    if status == Objective.Status.COMPLETE:
        check_can_complete(objective)
    objective = save_with_history(
        objective, user=user, reason="Objective created", recorded_at=recorded_at
    )
    if recorded_at is None:
        owner_notices.note(objective=objective, owner=owner, by=user)
    return objective


@transaction.atomic
def objective_update(
    *,
    objective: Objective,
    user,
    reason: str = "",
    expected_version: int | None = None,
    recorded_at: datetime | None = None,
    **fields,
) -> Objective:
    """Change an objective's details (never its owner: see ``objective_assign_owner``).

    Moving the target date later is a slip in the plan's timescale and needs a reason. Its
    dates stay inside the plan; it is marked complete only when every milestone is complete
    or withdrawn, with a closing summary; it is withdrawn only through ``objective_withdraw``.
    """
    objective = lock_for_edit(Objective, objective.pk, expected_version)
    record_rules.objective_open_for_owner(objective, user, field="status")
    old_target, old_starts, old_status = (
        objective.target_date,
        objective.starts_on,
        objective.status,
    )
    if "closing_summary" in fields:
        fields["closing_summary"] = (fields["closing_summary"] or "").strip()
    if not _apply(objective, fields, OBJECTIVE_FIELDS):
        return objective
    if objective.starts_on != old_starts or objective.target_date != old_target:
        record_rules.objective_inside_plan(
            starts_on=objective.starts_on, target_date=objective.target_date, plan=objective.plan
        )
    if objective.status != old_status:
        if objective.status == Objective.Status.WITHDRAWN:
            raise ValidationError(
                {"status": "Only an administrator can withdraw an objective, with a reason"}
            )
        if objective.status == Objective.Status.COMPLETE:
            check_can_complete(objective)
    reason = clean_reason(
        reason,
        required=objective.target_date > old_target,
        what="moving the target date later",
    )
    return save_with_history(objective, user=user, reason=reason, recorded_at=recorded_at)


def open_milestones(objective: Objective) -> list:
    """The milestones still to do (neither complete nor withdrawn), earliest first."""
    return list(objective.milestones.open().order_by("due_date", "id"))


def check_can_complete(objective: Objective) -> None:
    """An objective is complete only when every milestone is complete or withdrawn, and with a
    closing summary of what was achieved."""
    errors = {}
    still_open = open_milestones(objective) if objective.pk else []
    if still_open:
        titles = "; ".join(f"\u2018{m.title}\u2019" for m in still_open)
        count = len(still_open)
        errors["status"] = (
            f"This objective cannot be complete while {count} "
            f"milestone{'s are' if count != 1 else ' is'} still open: {titles}. Complete each "
            "milestone first (an administrator can withdraw one that is no longer needed)"
        )
    if not (objective.closing_summary or "").strip():
        errors["closing_summary"] = "Write a closing summary of what the objective achieved"
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def objective_withdraw(
    *,
    objective: Objective,
    user,
    reason: str,
    expected_version: int | None,
    recorded_at: datetime | None = None,
) -> Objective:
    """Withdraw an objective (administrators only, with a reason): it leaves the drift picture
    from today, stays on its page and in history, and is never deleted."""
    record_rules.require_administrator(user, "withdraw an objective")
    objective = lock_for_edit(Objective, objective.pk, expected_version)
    if objective.is_withdrawn:
        raise ValidationError({"__all__": "This objective has already been withdrawn"})
    reason = clean_reason(reason, required=True, what="withdrawing the objective")
    objective.status = Objective.Status.WITHDRAWN
    return save_with_history(objective, user=user, reason=reason, recorded_at=recorded_at)


@transaction.atomic
def objective_assign_owner(
    *,
    objective: Objective,
    user,
    owner,
    reason: str,
    expected_version: int | None = None,
    recorded_at: datetime | None = None,
) -> Objective:
    """Give the objective a named, accountable owner (or take it away), with a reason."""
    objective = lock_for_edit(Objective, objective.pk, expected_version)
    if objective.owner_id == (owner.pk if owner else None):
        raise ValidationError({"owner": "That person already owns this objective."})
    _check_owner(owner)
    reason = clean_reason(reason, required=True, what="changing the owner")
    objective.owner = owner
    objective = save_with_history(objective, user=user, reason=reason, recorded_at=recorded_at)
    if recorded_at is None:
        owner_notices.note(objective=objective, owner=owner, by=user)
    return objective


@transaction.atomic
def open_objectives_reassign(*, user, from_person, to_person, reason: str) -> list[Objective]:
    """Move every open objective of ``from_person`` to ``to_person``: one history record each."""
    if user is None or not permissions.can_manage_plan(user):
        raise PermissionDenied("Only administrators can do this.")
    if from_person.pk == to_person.pk:
        raise ValidationError({"to_person": "Choose someone other than the current owner."})
    reason = clean_reason(reason, required=True, what="moving the objectives")
    objectives = list(
        Objective.objects.open()
        .owned_by(from_person)
        .select_for_update()
        .order_by("plan_id", "ref", "id")
    )
    if not objectives:
        name = person_name(from_person)
        raise ValidationError({"from_person": f"{name} does not own any open objectives."})
    return [
        objective_assign_owner(objective=objective, user=user, owner=to_person, reason=reason)
        for objective in objectives
    ]


@transaction.atomic
def progress_update_create(
    *,
    user,
    objective: Objective,
    reported_on: date,
    rag: str,
    summary: str,
    recorded_at: datetime | None = None,
) -> ProgressUpdate:
    record_rules.objective_open_for_owner(objective, user)
    if reported_on is not None:
        record_rules.reported_on(
            reported_on, objective=objective, today=record_rules.today_for(recorded_at)
        )
    update = ProgressUpdate(
        objective=objective,
        author=user,
        reported_on=reported_on,
        rag=rag,
        summary=(summary or "").strip(),
    )
    return save_with_history(update, user=user, reason="Progress reported", recorded_at=recorded_at)
