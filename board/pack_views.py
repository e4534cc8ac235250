"""The inspector's evidence pack under /findings/ (leadership and administrators): asking for
it, the page to wait on while it is built in the background, and the download.

``/findings/pack.zip?plan=&as_of=`` sends the ZIP at once when a pack of the same record is
ready; otherwise it starts the build and sends the person to the wait page. That page never
refreshes itself (a timed refresh fails WCAG 2.2.1): it has a "Check again" link, and its script
(``assets/src/js/evidence-pack-wait.mjs``) asks ``/findings/packs/<id>/status/`` every few
seconds, says the stage in a polite live region and shows the download link when the pack is
ready. A pack is only ever shown to the person who asked for it, or an administrator: anyone
else, and any id that does not exist, gets the same 404.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from objectives import drafts
from tracking import selectors as tracking_selectors

from . import evidence_pack, pack_builds, services
from .models import EvidencePackBuild

CHECK_EVERY_SECONDS = 5  # how often the wait page's script asks how far the build has got


def _require_role(user) -> None:
    if not services.can_ask_for_evidence_pack(user):
        raise PermissionDenied("Only leadership and administrators can download the pack.")


def _build_for(request, pk: int) -> EvidencePackBuild:
    _require_role(request.user)
    build = EvidencePackBuild.objects.select_related("plan", "requested_by").filter(pk=pk).first()
    if build is None or not services.can_see_evidence_pack(request.user, build):
        raise Http404("There is no such evidence pack.")
    return build


def _current(request, pk: int) -> EvidencePackBuild:
    """The build as it is now, started here when nobody seems to be building it."""
    build = _build_for(request, pk)
    if pack_builds.needs_a_start(build):
        pack_builds.start(build)
        build.refresh_from_db()
    return build


def _stage_text(build: EvidencePackBuild) -> str:
    """What the wait page says the build is doing, in the page and in the status answer."""
    if build.status == EvidencePackBuild.Status.QUEUED:
        return "Waiting to start"
    if build.status == EvidencePackBuild.Status.BUILDING:
        return build.stage or "Starting"
    return build.get_status_display()


def _again_url(build: EvidencePackBuild) -> str:
    query = urlencode({"plan": build.plan_id, "as_of": build.as_of.isoformat()})
    return f"{reverse('board:evidence_pack')}?{query}"


def _send(request, build: EvidencePackBuild):
    source = pack_builds.open_file(build)
    if source is None:
        context = {"build": build, "gone": True, "again_url": _again_url(build)}
        return render(request, "board/evidence_pack_wait.html", context, status=404)
    response = FileResponse(
        source,
        as_attachment=True,
        filename=evidence_pack.pack_name(build.plan, build.as_of, "zip"),
        content_type="application/zip",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def evidence_pack_request(request):
    """The pack of a plan at D: the ZIP when it is ready, else the page to wait on."""
    _require_role(request.user)
    try:
        as_of = tracking_selectors.parse_as_of(request.GET.get("as_of"))
        plan = drafts.resolve_plan_for(request.user, request.GET.get("plan"))
        build = services.evidence_pack_request(
            user=request.user, plan=plan, as_of=as_of, base_url=request.build_absolute_uri("/")
        )
    except ValidationError as problem:
        error = " ".join(problem.messages)
        return render(request, "impact/findings.html", {"error": error}, status=400)
    if build.is_ready:
        return _send(request, build)
    pack_builds.start(build)
    return redirect("board:evidence_pack_wait", pk=build.pk)


@require_GET
def evidence_pack_wait(request, pk: int):
    """How far the build has got; the download link when it is ready."""
    build = _current(request, pk)
    stages = []
    if build.is_waiting:
        current = (
            evidence_pack.STAGES.index(build.stage) if build.stage in evidence_pack.STAGES else -1
        )
        stages = [
            {"name": name, "done": n < current, "current": n == current}
            for n, name in enumerate(evidence_pack.STAGES)
        ]
    context = {
        "build": build,
        "stage_text": _stage_text(build),
        "stages": stages,
        "check_every_seconds": CHECK_EVERY_SECONDS,
        "again_url": _again_url(build),
    }
    response = render(request, "board/evidence_pack_wait.html", context)
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def evidence_pack_status(request, pk: int):
    """The wait page's script asks this how far the build has got: ``{"status", "stage"}``."""
    build = _current(request, pk)
    response = JsonResponse({"status": build.status, "stage": _stage_text(build)})
    response["Cache-Control"] = "private, no-store"
    return response


@require_GET
def evidence_pack_download(request, pk: int):
    build = _build_for(request, pk)
    if not build.is_ready:
        return redirect("board:evidence_pack_wait", pk=build.pk)
    return _send(request, build)
