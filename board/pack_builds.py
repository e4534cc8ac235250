"""Building the inspector's evidence pack in the background.

A council's pack takes minutes, longer than a web worker may hold a request. The request makes
a row (``services.evidence_pack_request``) and starts a daemon thread in its own process, which
claims the row with one atomic update (so it works on any host or worker) and builds the ZIP
into the private evidence storage, saying which stage it has reached. ``run`` is what the
thread, ``manage.py build_evidence_packs`` (cron, or after a restart) and the tests all run.
A build that stalls (its process ended) is taken over after ``services.STALE_AFTER``; the wait
page starts one that was never started. A failure is logged and shown as a plain message.
"""

from __future__ import annotations

import logging
import secrets
import tempfile
import threading

from django.conf import settings
from django.core.files import File
from django.db import connection
from django.utils import timezone

from impact.models import evidence_storage

from . import evidence_pack, services
from .models import EvidencePackBuild

log = logging.getLogger(__name__)

FOLDER = "evidence-packs"  # inside the private evidence storage
QUEUED_GRACE_SECONDS = 30  # a build still queued after this was never started: start it


def stored_name() -> str:
    """A random private name for a pack's ZIP: nothing in it says whose or which plan."""
    return f"{FOLDER}/{secrets.token_hex(16)}.zip"


def run(pk: int) -> bool:
    """Build the requested pack ``pk`` if this process can claim it; whether it did."""
    build = services.evidence_pack_claim(pk=pk, stage=evidence_pack.READING)
    if build is None:
        return False
    try:
        _build(build)
    except Exception:
        log.exception(
            "evidence-pack-failed build=%s plan=%s as_of=%s", build.pk, build.plan_id, build.as_of
        )
        services.evidence_pack_fail(build=build)
    return True


def _build(build: EvidencePackBuild) -> None:
    storage = evidence_storage()

    def note(stage: str) -> None:
        services.evidence_pack_stage(build=build, stage=stage)

    with tempfile.TemporaryFile() as out:
        built = evidence_pack.build_pack(
            build.plan, build.as_of, out, base_url=build.base_url, on_stage=note
        )
        size = out.tell()
        out.seek(0)
        name = storage.save(stored_name(), File(out))
    finished = services.evidence_pack_finish(
        build=build,
        stored_name=name,
        pages=built["pages"],
        size=size,
        missing_files=len(built["missing"]),
    )
    if not finished:  # another process took the build over: its file is the one kept
        storage.delete(name)
        return
    log.info(
        "evidence-pack-ready build=%s plan=%s as_of=%s pages=%s bytes=%s",
        build.pk,
        build.plan_id,
        build.as_of,
        built["pages"],
        size,
    )


def _run_in_thread(pk: int) -> None:
    try:
        run(pk)
    except Exception:  # the claim itself failed (the database went away): the command retries
        log.exception("evidence-pack-thread-failed build=%s", pk)
    finally:
        connection.close()  # this thread's own connection


def start(build: EvidencePackBuild) -> threading.Thread | None:
    """Start building ``build`` in a daemon thread of this process, or here and now when
    ``settings.EVIDENCE_PACK_THREADS`` is False (the tests: the same ``run``)."""
    if not build.is_waiting:
        return None
    if not getattr(settings, "EVIDENCE_PACK_THREADS", True):
        run(build.pk)
        return None
    thread = threading.Thread(
        target=_run_in_thread, args=(build.pk,), name=f"evidence-pack-{build.pk}", daemon=True
    )
    try:
        thread.start()
    except RuntimeError:  # no thread to be had: the wait page or the command starts it later
        log.exception("evidence-pack-thread-not-started build=%s", build.pk)
        return None
    return thread


def needs_a_start(build: EvidencePackBuild) -> bool:
    """Whether nobody seems to be building ``build``: queued for a while (its thread never
    ran) or building with no sign of life (its process ended)."""
    now = timezone.now()
    if build.status == EvidencePackBuild.Status.QUEUED:
        return (now - build.requested_at).total_seconds() > QUEUED_GRACE_SECONDS
    if build.status == EvidencePackBuild.Status.BUILDING:
        return now - build.touched_at > services.STALE_AFTER
    return False


def open_file(build: EvidencePackBuild):
    """The ready pack's ZIP, open for reading, or None when storage no longer has it."""
    try:
        return evidence_storage().open(build.stored_name, "rb")
    except (OSError, ValueError):
        return None
