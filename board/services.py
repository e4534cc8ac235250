"""Every write for board meetings and challenges: checked, validated, recorded with history.

Rights: administrators add, move and cancel board meetings (moving and cancelling with a reason);
leadership and administrators raise a challenge; the objective's owner answers it; the person
who raised it, or an administrator, closes it. Nobody changes another person's words: a
question is never edited, an answer is given once, and closing adds nothing to either.

The inspector's evidence pack is asked for by leadership and administrators and built in the
background; its working rows (``EvidencePackBuild``) are not part of the record and have no
history. A build is claimed by one atomic update, so only one process builds it whatever the
host or worker; ``attempts`` is the claim's number, and a build that lost its claim (another
took over a stalled one) writes nothing.
"""

from __future__ import annotations

import logging
from datetime import date, datetime, timedelta

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from impact.models import evidence_storage
from kit.formatting import long_date
from objectives import drafts, permissions
from objectives.history import clean_reason, lock_for_edit, save_with_history
from objectives.models import Objective, Plan
from tracking import history_since

from . import notify
from .models import BoardMeeting, Challenge, EvidencePackBuild

log = logging.getLogger(__name__)


def can_raise_challenge(user) -> bool:
    return permissions.is_administrator(user) or (
        user.is_authenticated and user.is_active and permissions.is_leadership(user)
    )


def can_answer_challenge(user, challenge: Challenge) -> bool:
    return (
        user.is_authenticated
        and user.is_active
        and challenge.objective.owner_id == user.pk
        and not challenge.is_closed
        and drafts.objective_visible(user, challenge.objective)
    )


def can_close_challenge(user, challenge: Challenge) -> bool:
    if challenge.is_closed or not user.is_authenticated or not user.is_active:
        return False
    if not drafts.objective_visible(user, challenge.objective):
        return False
    return challenge.raised_by_id == user.pk or permissions.is_administrator(user)


@transaction.atomic
def board_meeting_create(
    *, user, plan: Plan, held_on: date, name: str, recorded_at: datetime | None = None
) -> BoardMeeting:
    if not permissions.can_manage_plan(user):
        raise PermissionDenied("Only administrators can add board meetings.")
    name = (name or "").strip()
    _check_meeting_day(plan, held_on)
    meeting = BoardMeeting(plan=plan, held_on=held_on, name=name)
    return save_with_history(
        meeting, user=user, reason="Board meeting added", recorded_at=recorded_at
    )


def _check_meeting_day(plan: Plan, held_on: date, *, moving: BoardMeeting | None = None) -> None:
    """A meeting is on or after the plan's start, and on a day with no other meeting (one
    cancelled does not hold its day)."""
    if held_on < plan.starts_on:
        raise ValidationError(
            {
                "held_on": "The date of the meeting must be on or after the day the plan "
                f"starts, {long_date(plan.starts_on)}"
            }
        )
    others = BoardMeeting.objects.filter(plan=plan, held_on=held_on, cancelled_on__isnull=True)
    if moving is not None:
        others = others.exclude(pk=moving.pk)
    if others.exists():
        raise ValidationError({"held_on": "The board already meets on that day in this plan"})


def _meeting_to_change(user, meeting: BoardMeeting, expected_version: int | None) -> BoardMeeting:
    if not permissions.can_manage_plan(user):
        raise PermissionDenied("Only administrators can move or cancel board meetings.")
    meeting = lock_for_edit(BoardMeeting, meeting.pk, expected_version)
    if meeting.is_cancelled:
        raise ValidationError(
            f"This meeting was cancelled on {long_date(meeting.cancelled_on)}: add a new "
            "meeting instead"
        )
    return meeting


@transaction.atomic
def board_meeting_move(
    *, user, meeting: BoardMeeting, held_on: date, reason: str, expected_version: int | None
) -> BoardMeeting:
    """Move a meeting to another day, with a reason. From then on the plan is compared with
    the board on its new day."""
    meeting = _meeting_to_change(user, meeting, expected_version)
    if held_on == meeting.held_on:
        raise ValidationError(
            {"held_on": f"The meeting is already on {long_date(held_on)}: enter the new date"}
        )
    reason = clean_reason(reason, required=True, what="moving the meeting")
    _check_meeting_day(meeting.plan, held_on, moving=meeting)
    meeting.held_on = held_on
    return save_with_history(meeting, user=user, reason=reason)


@transaction.atomic
def board_meeting_cancel(
    *, user, meeting: BoardMeeting, reason: str, expected_version: int | None
) -> BoardMeeting:
    """Cancel a meeting, with a reason: from today it is neither the board the plan is
    compared with nor the next board. It stays in the list and in its history."""
    meeting = _meeting_to_change(user, meeting, expected_version)
    reason = clean_reason(reason, required=True, what="cancelling the meeting")
    meeting.cancelled_on = timezone.localdate()
    return save_with_history(meeting, user=user, reason=reason)


@transaction.atomic
def challenge_raise(
    *,
    user,
    objective: Objective,
    question: str,
    site_url: str = "",
    recorded_at: datetime | None = None,
) -> Challenge:
    """``recorded_at`` backdates the record (demo data only; no email is sent then)."""
    if not can_raise_challenge(user):
        raise PermissionDenied("Only leadership and administrators can raise a challenge.")
    drafts.require_visible(user, objective)
    if objective.is_withdrawn:
        raise ValidationError({"question": "This objective has been withdrawn from the plan"})
    question = (question or "").strip()
    if not question:
        raise ValidationError({"question": "Enter your question for the owner"})
    challenge = Challenge(objective=objective, raised_by=user, question=question)
    challenge.raised_at = recorded_at or timezone.now()
    save_with_history(challenge, user=user, reason="Challenge raised", recorded_at=recorded_at)
    if recorded_at is None:
        transaction.on_commit(lambda: notify.challenge_raised(challenge, site_url=site_url))
    return challenge


def _locked(challenge: Challenge) -> Challenge:
    return Challenge.objects.select_for_update().select_related("objective").get(pk=challenge.pk)


@transaction.atomic
def challenge_answer(
    *,
    user,
    challenge: Challenge,
    answer: str,
    site_url: str = "",
    recorded_at: datetime | None = None,
) -> Challenge:
    current = _locked(challenge)
    drafts.require_visible(user, current.objective)
    if not can_answer_challenge(user, current):
        raise PermissionDenied("Only the owner of the objective can answer this challenge.")
    if current.status != Challenge.Status.OPEN:
        raise ValidationError({"answer": "This challenge has already been answered"})
    answer = (answer or "").strip()
    if not answer:
        raise ValidationError({"answer": "Enter your answer"})
    current.answer = answer
    current.answered_by = user
    current.answered_at = recorded_at or timezone.now()
    current.status = Challenge.Status.ANSWERED
    save_with_history(current, user=user, reason="Challenge answered", recorded_at=recorded_at)
    if recorded_at is None:
        transaction.on_commit(lambda: notify.challenge_answered(current, site_url=site_url))
    return current


@transaction.atomic
def challenge_close(
    *, user, challenge: Challenge, recorded_at: datetime | None = None
) -> Challenge:
    current = _locked(challenge)
    drafts.require_visible(user, current.objective)
    if not can_close_challenge(user, current):
        raise PermissionDenied(
            "Only the person who raised this challenge, or an administrator, can close it."
        )
    current.closed_by = user
    current.closed_at = recorded_at or timezone.now()
    current.status = Challenge.Status.CLOSED
    return save_with_history(current, user=user, reason="Challenge closed", recorded_at=recorded_at)


# --- the inspector's evidence pack, built in the background -------------------------------------

STALE_AFTER = timedelta(minutes=20)  # a build showing no sign of life this long is taken over
MAX_ATTEMPTS = 3


def can_ask_for_evidence_pack(user) -> bool:
    return permissions.can_manage_plan(user) or (
        user.is_authenticated and user.is_active and permissions.is_leadership(user)
    )


def can_see_evidence_pack(user, build: EvidencePackBuild) -> bool:
    """The person who asked for it, or an administrator; never a draft's to anyone else."""
    return (
        can_ask_for_evidence_pack(user)
        and (build.requested_by_id == user.pk or permissions.is_administrator(user))
        and drafts.plan_visible(user, build.plan)
    )


@transaction.atomic
def evidence_pack_request(*, user, plan: Plan, as_of: date, base_url: str) -> EvidencePackBuild:
    """The person's evidence pack of ``plan`` as at ``as_of``: their own build of the same
    record if one is waiting or ready; else a new one, ready at once when someone else's build
    of the same record is ready (the same file); else queued, for ``board.pack_builds`` to build.
    """
    if not can_ask_for_evidence_pack(user):
        raise PermissionDenied("Only leadership and administrators can download the pack.")
    if not drafts.plan_visible(user, plan):
        raise ValidationError(f"There is no plan {plan.pk}.")
    if as_of > timezone.localdate():
        raise ValidationError("Choose today or a date in the past.")
    mark = history_since.recorded_mark(as_of)
    same = EvidencePackBuild.objects.filter(plan=plan, as_of=as_of, record_mark=mark)
    waiting = [EvidencePackBuild.Status.QUEUED, EvidencePackBuild.Status.BUILDING]
    mine = same.filter(requested_by=user, status__in=[*waiting, EvidencePackBuild.Status.READY])
    storage = evidence_storage()

    def usable(build: EvidencePackBuild | None) -> bool:  # a ready pack's file may have gone
        return build is not None and (not build.is_ready or storage.exists(build.stored_name))

    if usable(found := mine.first()):
        return found
    build = EvidencePackBuild(
        plan=plan, as_of=as_of, requested_by=user, record_mark=mark, base_url=base_url
    )
    ready = same.filter(status=EvidencePackBuild.Status.READY).first()
    if usable(ready):
        now = timezone.now()
        build.status = EvidencePackBuild.Status.READY
        build.started_at = build.finished_at = build.touched_at = now
        for name in ("stored_name", "pages", "size", "missing_files"):
            setattr(build, name, getattr(ready, name))
    build.full_clean()
    build.save()
    log.info(
        "evidence-pack-requested build=%s plan=%s as_of=%s user=%s status=%s",
        build.pk,
        plan.pk,
        as_of,
        user.get_username(),
        build.status,
    )
    return build


def _claimable(now) -> Q:
    return Q(status=EvidencePackBuild.Status.QUEUED) | Q(
        status=EvidencePackBuild.Status.BUILDING, touched_at__lt=now - STALE_AFTER
    )


def evidence_pack_pending():
    """Builds waiting for a builder: queued, or building with no sign of life for a while."""
    return EvidencePackBuild.objects.filter(_claimable(timezone.now())).order_by("requested_at")


@transaction.atomic
def evidence_pack_claim(*, pk: int, stage: str) -> EvidencePackBuild | None:
    """Claim a build for this process (one atomic update), noting what had been recorded by the
    end of its day as it starts to read; None when it is not there to claim (another process
    has it, or it is done). A build tried ``MAX_ATTEMPTS`` times fails instead."""
    now = timezone.now()
    rows = EvidencePackBuild.objects.filter(_claimable(now), pk=pk)
    build = rows.select_related("plan").first()
    if build is None:
        return None
    if build.attempts >= MAX_ATTEMPTS:
        rows.update(status=EvidencePackBuild.Status.FAILED, stage="", finished_at=now)
        log.error("evidence-pack-failed build=%s: stopped after %s attempts", pk, build.attempts)
        return None
    mark = history_since.recorded_mark(build.as_of)
    claimed = rows.filter(attempts=build.attempts).update(
        status=EvidencePackBuild.Status.BUILDING,
        stage=stage,
        started_at=now,
        touched_at=now,
        record_mark=mark,
        attempts=F("attempts") + 1,
    )
    if not claimed:
        return None
    build.refresh_from_db()
    return build


def _mine(build: EvidencePackBuild):
    return EvidencePackBuild.objects.filter(
        pk=build.pk, attempts=build.attempts, status=EvidencePackBuild.Status.BUILDING
    )


@transaction.atomic
def evidence_pack_stage(*, build: EvidencePackBuild, stage: str) -> bool:
    """Say which stage the build has reached (a sign of life); False when it lost its claim."""
    return bool(_mine(build).update(stage=stage, touched_at=timezone.now()))


@transaction.atomic
def evidence_pack_finish(
    *, build: EvidencePackBuild, stored_name: str, pages: int, size: int, missing_files: int
) -> bool:
    """The build is ready; False (nothing written) when it lost its claim."""
    now = timezone.now()
    done = _mine(build).update(
        status=EvidencePackBuild.Status.READY,
        stage="",
        stored_name=stored_name,
        pages=pages,
        size=size,
        missing_files=missing_files,
        touched_at=now,
        finished_at=now,
    )
    return bool(done)


@transaction.atomic
def evidence_pack_fail(*, build: EvidencePackBuild) -> bool:
    now = timezone.now()
    return bool(
        _mine(build).update(
            status=EvidencePackBuild.Status.FAILED, stage="", touched_at=now, finished_at=now
        )
    )
