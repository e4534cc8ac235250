"""Every write for board meetings and challenges: checked, validated, recorded with history.

Rights: administrators add, move and cancel board meetings (moving and cancelling with a reason);
leadership and administrators raise a challenge; the objective's owner answers it; the person
who raised it, or an administrator, closes it. Nobody changes another person's words: a
question is never edited, an answer is given once, and closing adds nothing to either.
"""

from __future__ import annotations

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kit.formatting import long_date
from objectives import drafts, permissions
from objectives.history import clean_reason, lock_for_edit, save_with_history
from objectives.models import Objective, Plan

from . import notify
from .models import BoardMeeting, Challenge


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
