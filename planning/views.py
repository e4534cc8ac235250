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
from kit.form_pages import FormPage, administrators_only, edit_fields, fields
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
    page = FormPage(request)
    form = page.bind(forms.PlanForm)
    if page.submit(
        lambda _: objective_services.plan_create(user=request.user, **form.plan_fields())
    ):
        messages.success(request, f"Plan “{page.result.name}” created. Now add its themes.")
        return redirect("planning:plan_detail", pk=page.result.pk)
    return page.render("planning/plan_form.html", {"plan": None})


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
    page = FormPage(request, what="plan")
    form = page.bind(forms.PlanForm, plan=plan)
    if page.submit(
        lambda data: objective_services.plan_update(
            plan=plan, user=request.user, **edit_fields(data), **form.plan_fields()
        )
    ):
        messages.success(request, f"Plan “{page.result.name}” saved.")
        return redirect("planning:plan_detail", pk=plan.pk)
    return page.render("planning/plan_form.html", {"plan": plan})


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
    page = FormPage(request)
    page.bind(forms.ThemeForm, plan=plan)
    if page.submit(
        lambda data: objective_services.theme_create(
            user=request.user, plan=plan, **fields(data, "name", "order")
        )
    ):
        messages.success(request, f"Theme “{page.result.name}” added.")
        return redirect(_themes_of(plan.pk))
    return page.render("planning/theme_form.html", {"plan": plan, "theme": None})


@administrators_only
@require_http_methods(["GET", "POST"])
def theme_edit(request, pk: int):
    theme = get_object_or_404(Theme.objects.select_related("plan"), pk=pk)
    page = FormPage(request, what="theme")
    page.bind(forms.ThemeForm, plan=theme.plan, theme=theme)
    if page.submit(
        lambda data: objective_services.theme_update(
            theme=theme,
            user=request.user,
            expected_version=data["version"],
            **fields(data, "name", "order"),
        )
    ):
        messages.success(request, f"Theme “{page.result.name}” saved.")
        return redirect(_themes_of(theme.plan_id))
    return page.render("planning/theme_form.html", {"plan": theme.plan, "theme": theme})


def _themes_of(plan_id: int) -> str:
    return reverse("planning:plan_detail", args=[plan_id]) + "#themes"
