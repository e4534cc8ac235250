"""Administrators' pages for setting up objectives and their milestones: add, set up, edit,
and a milestone's new date (re-baselining). For administrators only, thin like the plan pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from kit.form_pages import FormPage, administrators_only, edit_fields
from kit.formatting import long_date
from milestones import services as milestone_services
from milestones.models import Milestone
from objectives import services as objective_services
from objectives.models import Objective, Plan
from tracking import selectors as tracking_selectors

from . import forms, milestone_forms, selectors, services

# --- Set-up: objectives and milestones ---------------------------------------------------


@administrators_only
@require_http_methods(["GET", "POST"])
def objective_create(request, pk: int):
    plan = get_object_or_404(Plan, pk=pk)
    page = FormPage(request)
    form = page.bind(forms.ObjectiveForm, plan=plan)
    if page.submit(
        lambda data: objective_services.objective_create(
            user=request.user, plan=plan, owner=data["owner"], **form.objective_fields()
        )
    ):
        objective = page.result
        messages.success(request, f"Objective {objective.ref} created. Now add its milestones.")
        return redirect("planning:objective_setup", pk=objective.pk)
    return page.render("planning/objective_form.html", {"plan": plan, "objective": None})


@administrators_only
@require_http_methods(["GET"])
def objective_setup(request, pk: int):
    objective = get_object_or_404(Objective.objects.select_related("plan", "theme", "owner"), pk=pk)
    history = selectors.ownership_history(Objective.objects.filter(pk=pk)).get(pk, [])
    return render(
        request,
        "planning/objective_setup.html",
        {
            "objective": objective,
            "plan": objective.plan,
            "milestones": tracking_selectors.milestone_withdrawal_reasons(
                objective.milestones.all()
            ),
            "ownership": history,
        },
    )


@administrators_only
@require_http_methods(["GET", "POST"])
def objective_edit(request, pk: int):
    objective = get_object_or_404(Objective.objects.select_related("plan"), pk=pk)
    page = FormPage(request, what="objective")
    form = page.bind(forms.ObjectiveForm, plan=objective.plan, objective=objective)
    if page.submit(
        lambda data: objective_services.objective_update(
            objective=objective, user=request.user, **edit_fields(data), **form.objective_fields()
        )
    ):
        messages.success(request, f"Objective {page.result.ref} saved.")
        return redirect("planning:objective_setup", pk=objective.pk)
    return page.render(
        "planning/objective_form.html", {"plan": objective.plan, "objective": objective}
    )


@administrators_only
@require_http_methods(["GET", "POST"])
def milestone_create(request, pk: int):
    objective = get_object_or_404(Objective.objects.select_related("plan"), pk=pk)
    page = FormPage(request)
    page.bind(milestone_forms.MilestoneForm)
    if page.submit(
        lambda data: milestone_services.milestone_create(
            user=request.user, objective=objective, title=data["title"], due_date=data["due_date"]
        )
    ):
        messages.success(request, f"Milestone “{page.result.title}” added.")
        if "add_another" in request.POST:
            return redirect("planning:milestone_create", pk=objective.pk)
        return redirect(_milestones_of(pk))
    context = {"objective": objective, "plan": objective.plan, "milestone": None}
    return page.render("planning/milestone_form.html", context)


def milestone_or_404(pk: int) -> Milestone:
    return get_object_or_404(
        Milestone.objects.select_related("objective", "objective__plan"), pk=pk
    )


@administrators_only
@require_http_methods(["GET", "POST"])
def milestone_edit(request, pk: int):
    milestone = milestone_or_404(pk)
    page = FormPage(request, what="milestone")
    page.bind(milestone_forms.MilestoneEditForm, milestone=milestone)
    if page.submit(
        lambda data: services.milestone_edit(
            user=request.user, milestone=milestone, **edit_fields(data, "title", "due_date")
        )
    ):
        messages.success(request, f"Milestone “{page.result.title}” saved.")
        return redirect(_milestones_of(milestone.objective_id))
    objective = milestone.objective
    context = {"objective": objective, "plan": objective.plan, "milestone": milestone}
    return page.render("planning/milestone_form.html", context)


@administrators_only
@require_http_methods(["GET", "POST"])
def milestone_rebaseline(request, pk: int):
    milestone = milestone_or_404(pk)
    page = FormPage(request, what="milestone")
    form = page.bind(milestone_forms.RebaselineForm, milestone=milestone)
    if page.submit(
        lambda data: services.milestone_rebaseline(
            user=request.user, milestone=milestone, **edit_fields(data, "baseline_date")
        )
    ):
        saved = page.result
        messages.success(
            request,
            f"Milestone “{saved.title}” re-baselined to {long_date(saved.baseline_date)}.",
        )
        return redirect(back_to(request, milestone.objective_id))
    if request.method == "POST" and form.is_valid():
        milestone.refresh_from_db()  # the service refused it: show the row as it is now
    return page.render(
        "planning/milestone_rebaseline.html",
        {
            "milestone": milestone,
            "objective": milestone.objective,
            "plan": milestone.objective.plan,
            "baselines": selectors.baseline_history(milestone),
            "next": safe_next(request),
        },
    )


def safe_next(request) -> str:
    """Where to go back to after saving: "objective" is the objective's own page."""
    value = request.POST.get("next") or request.GET.get("next") or ""
    return value if value in ("objective", "setup") else ""


def back_to(request, objective_id: int) -> str:
    """The objective's own page when the person came from it, else its set-up page's
    milestones."""
    if safe_next(request) == "objective":
        return reverse("tracking:objective_detail", args=[objective_id])
    return _milestones_of(objective_id)


def _milestones_of(objective_id: int) -> str:
    return reverse("planning:objective_setup", args=[objective_id]) + "#milestones"
