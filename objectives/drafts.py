"""Draft plans are for administrators only (DESIGN.md, "Rules of the record").

A plan with no ``published_on`` is a draft: administrators see it everywhere, with a "Draft"
tag; everyone else reads as if it did not exist (the dashboard and its exports, the API, the
worklist, objective pages and accountability).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.http import Http404

from . import permissions
from .models import Objective, Plan


def sees_drafts(user) -> bool:
    return user is not None and permissions.is_administrator(user)


def visible_plans(user, plans: Iterable[Plan]) -> list[Plan]:
    """The plans of ``plans`` that ``user`` may see, in the same order."""
    plans = list(plans)
    if sees_drafts(user):
        return plans
    return [plan for plan in plans if not plan.is_draft]


def resolve_plan_for(user, plan_id: str | None) -> Plan:
    """``resolve_plan`` among the plans ``user`` may see: a draft is unknown to
    anyone but an administrator, and "the only plan" means the only one they can see."""
    if sees_drafts(user):
        return resolve_plan(plan_id)
    if plan_id in (None, ""):
        plans = list(Plan.objects.visible_to(user).order_by("id")[:2])
        if len(plans) == 1:
            return plans[0]
        if not plans:
            raise ValidationError("There is no plan yet.")
        raise ValidationError("There is more than one plan: choose one with ?plan=<id>.")
    plan = resolve_plan(plan_id)
    if plan.is_draft:
        raise ValidationError(f"There is no plan {plan.pk}.")
    return plan


def require_visible(user, objective: Objective) -> Objective:
    """404 for an objective of a draft plan, unless ``user`` is an administrator."""
    if objective.plan.is_draft and not sees_drafts(user):
        raise Http404("No objective matches the given query.")
    return objective


def worklist_rows(user, rows: list) -> list:
    """A person's own objectives without those of draft plans (unless they are administrators)."""
    if sees_drafts(user):
        return rows
    hidden = set(
        Objective.objects.filter(owner=user, plan__published_on__isnull=True).values_list(
            "id", flat=True
        )
    )
    if not hidden:
        return rows
    return [row for row in rows if row.state.id not in hidden]


def resolve_plan(plan_id: str | None) -> Plan:
    """The plan asked for, or the only plan when none is named."""
    if plan_id in (None, ""):
        plans = list(Plan.objects.order_by("id")[:2])
        if len(plans) == 1:
            return plans[0]
        if not plans:
            raise ValidationError("There is no plan yet.")
        raise ValidationError("There is more than one plan: choose one with ?plan=<id>.")
    text = str(plan_id).strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        raise ValidationError("The plan must be given by its number, for example ?plan=1.")
    plan = Plan.objects.filter(pk=int(text)).first()
    if plan is None:
        raise ValidationError(f"There is no plan {int(text)}.")
    return plan
