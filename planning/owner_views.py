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

from kit.form_pages import FormPage, administrators_only, edit_fields, fields
from kit.formatting import person_name
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
    page = FormPage(request, what="objective")
    form = page.bind(owner_forms.OwnerForm, objective=objective)
    if page.submit(
        lambda data: services.owner_assign(
            user=request.user, objective=objective, **edit_fields(data, "owner")
        )
    ):
        saved = page.result
        messages.success(request, f"{person_name(saved.owner)} now owns objective {saved.ref}.")
        return redirect(_owner_back_to(request, objective))
    if request.method == "POST" and form.is_valid():
        objective.refresh_from_db()  # the service refused it: show the row as it is now
    history = selectors.ownership_history(Objective.objects.filter(pk=pk)).get(pk, [])
    return page.render(
        "planning/objective_owner.html",
        {
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
    page = FormPage(request)
    form = page.bind(owner_forms.BulkReassignForm, initial=initial)
    if page.submit(
        lambda data: objective_services.open_objectives_reassign(
            user=request.user, **fields(data, "from_person", "to_person", "reason")
        )
    ):
        count, data = len(page.result), form.cleaned_data
        messages.success(
            request,
            f"{count} open objective{'s' if count != 1 else ''} moved from "
            f"{person_name(data['from_person'])} to {person_name(data['to_person'])}.",
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
