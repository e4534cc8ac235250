"""Administrators' pages for setting up objectives and their milestones: add, set up, edit,
and a milestone's new date (re-baselining). For administrators only, thin like the plan pages.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from kit.form_pages import administrators_only, posted, run_service
from kit.formatting import long_date
from kit.stale_edits import render_form
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
    form = forms.ObjectiveForm(posted(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        objective = run_service(
            form,
            lambda: objective_services.objective_create(
                user=request.user,
                plan=plan,
                owner=form.cleaned_data["owner"],
                **form.objective_fields(),
            ),
        )
        if objective is not None:
            messages.success(request, f"Objective {objective.ref} created. Now add its milestones.")
            return redirect("planning:objective_setup", pk=objective.pk)
    return render(
        request, "planning/objective_form.html", {"form": form, "plan": plan, "objective": None}
    )


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
    form = forms.ObjectiveForm(posted(request), plan=objective.plan, objective=objective)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: objective_services.objective_update(
                objective=objective,
                user=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
                **form.objective_fields(),
            ),
            what="objective",
        )
        if saved is not None:
            messages.success(request, f"Objective {saved.ref} saved.")
            return redirect("planning:objective_setup", pk=objective.pk)
    return render_form(
        request,
        "planning/objective_form.html",
        {"form": form, "plan": objective.plan, "objective": objective},
    )


@administrators_only
@require_http_methods(["GET", "POST"])
def milestone_create(request, pk: int):
    objective = get_object_or_404(Objective.objects.select_related("plan"), pk=pk)
    form = milestone_forms.MilestoneForm(posted(request))
    if request.method == "POST" and form.is_valid():
        milestone = run_service(
            form,
            lambda: milestone_services.milestone_create(
                user=request.user,
                objective=objective,
                title=form.cleaned_data["title"],
                due_date=form.cleaned_data["due_date"],
            ),
        )
        if milestone is not None:
            messages.success(request, f"Milestone “{milestone.title}” added.")
            if "add_another" in request.POST:
                return redirect("planning:milestone_create", pk=objective.pk)
            return redirect(reverse("planning:objective_setup", args=[pk]) + "#milestones")
    return render(
        request,
        "planning/milestone_form.html",
        {"form": form, "objective": objective, "plan": objective.plan, "milestone": None},
    )


def milestone_or_404(pk: int) -> Milestone:
    return get_object_or_404(
        Milestone.objects.select_related("objective", "objective__plan"), pk=pk
    )


@administrators_only
@require_http_methods(["GET", "POST"])
def milestone_edit(request, pk: int):
    milestone = milestone_or_404(pk)
    form = milestone_forms.MilestoneEditForm(posted(request), milestone=milestone)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.milestone_edit(
                user=request.user,
                milestone=milestone,
                title=form.cleaned_data["title"],
                due_date=form.cleaned_data["due_date"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            ),
            what="milestone",
        )
        if saved is not None:
            messages.success(request, f"Milestone “{saved.title}” saved.")
            return redirect(
                reverse("planning:objective_setup", args=[milestone.objective_id]) + "#milestones"
            )
    return render_form(
        request,
        "planning/milestone_form.html",
        {
            "form": form,
            "objective": milestone.objective,
            "plan": milestone.objective.plan,
            "milestone": milestone,
        },
    )


@administrators_only
@require_http_methods(["GET", "POST"])
def milestone_rebaseline(request, pk: int):
    milestone = milestone_or_404(pk)
    form = milestone_forms.RebaselineForm(posted(request), milestone=milestone)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.milestone_rebaseline(
                user=request.user,
                milestone=milestone,
                baseline_date=form.cleaned_data["baseline_date"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            ),
            what="milestone",
        )
        if saved is not None:
            messages.success(
                request,
                f"Milestone “{saved.title}” re-baselined to {long_date(saved.baseline_date)}.",
            )
            return redirect(back_to(request, milestone.objective_id))
        milestone.refresh_from_db()
    return render_form(
        request,
        "planning/milestone_rebaseline.html",
        {
            "form": form,
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
    return reverse("planning:objective_setup", args=[objective_id]) + "#milestones"
