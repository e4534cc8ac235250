"""Administrators' writes: an owner with a reason, milestone edits, publishing a plan.

Built on ``objectives.services`` and ``milestones.services``, so every changed objective or
milestone gets its own history record with who, when and why. Each function checks that the
acting user is an administrator (the views check too) and runs in one transaction: nothing is
half-saved.

People's accounts (leavers among them) are changed by ``people.services``.
"""

from __future__ import annotations

import logging
from datetime import date

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from milestones import services as milestone_services
from milestones.models import Milestone
from objectives import owner_notices, permissions
from objectives import services as objective_services
from objectives.history import lock_for_edit, save_with_history
from objectives.models import Objective, Plan

User = get_user_model()
log = logging.getLogger("improve.security")


def require_administrator(user) -> None:
    if user is None or not permissions.can_manage_plan(user):
        raise PermissionDenied("Only administrators can do this.")


# --- Owners ------------------------------------------------------------------------------


def owner_assign(
    *, user, objective: Objective, owner, reason: str, expected_version: int | None = None
) -> Objective:
    """Give an objective a named owner, or a new one, with a reason."""
    require_administrator(user)
    return objective_services.objective_assign_owner(
        objective=objective,
        user=user,
        owner=owner,
        reason=reason,
        expected_version=expected_version,
    )


# --- Milestones --------------------------------------------------------------------------


@transaction.atomic
def milestone_edit(
    *,
    user,
    milestone: Milestone,
    title: str,
    due_date: date,
    reason: str = "",
    expected_version: int | None = None,
) -> Milestone:
    """Change a milestone's title and forecast date in one step (a later date needs a reason)."""
    require_administrator(user)
    milestone = lock_for_edit(Milestone, milestone.pk, expected_version)
    if due_date != milestone.due_date:
        milestone = milestone_services.milestone_reschedule(
            milestone=milestone, user=user, due_date=due_date, reason=reason
        )
    if (title or "").strip() != milestone.title:
        milestone = milestone_services.milestone_update_title(
            milestone=milestone, user=user, title=title
        )
    return milestone


def milestone_rebaseline(
    *,
    user,
    milestone: Milestone,
    baseline_date: date,
    reason: str,
    expected_version: int | None = None,
) -> Milestone:
    require_administrator(user)
    return milestone_services.milestone_rebaseline(
        milestone=milestone,
        user=user,
        baseline_date=baseline_date,
        reason=reason,
        expected_version=expected_version,
    )


# --- Plans -------------------------------------------------------------------------------


@transaction.atomic
def plan_publish(*, plan: Plan, user) -> Plan:
    """Publish a draft plan from today: leadership, owners, exports and the API see it."""
    require_administrator(user)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not plan.is_draft:
        raise ValidationError(f"Plan “{plan.name}” is already published.")
    plan.published_on = timezone.localdate()
    plan = save_with_history(plan, user=user, reason="Plan published")
    owned = Objective.objects.open().filter(plan=plan, owner__isnull=False)
    for objective in owned.select_related("owner", "plan"):
        owner_notices.note(objective=objective, owner=objective.owner, by=user)
    return plan
