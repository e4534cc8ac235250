"""Who may open impact's pages, which plan and day they ask for, and where they lead back to
(shared by its views and the board's evidence pack)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone

from objectives import drafts, permissions
from objectives.models import Objective
from tracking import selectors as tracking_selectors


def posted(request):
    return request.POST if request.method == "POST" else None


def require_viewer(request) -> None:
    if not permissions.can_view_plan(request.user):
        raise PermissionDenied


def require_admin(request) -> None:
    if not permissions.can_manage_plan(request.user):
        raise PermissionDenied("Only administrators can manage the findings register.")


def require_editor(request, objective: Objective) -> None:
    """404 for an objective of a draft plan (as for its page), else 403 for anyone but its
    owner and administrators."""
    drafts.require_visible(request.user, objective)
    if not permissions.can_edit_objective(request.user, objective):
        raise PermissionDenied


def objective_url(objective_or_pk, anchor: str = "") -> str:
    pk = getattr(objective_or_pk, "pk", objective_or_pk)
    return reverse("tracking:objective_detail", args=[pk]) + anchor


def findings_day(request):
    """The plan and day the findings register (or the evidence pack) asks for, as
    ``(plan, day, None)``; or ``(None, None, answer)``, the register's 400 page saying what is
    wrong (an unknown plan, a day that is not a date or is in the future)."""
    try:
        as_of = tracking_selectors.parse_as_of(request.GET.get("as_of"))
        plan = drafts.resolve_plan_for(request.user, request.GET.get("plan"))
    except ValidationError as problem:
        return None, None, _refused(request, " ".join(problem.messages))
    if as_of > timezone.localdate():
        return None, None, _refused(request, "Choose today or a date in the past.")
    return plan, as_of, None


def _refused(request, error: str):
    return render(request, "impact/findings.html", {"error": error}, status=400)
