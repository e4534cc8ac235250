"""Administrators' pages under /manage/: plan set-up, owners and re-baselining.

Every view is for administrators only (403 for anyone else, on GET and POST alike), answers
404 for unknown rows, changes things only on POST, and is thin: a form, one service, a
redirect with a success message. Services record who, when and why in history.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from board import selectors as board_selectors
from kit.form_pages import FormPage, administrators_only, posted, run_service
from kit.formatting import long_date, person_name
from kit.stale_edits import render_form
from milestones import services as milestone_services
from milestones.models import Milestone
from objectives import services as objective_services
from objectives.models import Objective, Plan, Theme
from people import selectors as people_selectors
from tracking import selectors as tracking_selectors

from . import forms, selectors, services

User = get_user_model()


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
    form = forms.MilestoneForm(posted(request))
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
    form = forms.MilestoneEditForm(posted(request), milestone=milestone)
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
    form = forms.RebaselineForm(posted(request), milestone=milestone)
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


# --- Accountability ----------------------------------------------------------------------


@administrators_only
@require_http_methods(["GET"])
def accountability(request):
    filter_form = forms.PlanFilterForm(request.GET or None)
    plan = None
    if filter_form.is_bound:
        if not filter_form.is_valid():
            raise Http404("No such plan.")
        plan = filter_form.cleaned_data["plan"]
    plans = list(Plan.objects.order_by("name", "id"))
    return render(
        request,
        "planning/accountability.html",
        {
            "summary": selectors.accountability(plan),
            "plan": plan,
            "plans": plans,
            "filter_form": filter_form,
        },
    )


@administrators_only
@require_http_methods(["GET", "POST"])
def objective_owner(request, pk: int):
    objective = get_object_or_404(Objective.objects.select_related("plan", "owner"), pk=pk)
    form = forms.OwnerForm(posted(request), objective=objective)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.owner_assign(
                user=request.user,
                objective=objective,
                owner=form.cleaned_data["owner"],
                reason=form.cleaned_data["reason"],
                expected_version=form.cleaned_data["version"],
            ),
            what="objective",
        )
        if saved is not None:
            messages.success(request, f"{person_name(saved.owner)} now owns objective {saved.ref}.")
            return redirect(_owner_back_to(request, objective))
        objective.refresh_from_db()
    history = selectors.ownership_history(Objective.objects.filter(pk=pk)).get(pk, [])
    return render_form(
        request,
        "planning/objective_owner.html",
        {
            "form": form,
            "objective": objective,
            "plan": objective.plan,
            "ownership": history,
            "next": safe_next(request),
        },
    )


def _owner_back_to(request, objective: Objective) -> str:
    where = safe_next(request)
    if where == "objective":
        return reverse("tracking:objective_detail", args=[objective.pk])
    if where == "setup":
        return reverse("planning:objective_setup", args=[objective.pk])
    return reverse("planning:accountability") + f"?plan={objective.plan_id}"


@administrators_only
@require_http_methods(["GET", "POST"])
def bulk_reassign(request):
    initial = {}
    source = request.GET.get("from", "")
    if request.method == "GET" and source.isdigit():
        initial["from_person"] = int(source)
    form = forms.BulkReassignForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        moved = run_service(
            form,
            lambda: objective_services.open_objectives_reassign(
                user=request.user,
                from_person=form.cleaned_data["from_person"],
                to_person=form.cleaned_data["to_person"],
                reason=form.cleaned_data["reason"],
            ),
        )
        if moved is not None:
            count = len(moved)
            messages.success(
                request,
                f"{count} open objective{'s' if count != 1 else ''} moved from "
                f"{person_name(form.cleaned_data['from_person'])} to "
                f"{person_name(form.cleaned_data['to_person'])}.",
            )
            return redirect("planning:accountability")
    chosen = None
    if form.is_bound:
        chosen = form.cleaned_data.get("from_person")
    elif "from_person" in initial:
        chosen = User.objects.filter(pk=initial["from_person"]).first()
    moving = people_selectors.person_objectives(chosen)[0] if chosen else []
    return render(
        request,
        "planning/bulk_reassign.html",
        {"form": form, "chosen": chosen, "moving": moving},
    )
