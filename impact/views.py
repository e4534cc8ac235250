"""Pages for the findings register, measures of impact and evidence (thin views).

Every view checks the person's role and the object before anything else; every change is a
POST through one service, answered with a redirect and a success banner.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from kit.form_pages import run_service
from kit.stale_edits import form_status, render_form
from milestones.models import Milestone
from objectives import drafts, permissions
from objectives.models import Objective, Plan, ProgressUpdate

from . import selectors, services
from .forms import (
    EvidenceForm,
    FindingEditForm,
    FindingForm,
    FindingLinksForm,
    FindingsRegisterForm,
    MeasureEditForm,
    MeasureForm,
    MeasureValueCorrectForm,
    MeasureValueForm,
    MeasureValueWithdrawForm,
    WithdrawEvidenceForm,
)
from .models import Evidence, Finding, Measure, MeasureValue, evidence_storage
from .uploads import MAX_BYTES


def _posted(request):
    return request.POST if request.method == "POST" else None


def _require_viewer(request) -> None:
    if not permissions.can_view_plan(request.user):
        raise PermissionDenied


def _require_admin(request) -> None:
    if not permissions.can_manage_plan(request.user):
        raise PermissionDenied("Only administrators can manage the findings register.")


def _require_editor(request, objective: Objective) -> None:
    """404 for an objective of a draft plan (as for its page), else 403 for anyone but its
    owner and administrators."""
    drafts.require_visible(request.user, objective)
    if not permissions.can_edit_objective(request.user, objective):
        raise PermissionDenied


def _objective_url(objective_or_pk, anchor: str = "") -> str:
    pk = getattr(objective_or_pk, "pk", objective_or_pk)
    return reverse("tracking:objective_detail", args=[pk]) + anchor


# --- the findings register (every role) ---------------------------------------------------------


@require_GET
def findings(request):
    """Each finding with the objectives answering it and its status at D. With several plans
    and none chosen, the page asks which; the date comes from the boxes or ``?as_of=``."""
    _require_viewer(request)
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
    _require_admin(request)
    plan = get_object_or_404(Plan, pk=pk)
    items = Finding.objects.filter(plan=plan).prefetch_related("objectives").order_by("ref", "id")
    items = sorted(items, key=lambda f: selectors.natural_key(f.ref))
    return render(request, "impact/manage_findings.html", {"plan": plan, "findings": items})


@require_http_methods(["GET", "POST"])
def finding_create(request, pk: int):
    _require_admin(request)
    plan = get_object_or_404(Plan, pk=pk)
    form = FindingForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        finding = run_service(
            form,
            lambda: services.finding_create(
                user=request.user,
                plan=plan,
                ref=data["ref"],
                source=data["source"],
                text=data["text"],
            ),
        )
        if finding is not None:
            messages.success(request, f"Finding {finding.ref} added")
            return redirect("impact:finding_links", pk=finding.pk)
    return render(request, "impact/finding_form.html", {"form": form, "plan": plan})


@require_http_methods(["GET", "POST"])
def finding_edit(request, pk: int):
    _require_admin(request)
    finding = get_object_or_404(Finding.objects.select_related("plan"), pk=pk)
    if request.method == "POST":
        form = FindingEditForm(request.POST)
    else:
        form = FindingEditForm(
            version=finding.version,
            initial={"ref": finding.ref, "source": finding.source, "text": finding.text},
        )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.finding_update(
                user=request.user,
                finding=finding,
                ref=data["ref"],
                source=data["source"],
                text=data["text"],
                reason=data["reason"],
                expected_version=data["expected_version"],
            ),
            what="finding",
        )
        if saved is not None:
            messages.success(request, f"Finding {saved.ref} saved")
            return redirect("impact:manage_findings", pk=finding.plan_id)
    return render(
        request,
        "impact/finding_form.html",
        {"form": form, "plan": finding.plan, "finding": finding},
        status=form_status(form),
    )


@require_http_methods(["GET", "POST"])
def finding_links(request, pk: int):
    _require_admin(request)
    finding = get_object_or_404(Finding.objects.select_related("plan"), pk=pk)
    objectives = sorted(
        Objective.objects.filter(plan=finding.plan).current(),
        key=lambda o: selectors.natural_key(o.ref),
    )
    current = [str(pk) for pk in finding.links.values_list("objective_id", flat=True)]
    form = FindingLinksForm(
        _posted(request), objectives=objectives, initial={"objectives": current}
    )
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
    _require_admin(request)
    objective = get_object_or_404(Objective.objects.select_related("plan"), pk=pk)
    form = MeasureForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        measure = run_service(
            form,
            lambda: services.measure_create(
                user=request.user,
                objective=objective,
                name=data["name"],
                unit=data["unit"],
                direction=data["direction"],
                baseline_value=data["baseline_value"],
                baseline_on=data["baseline_on"],
                target_value=data["target_value"],
                target_on=data["target_on"],
            ),
        )
        if measure is not None:
            messages.success(request, f"Measure “{measure.name}” added")
            return redirect(_objective_url(objective, "#measures"))
    return render(
        request,
        "impact/measure_form.html",
        {"form": form, "objective": objective, "back_url": _objective_url(objective)},
    )


@require_http_methods(["GET", "POST"])
def measure_edit(request, pk: int):
    _require_admin(request)
    measure = get_object_or_404(Measure.objects.select_related("objective__plan"), pk=pk)
    objective = measure.objective
    if request.method == "POST":
        form = MeasureEditForm(request.POST)
    else:
        form = MeasureEditForm.for_measure(measure)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        saved = run_service(
            form,
            lambda: services.measure_update(
                user=request.user,
                measure=measure,
                reason=data["reason"],
                expected_version=data["expected_version"],
                **{name: data[name] for name in services.MEASURE_FIELDS},
            ),
            what="measure",
        )
        if saved is not None:
            messages.success(request, f"Measure “{saved.name}” saved")
            return redirect(_objective_url(objective, "#measures"))
    return render(
        request,
        "impact/measure_form.html",
        {
            "form": form,
            "objective": objective,
            "measure": measure,
            "back_url": _objective_url(objective),
        },
        status=form_status(form),
    )


# --- owners and administrators: values and evidence ---------------------------------------------


@require_http_methods(["GET", "POST"])
def measure_value_create(request, pk: int):
    measure = get_object_or_404(
        Measure.objects.select_related("objective__plan", "objective__owner"), pk=pk
    )
    objective = measure.objective
    _require_editor(request, objective)
    form = MeasureValueForm(_posted(request))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        value = run_service(
            form,
            lambda: services.measure_value_create(
                user=request.user,
                measure=measure,
                period_end=data["period_end"],
                value=data["value"],
                note=data["note"],
            ),
        )
        if value is not None:
            messages.success(
                request,
                f"{measure.name}: value for the period ending "
                f"{value.period_end:%-d %B %Y} recorded",
            )
            return redirect(_objective_url(objective, "#measures"))
    return render(
        request,
        "impact/measure_value_form.html",
        {
            "form": form,
            "objective": objective,
            "measure": measure,
            "back_url": _objective_url(objective),
        },
    )


def _value_page(request, pk: int, form_class, template: str, run, saved_message):
    """Correct or withdraw one value: for an administrator, or the owner who recorded it
    recently (403 for anyone else, before anything is validated)."""
    value = get_object_or_404(
        MeasureValue.objects.select_related(
            "measure__objective__plan", "measure__objective__owner", "recorded_by"
        ),
        pk=pk,
    )
    objective = value.measure.objective
    drafts.require_visible(request.user, objective)
    _require_editor(request, objective)
    if value.withdrawn_on is not None:
        messages.info(request, "This value was already withdrawn")
        return redirect(_objective_url(objective, "#measures"))
    if not services.can_change_value(request.user, value):
        raise PermissionDenied
    form = form_class(_posted(request), value=value)
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, lambda: run(value, form.cleaned_data), what="value")
        if saved is not None:
            messages.success(request, saved_message(saved))
            return redirect(_objective_url(objective, "#measures"))
    context = {
        "form": form,
        "objective": objective,
        "measure": value.measure,
        "value": value,
        "back_url": _objective_url(objective, "#measures"),
    }
    return render_form(request, template, context)


@require_http_methods(["GET", "POST"])
def measure_value_correct(request, pk: int):
    return _value_page(
        request,
        pk,
        MeasureValueCorrectForm,
        "impact/measure_value_correct.html",
        run=lambda value, data: services.measure_value_correct(
            user=request.user,
            value=value,
            new_value=data["value"],
            note=data["note"],
            reason=data["reason"],
            expected_version=data["version"],
        ),
        saved_message=lambda saved: (
            f"{saved.measure.name}: value for the period ending "
            f"{saved.period_end:%-d %B %Y} corrected to {selectors.number(saved.value)}"
        ),
    )


@require_http_methods(["GET", "POST"])
def measure_value_withdraw(request, pk: int):
    return _value_page(
        request,
        pk,
        MeasureValueWithdrawForm,
        "impact/measure_value_withdraw.html",
        run=lambda value, data: services.measure_value_withdraw(
            user=request.user,
            value=value,
            reason=data["reason"],
            expected_version=data["version"],
        ),
        saved_message=lambda saved: (
            f"{saved.measure.name}: value for the period ending "
            f"{saved.period_end:%-d %B %Y} withdrawn. It stays in its history."
        ),
    )


def _attach_choices(objective: Objective):
    updates = list(
        ProgressUpdate.objects.filter(objective=objective).order_by("-reported_on", "-id")[:50]
    )
    milestones = list(
        Milestone.objects.filter(
            objective=objective, completed_on__isnull=False, withdrawn_on__isnull=True
        ).order_by("completed_on", "id")
    )
    return updates, milestones


def _attachment(choice: str, updates, milestones):
    kind, _, pk = choice.partition("-")
    if kind == "update":
        return {"progress_update": next(u for u in updates if str(u.pk) == pk)}
    if kind == "milestone":
        return {"milestone": next(m for m in milestones if str(m.pk) == pk)}
    return {}


class SizeLimitHandler(FileUploadHandler):
    """Stops keeping a file once it passes the limit, so a huge upload never fills the disk;
    the view then says the file is too big."""

    def __init__(self, request=None, limit: int = MAX_BYTES):
        super().__init__(request)
        self.limit = limit
        self.received = 0
        self.too_big = False

    def new_file(self, *args, **kwargs):
        super().new_file(*args, **kwargs)
        self.received = 0

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > self.limit:
            self.too_big = True
            raise SkipFile
        return raw_data

    def file_complete(self, file_size):
        return None


@csrf_exempt  # the CSRF check runs below, once the upload limit is in place
@require_http_methods(["GET", "POST"])
def evidence_create(request, pk: int):
    objective = get_object_or_404(Objective.objects.select_related("plan", "owner"), pk=pk)
    _require_editor(request, objective)  # refused before the body is read
    limit = SizeLimitHandler(request)
    request.upload_handlers.insert(0, limit)
    return _evidence_create(request, objective, limit)


@csrf_protect
def _evidence_create(request, objective: Objective, limit: SizeLimitHandler):
    updates, milestones = _attach_choices(objective)
    initial = {}
    if request.GET.get("attach", "") in {f"milestone-{m.pk}" for m in milestones} | {
        f"update-{u.pk}" for u in updates
    }:
        initial["attach_to"] = request.GET["attach"]
    form = EvidenceForm(
        _posted(request),
        request.FILES if request.method == "POST" else None,
        updates=updates,
        milestones=milestones,
        initial=initial,
        too_big=limit.too_big,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        where = _attachment(data["attach_to"], updates, milestones)
        if data["kind"] == Evidence.Kind.LINK:
            action = lambda: services.evidence_add_link(  # noqa: E731
                user=request.user,
                objective=objective,
                title=data["title"],
                url=data["url"],
                **where,
            )
        else:
            upload = data["file"]
            action = lambda: services.evidence_add_file(  # noqa: E731
                user=request.user,
                objective=objective,
                title=data["title"],
                name=upload.name,
                data=_read_limited(upload),
                **where,
            )
        evidence = run_service(form, action)
        if evidence is not None:
            messages.success(request, f"Evidence “{evidence.title}” added")
            return redirect(_objective_url(objective, "#evidence"))
    return render(
        request,
        "impact/evidence_form.html",
        {"form": form, "objective": objective, "back_url": _objective_url(objective)},
    )


def _read_limited(upload) -> bytes:
    """The file's bytes; for a file over the limit, one byte more than the limit (enough to
    refuse it without reading it all into memory)."""
    upload.seek(0)
    return upload.read(MAX_BYTES + 1)


@require_http_methods(["GET", "POST"])
def evidence_withdraw(request, pk: int):
    evidence = get_object_or_404(
        Evidence.objects.select_related("objective__plan", "objective__owner"), pk=pk
    )
    objective = evidence.objective
    _require_editor(request, objective)
    form = WithdrawEvidenceForm(_posted(request))
    if evidence.is_withdrawn:
        messages.info(request, "This evidence was already withdrawn")
        return redirect(_objective_url(objective, "#evidence"))
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            lambda: services.evidence_withdraw(
                user=request.user, evidence=evidence, reason=form.cleaned_data["reason"]
            ),
        )
        if saved is not None:
            messages.success(request, f"Evidence “{saved.title}” withdrawn")
            return redirect(_objective_url(objective, "#evidence"))
    return render(
        request,
        "impact/evidence_withdraw.html",
        {
            "form": form,
            "objective": objective,
            "evidence": evidence,
            "back_url": _objective_url(objective),
        },
    )


@require_GET
def evidence_download(request, pk: int):
    """The file, for any signed-in role who may see its objective, as an attachment the
    browser must not sniff."""
    _require_viewer(request)
    evidence = get_object_or_404(
        Evidence.objects.select_related("objective__plan"), pk=pk, kind=Evidence.Kind.FILE
    )
    drafts.require_visible(request.user, evidence.objective)
    try:
        handle = evidence_storage().open(evidence.stored_name, "rb")
    except (FileNotFoundError, OSError):
        raise Http404("The file is missing from evidence storage.") from None
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=evidence.original_name or f"evidence.{evidence.extension}",
        content_type=evidence.content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response
