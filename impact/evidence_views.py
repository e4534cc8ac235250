"""Pages for evidence: add a link or a file (under an upload limit), withdraw it, download it."""

from __future__ import annotations

from django.contrib import messages
from django.core.files.uploadhandler import FileUploadHandler, SkipFile
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods

from kit.form_pages import FormPage, posted, run_service
from milestones.models import Milestone
from objectives import drafts
from objectives.models import Objective, ProgressUpdate

from . import evidence_services
from .forms import EvidenceForm, WithdrawEvidenceForm
from .models import Evidence, evidence_storage
from .page_access import objective_url, require_editor, require_viewer
from .uploads import MAX_BYTES


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
    require_editor(request, objective)  # refused before the body is read
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
        posted(request),
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
            action = lambda: evidence_services.evidence_add_link(  # noqa: E731
                user=request.user,
                objective=objective,
                title=data["title"],
                url=data["url"],
                **where,
            )
        else:
            upload = data["file"]
            action = lambda: evidence_services.evidence_add_file(  # noqa: E731
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
            return redirect(objective_url(objective, "#evidence"))
    return render(
        request,
        "impact/evidence_form.html",
        {"form": form, "objective": objective, "back_url": objective_url(objective)},
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
    require_editor(request, objective)
    if evidence.is_withdrawn:
        messages.info(request, "This evidence was already withdrawn")
        return redirect(objective_url(objective, "#evidence"))
    page = FormPage(request)
    page.bind(WithdrawEvidenceForm)
    if page.submit(
        lambda data: evidence_services.evidence_withdraw(
            user=request.user, evidence=evidence, reason=data["reason"]
        )
    ):
        messages.success(request, f"Evidence “{page.result.title}” withdrawn")
        return redirect(objective_url(objective, "#evidence"))
    context = {"objective": objective, "evidence": evidence, "back_url": objective_url(objective)}
    return page.render("impact/evidence_withdraw.html", context)


@require_GET
def evidence_download(request, pk: int):
    """The file, for any signed-in role who may see its objective, as an attachment the
    browser must not sniff."""
    require_viewer(request)
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
