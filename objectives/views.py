"""The owner's changes to an objective (a progress update, its description or status), and the
helpers every editing page shares (``milestones.views`` and ``tracking.views`` use them too).

Views are thin: check who may do it, validate with a form, call one service or selector, render.
Every change is a POST, refused with 403 before anything is validated when the person may not
make it, and answered with a redirect to the objective page and a success banner.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from kit.formatting import long_date
from kit.stale_edits import refuse_stale

from . import drafts, permissions, services
from .forms import ObjectiveEditForm, ProgressUpdateForm
from .history import StaleEditError
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


def is_stale(form, version: int) -> bool:
    """Was the form loaded at another version than the row has now?"""
    try:
        return int(form.data.get("expected_version", "")) != version
    except (TypeError, ValueError):
        return False


def rebind_at(form_class, request, version: int, **kwargs):
    """The person's input again, now carrying the current version, so they can retry."""
    data = request.POST.copy()
    data["expected_version"] = str(version)
    form = form_class(data, **kwargs)
    form.is_valid()
    return form


# ---------------------------------------------------------------------------------------------
# The owner's changes
# ---------------------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def progress_update_create(request, pk: int):
    objective = objective_for_edit(request, pk)
    if request.method == "GET":
        form = ProgressUpdateForm()
        return _render_form(request, "objectives/progress_update_form.html", objective, form)
    form = ProgressUpdateForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.progress_update_create(
                user=request.user,
                objective=objective,
                reported_on=data["reported_on"],
                rag=data["rag"],
                summary=data["summary"],
            )
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            messages.success(request, f"Progress update for {long_date(data['reported_on'])} added")
            return redirect(objective_url(objective))
    return _render_form(request, "objectives/progress_update_form.html", objective, form)


@require_http_methods(["GET", "POST"])
def objective_edit(request, pk: int):
    """The owner changes the description or status (never the owner, title or dates)."""
    objective = objective_for_edit(request, pk)
    if request.method == "GET":
        form = ObjectiveEditForm.for_objective(objective)
        return _render_form(request, "objectives/objective_form.html", objective, form)
    form = ObjectiveEditForm(request.POST)
    stale = is_stale(form, objective.version)
    if form.is_valid() and not stale:
        data = form.cleaned_data
        try:
            saved = services.objective_update(
                objective=objective,
                user=request.user,
                reason=data["reason"],
                expected_version=data["expected_version"],
                description=data["description"],
                status=data["status"],
                closing_summary=data["closing_summary"],
            )
        except StaleEditError as error:
            return _objective_conflict(request, error.current)
        except ValidationError as error:
            form.add_service_errors(error)
        else:
            if saved.version == objective.version:
                messages.info(
                    request, "Nothing was changed: the description and status are the same"
                )
            else:
                status = saved.get_status_display().lower()
                messages.success(request, f"Objective updated: its status is {status}")
            return redirect(objective_url(objective))
    elif stale:
        return _objective_conflict(request, objective)
    return _render_form(request, "objectives/objective_form.html", objective, form)


def _objective_conflict(request, current: Objective):
    form = rebind_at(ObjectiveEditForm, request, current.version)
    conflict = refuse_stale(
        form,
        current,
        what="objective",
        details=[
            ("Status", current.get_status_display()),
            ("Description", current.description or "None"),
        ],
    )
    return _render_form(
        request, "objectives/objective_form.html", current, form, 409, conflict=conflict
    )


def _render_form(request, template, objective, form, status=200, **extra):
    return render(
        request,
        template,
        {"objective": objective, "form": form, "back_url": objective_url(objective), **extra},
        status=status,
    )
