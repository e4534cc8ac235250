"""Draft plans are for administrators only.

A plan with no ``published_on`` is a draft: administrators see it everywhere, with a "Draft"
tag; everyone else reads as if it did not exist, and so do its objectives and everything on
them (milestones, evidence and its files, measures and their values, challenges): every page,
download, email, list and count asks ``plan_visible`` (or ``require_visible``, or
``visible_rows`` for a query) before it shows any of them to a person.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import Http404

from kit import model_rows

from . import permissions
from .models import Objective, Plan


def sees_drafts(user) -> bool:
    return user is not None and permissions.is_administrator(user)


def plan_visible(user, plan: Plan) -> bool:
    """May ``user`` see ``plan`` and what is on it? Drafts only for administrators."""
    return not plan.is_draft or sees_drafts(user)


def objective_visible(user, objective: Objective) -> bool:
    """May ``user`` see ``objective``, its evidence, measures and challenges?"""
    return plan_visible(user, objective.plan)


def visible_rows(user, rows: QuerySet, plan_path: str = "objective__plan") -> QuerySet:
    """``rows`` without those of draft plans, unless ``user`` is an administrator.

    ``plan_path`` is the lookup from the rows to their plan (``"plan"`` for objectives)."""
    if sees_drafts(user):
        return rows
    return rows.filter(**{f"{plan_path}__published_on__isnull": False})


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
    """404 for an objective of a draft plan (or anything on it), unless ``user`` is an
    administrator: pages and services refuse it as if it did not exist."""
    if not objective_visible(user, objective):
        raise Http404("No objective matches the given query.")
    return objective


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
    plan = model_rows.by_pk(Plan, int(text))
    if plan is None:
        raise ValidationError(f"There is no plan {int(text)}.")
    return plan
