"""The owner's changes to an objective (a progress update, its description or status), and the
helpers every editing page shares (``milestones.views`` and ``tracking.views`` use them too).

Views are thin: check who may do it, validate with a form, call one service or selector, render.
Every change is a POST, refused with 403 before anything is validated when the person may not
make it, and answered with a redirect to the objective page and a success banner.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from kit.form_pages import FormPage, edit_fields, fields
from kit.formatting import long_date

from . import drafts, permissions, services
from .forms import ObjectiveEditForm, ProgressUpdateForm
from .models import Objective

# ---------------------------------------------------------------------------------------------
# Helpers shared with milestones.views and tracking.views
# ---------------------------------------------------------------------------------------------


def require_viewer(request) -> None:
    if not permissions.can_view_plan(request.user):
        raise PermissionDenied


def objective_for_edit(request, pk: int) -> Objective:
    """The objective, if the signed-in person may change it: 404 if unknown, else 403."""
    objective = get_object_or_404(Objective.objects.select_related("owner", "plan"), pk=pk)
    drafts.require_visible(request.user, objective)
    if not permissions.can_edit_objective(request.user, objective):
        raise PermissionDenied
    return objective


def objective_url(objective_or_pk) -> str:
    pk = getattr(objective_or_pk, "pk", objective_or_pk)
    return reverse("tracking:objective_detail", args=[pk])


# ---------------------------------------------------------------------------------------------
# The owner's changes
# ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def progress_update_create(request, pk: int):
    objective = objective_for_edit(request, pk)
    page = FormPage(request)
    page.bind(ProgressUpdateForm)
    if page.submit(
        lambda data: services.progress_update_create(
            user=request.user,
            objective=objective,
            **fields(data, "reported_on", "rag", "summary"),
        )
    ):
        reported_on = page.form.cleaned_data["reported_on"]
        messages.success(request, f"Progress update for {long_date(reported_on)} added")
        return redirect(objective_url(objective))
    return page.render("objectives/progress_update_form.html", _context(objective))


@require_http_methods(["GET", "POST"])
def objective_edit(request, pk: int):
    """The owner changes the description or status (never the owner, title or dates)."""
    objective = objective_for_edit(request, pk)
    page = FormPage(request, what="objective")
    if request.method == "GET":
        page.form = ObjectiveEditForm.for_objective(objective)
    else:
        page.bind(ObjectiveEditForm)
    saved = page.submit(
        lambda data: services.objective_update(
            objective=objective,
            user=request.user,
            **edit_fields(data, "description", "status", "closing_summary"),
        ),
        version=objective.version,
        current=objective,
        details=_details,
    )
    if saved:
        if page.result.version == objective.version:
            messages.info(request, "Nothing was changed: the description and status are the same")
        else:
            status = page.result.get_status_display().lower()
            messages.success(request, f"Objective updated: its status is {status}")
        return redirect(objective_url(objective))
    shown = page.current or objective
    context = {**_context(shown), "conflict": getattr(page.form, "conflict", None)}
    return page.render("objectives/objective_form.html", context)


def _details(current: Objective) -> list[tuple[str, str]]:
    """The objective as it is now, shown when someone else saved it first."""
    return [
        ("Status", current.get_status_display()),
        ("Description", current.description or "None"),
    ]


def _context(objective: Objective) -> dict:
    return {"objective": objective, "back_url": objective_url(objective)}
