"""Who may open impact's pages and where they lead back to (shared by its views)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.urls import reverse

from objectives import drafts, permissions
from objectives.models import Objective


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
