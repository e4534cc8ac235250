"""Pages for the findings register, measures of impact and evidence (thin views).

Every view checks the person's role and the object before anything else; every change is a
POST through one service, answered with a redirect and a success banner.
"""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from kit.form_pages import FormPage, edit_fields, fields, posted, run_service
from objectives import drafts, permissions
from objectives.models import Objective, Plan

from . import selectors, services
from .forms import (
    FindingEditForm,
    FindingForm,
    FindingLinksForm,
    FindingsRegisterForm,
    MeasureEditForm,
    MeasureForm,
)
from .models import MEASURE_FIELDS, Finding, Measure
from .page_access import objective_url, require_admin, require_viewer

# --- the findings register (every role) ---------------------------------------------------------


@require_GET
def findings(request):
    """Each finding with the objectives answering it and its status at D. With several plans
    and none chosen, the page asks which; the date comes from the boxes or ``?as_of=``."""
    require_viewer(request)
    plans = drafts.visible_plans(request.user, Plan.objects.order_by("name", "pk"))
    form = FindingsRegisterForm(request.GET, plans=plans)
    if not form.is_valid():
        return render(request, "impact/findings.html", {"form": form, "plans": plans}, status=400)
    plan, as_of = form.cleaned_data["plan"], form.cleaned_data["as_of"]
    today = timezone.localdate()
    if plan is None:  # several plans (or none yet) and none chosen: ask
        return render(request, "impact/findings.html", {"form": form, "plans": plans})
    if form.from_boxes:  # the address keeps the date as ?as_of=YYYY-MM-DD
        query = f"?plan={plan.pk}" + (f"&as_of={as_of.isoformat()}" if as_of != today else "")
        return redirect(reverse("impact:findings") + query)
    rows = selectors.findings_register(plan, as_of)
    return render(
        request,
        "impact/findings.html",
        {
            "form": form,
            "plans": plans,
            "plan": plan,
            "as_of": as_of,
            "past": as_of < today,
            "rows": rows,
            "summary": selectors.findings_summary(rows),
            "can_manage": permissions.can_manage_plan(request.user),
            "can_download_pack": permissions.can_manage_plan(request.user)
            or permissions.is_leadership(request.user),
        },
    )


# --- administrators: findings and measures ------------------------------------------------------


@require_GET
def manage_findings(request, pk: int):
    require_admin(request)
    plan = get_object_or_404(Plan, pk=pk)
    items = Finding.objects.filter(plan=plan).prefetch_related("objectives").order_by("ref", "id")
    items = sorted(items, key=lambda f: selectors.natural_key(f.ref))
    return render(request, "impact/manage_findings.html", {"plan": plan, "findings": items})


@require_http_methods(["GET", "POST"])
def finding_create(request, pk: int):
    require_admin(request)
    plan = get_object_or_404(Plan, pk=pk)
    page = FormPage(request)
    page.bind(FindingForm)
    if page.submit(
        lambda data: services.finding_create(user=request.user, plan=plan, **_finding_fields(data))
    ):
        finding = page.result
        messages.success(request, f"Finding {finding.ref} added")
        return redirect("impact:finding_links", pk=finding.pk)
    return page.render("impact/finding_form.html", {"plan": plan})


def _finding_fields(data: dict) -> dict:
    return fields(data, "ref", "source", "text")


@require_http_methods(["GET", "POST"])
def finding_edit(request, pk: int):
    require_admin(request)
    finding = get_object_or_404(Finding.objects.select_related("plan"), pk=pk)
    if request.method == "POST":
        form = FindingEditForm(request.POST)
    else:
        form = FindingEditForm(
            version=finding.version,
            initial={"ref": finding.ref, "source": finding.source, "text": finding.text},
        )
    page = FormPage(request, what="finding", form=form)
    if page.submit(
        lambda data: services.finding_update(
            user=request.user, finding=finding, **_finding_fields(data), **edit_fields(data)
        )
    ):
        messages.success(request, f"Finding {page.result.ref} saved")
        return redirect("impact:manage_findings", pk=finding.plan_id)
    return page.render("impact/finding_form.html", {"plan": finding.plan, "finding": finding})


@require_http_methods(["GET", "POST"])
def finding_links(request, pk: int):
    require_admin(request)
    finding = get_object_or_404(Finding.objects.select_related("plan"), pk=pk)
    objectives = sorted(
        Objective.objects.filter(plan=finding.plan).current(),
        key=lambda o: selectors.natural_key(o.ref),
    )
    current = [str(pk) for pk in finding.links.values_list("objective_id", flat=True)]
    form = FindingLinksForm(posted(request), objectives=objectives, initial={"objectives": current})
    if request.method == "POST" and form.is_valid():
        chosen = {int(pk) for pk in form.cleaned_data["objectives"]}
        offered = {o.pk for o in objectives}
        # links to objectives not offered here (withdrawn ones) are kept as they are
        kept = list(Objective.objects.filter(pk__in=set(map(int, current)) - offered))
        result = run_service(
            form,
            lambda: services.finding_set_objectives(
                user=request.user,
                finding=finding,
                objectives=[o for o in objectives if o.pk in chosen] + kept,
                reason=form.cleaned_data["reason"],
            ),
        )
        if result is not None:
            added, removed = result
            messages.success(
                request,
                f"Finding {finding.ref}: {added} objective{'s' if added != 1 else ''} linked, "
                f"{removed} unlinked",
            )
            return redirect("impact:manage_findings", pk=finding.plan_id)
    return render(
        request,
        "impact/finding_links.html",
        {"form": form, "finding": finding, "plan": finding.plan},
    )


@require_http_methods(["GET", "POST"])
def measure_create(request, pk: int):
    require_admin(request)
    objective = get_object_or_404(Objective.objects.select_related("plan"), pk=pk)
    page = FormPage(request)
    page.bind(MeasureForm)
    if page.submit(
        lambda data: services.measure_create(
            user=request.user, objective=objective, **_measure_fields(data)
        )
    ):
        messages.success(request, f"Measure “{page.result.name}” added")
        return redirect(objective_url(objective, "#measures"))
    context = {"objective": objective, "back_url": objective_url(objective)}
    return page.render("impact/measure_form.html", context)


def _measure_fields(data: dict) -> dict:
    return fields(data, *MEASURE_FIELDS)


@require_http_methods(["GET", "POST"])
def measure_edit(request, pk: int):
    require_admin(request)
    measure = get_object_or_404(Measure.objects.select_related("objective__plan"), pk=pk)
    objective = measure.objective
    if request.method == "POST":
        form = MeasureEditForm(request.POST)
    else:
        form = MeasureEditForm.for_measure(measure)
    page = FormPage(request, what="measure", form=form)
    if page.submit(
        lambda data: services.measure_update(
            user=request.user, measure=measure, **edit_fields(data), **_measure_fields(data)
        )
    ):
        messages.success(request, f"Measure “{page.result.name}” saved")
        return redirect(objective_url(objective, "#measures"))
    context = {"objective": objective, "measure": measure, "back_url": objective_url(objective)}
    return page.render("impact/measure_form.html", context)
