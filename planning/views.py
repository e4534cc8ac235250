"""Administrators' pages under /manage/: setting up plans and themes. Objectives and milestones
are set up in ``objective_views``, owners changed in ``owner_views``, records corrected and
withdrawn in ``record_views``.

Every view is for administrators only (403 for anyone else, on GET and POST alike), answers
404 for unknown rows, changes things only on POST, and is thin: a form, one service, a
redirect with a success message. Services record who, when and why in history.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from board import selectors as board_selectors
from kit.form_pages import FormPage, administrators_only, posted, run_service
from kit.stale_edits import render_form
from objectives import services as objective_services
from objectives.models import Objective, Plan, Theme

from . import forms, selectors, services

# --- Set-up: plans -----------------------------------------------------------------------


@administrators_only
@require_http_methods(["GET"])
def home(request):
    plans = list(selectors.plans_with_counts())
    context = {"plans": plans, "update_cycles": selectors.update_cycles(request.user, plans)}
    return render(request, "planning/home.html", context)


@administrators_only
@require_http_methods(["GET", "POST"])
def plan_create(request):
    form = forms.PlanForm(posted(request))
    if request.method == "POST" and form.is_valid():
        plan = run_service(
            form,
            lambda: objective_services.plan_create(user=request.user, **form.plan_fields()),
        )
        if plan is not None:
            messages.success(request, f"Plan “{plan.name}” created. Now add its themes.")
            return redirect("planning:plan_detail", pk=plan.pk)
    return render(request, "planning/plan_form.html", {"form": form, "plan": None})


@administrators_only
@require_http_methods(["GET"])
def plan_detail(request, pk: int):
    plan = get_object_or_404(Plan, pk=pk)
    themes, objectives = selectors.plan_overview(plan)
    context = {
        "plan": plan,
        "themes": themes,
        "objectives": objectives,
        "meetings": board_selectors.meetings(plan),
    }
    return render(request, "planning/plan_detail.html", context)


@administrators_only
@require_http_methods(["GET", "POST"])
def plan_edit(request, pk: int):
    plan = get_object_or_404(Plan, pk=pk)
    form = forms.PlanForm(posted(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: objective_services.plan_update(
                plan=plan,
                user=request.user,
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
                **form.plan_fields(),
            ),
            what="plan",
        )
        if saved is not None:
            messages.success(request, f"Plan “{saved.name}” saved.")
            return redirect("planning:plan_detail", pk=plan.pk)
    return render_form(request, "planning/plan_form.html", {"form": form, "plan": plan})


@administrators_only
@require_http_methods(["GET", "POST"])
def plan_publish(request, pk: int):
    """Confirm, then publish a draft plan: from today leadership and owners see it."""
    plan = get_object_or_404(Plan, pk=pk)
    if not plan.is_draft:
        messages.info(request, f"Plan “{plan.name}” is already published.")
        return redirect("planning:plan_detail", pk=plan.pk)
    if request.method == "POST":
        if FormPage(request, what="plan").submit(
            lambda _: services.plan_publish(user=request.user, plan=plan)
        ):
            messages.success(
                request, f"Plan “{plan.name}” is published: leadership and owners can now see it."
            )
        return redirect("planning:plan_detail", pk=plan.pk)
    objectives = Objective.objects.filter(plan=plan)
    context = {
        "plan": plan,
        "objective_count": objectives.count(),
        "unowned_count": objectives.filter(owner__isnull=True).count(),
    }
    return render(request, "planning/plan_publish.html", context)


# --- Set-up: themes ----------------------------------------------------------------------


@administrators_only
@require_http_methods(["GET", "POST"])
def theme_create(request, pk: int):
    plan = get_object_or_404(Plan, pk=pk)
    form = forms.ThemeForm(posted(request), plan=plan)
    if request.method == "POST" and form.is_valid():
        theme = run_service(
            form,
            lambda: objective_services.theme_create(
                user=request.user,
                plan=plan,
                name=form.cleaned_data["name"],
                order=form.cleaned_data["order"],
            ),
        )
        if theme is not None:
            messages.success(request, f"Theme “{theme.name}” added.")
            return redirect(reverse("planning:plan_detail", args=[plan.pk]) + "#themes")
    return render(request, "planning/theme_form.html", {"form": form, "plan": plan, "theme": None})


@administrators_only
@require_http_methods(["GET", "POST"])
def theme_edit(request, pk: int):
    theme = get_object_or_404(Theme.objects.select_related("plan"), pk=pk)
    form = forms.ThemeForm(posted(request), plan=theme.plan, theme=theme)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: objective_services.theme_update(
                theme=theme,
                user=request.user,
                name=form.cleaned_data["name"],
                order=form.cleaned_data["order"],
                expected_version=form.cleaned_data["version"],
            ),
            what="theme",
        )
        if saved is not None:
            messages.success(request, f"Theme “{saved.name}” saved.")
            return redirect(reverse("planning:plan_detail", args=[theme.plan_id]) + "#themes")
    return render_form(
        request, "planning/theme_form.html", {"form": form, "plan": theme.plan, "theme": theme}
    )
