"""Administrators' pages for accountability: who owns what, one objective's new owner, and
moving many objectives to a new owner at once.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from kit.form_pages import administrators_only, posted, run_service
from kit.formatting import person_name
from kit.stale_edits import render_form
from objectives import services as objective_services
from objectives.models import Objective, Plan
from people import selectors as people_selectors

from . import owner_forms, selectors, services
from .objective_views import safe_next

User = get_user_model()


# --- Accountability ----------------------------------------------------------------------


@administrators_only
@require_http_methods(["GET"])
def accountability(request):
    filter_form = owner_forms.PlanFilterForm(request.GET or None)
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
    form = owner_forms.OwnerForm(posted(request), objective=objective)
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
    form = owner_forms.BulkReassignForm(posted(request), initial=initial)
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
