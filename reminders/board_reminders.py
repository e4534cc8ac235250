"""Reminding the owners whose progress update for the next board meeting is missing.

An administrator's button on the dashboard and on ``/manage/``. Each owner gets one email
listing their open objectives with no update in the board's update window
(``board.update_cycle``), at most once per board meeting: a ``SentEmail`` row of kind
``board_update`` naming the meeting is claimed (inserted and committed) before the email goes out,
under a unique constraint on person and meeting, so a second click, or a second host at the same
moment, finds the row and sends nothing more. An email that failed is retried by the next click.

Like the morning's emails, ``board_reminders_send`` must not run inside a transaction: each
claim is committed before its email goes out, so everyone else sees it.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from board import update_cycle
from board.models import BoardMeeting
from kit import mail
from kit.formatting import long_date, person_name
from objectives import permissions
from objectives.models import Plan

from . import emails
from .models import SentEmail
from .sent_log import sent_email_log

User = get_user_model()
Kind = SentEmail.Kind
Status = SentEmail.Status


@dataclass
class BoardReminders:
    """What one click did: who was reminded, who had been already, and who could not be."""

    held_on: object
    sent: list = field(default_factory=list)
    already: list = field(default_factory=list)
    failed: list = field(default_factory=list)
    not_reminded: list[str] = field(default_factory=list)  # why, in words

    @property
    def message(self) -> str:
        """The administrator's confirmation, in one paragraph."""

        def names(people) -> str:
            return ", ".join(person_name(p) for p in people)

        board = f"the board on {long_date(self.held_on)}"
        if self.sent:
            n = len(self.sent)
            parts = [f"Reminder sent to {n} owner{'' if n == 1 else 's'} for {board}: "]
            parts[0] += f"{names(self.sent)}."
        else:
            parts = [f"No reminders sent for {board}."]
        if self.already:
            parts.append(
                f"Already reminded for this board, so not sent again: {names(self.already)}."
            )
        if self.failed:
            parts.append(f"Could not be sent (see the emails sent): {names(self.failed)}.")
        if self.not_reminded:
            parts.append(f"Not reminded: {'; '.join(self.not_reminded)}.")
        return " ".join(parts)


def _claim(person, meeting: BoardMeeting, email: mail.Email) -> SentEmail | None:
    """Take the (person, meeting) slot, or retake a failed one; None when it was taken."""
    try:
        with transaction.atomic():
            return SentEmail.objects.create(
                person=person,
                kind=Kind.BOARD_UPDATE,
                day=timezone.localdate(),
                board_meeting=meeting,
                status=Status.SENDING,
                address=person.email,
                subject=email.subject[:300],
            )
    except IntegrityError:
        pass
    existing = SentEmail.objects.filter(
        person=person, kind=Kind.BOARD_UPDATE, board_meeting=meeting
    ).first()
    if existing is None or existing.status != Status.FAILED:
        return None
    return sent_email_log.reclaim(existing, person=person, subject=email.subject)


def board_reminders_send(*, user, plan: Plan, meeting_id: int) -> BoardReminders:
    """Email each owner whose update for the plan's next board (``meeting_id``, as the page
    showed it) is missing, each at most once for that meeting."""
    if not permissions.is_administrator(user):
        raise PermissionDenied("Only administrators can remind owners.")
    if plan.is_draft:
        raise ValidationError(
            "This plan is a draft: its owners cannot see it, so nobody was reminded."
        )
    cycle = update_cycle.update_cycle(plan, timezone.localdate())
    if cycle is None or cycle.meeting.id != meeting_id:
        raise ValidationError(
            "The next board meeting has changed since the page was shown: check the updates "
            "and try again."
        )
    meeting = BoardMeeting.objects.get(pk=meeting_id)
    outcome = BoardReminders(held_on=cycle.held_on)
    by_owner = defaultdict(list)
    for row in cycle.missing:
        if row.state.owner_id:
            by_owner[row.state.owner_id].append(row)
        else:
            outcome.not_reminded.append(f"{row.ref} has no named owner")
    people = User.objects.in_bulk(list(by_owner))
    for owner_id, rows in by_owner.items():
        person = people[owner_id]
        if not person.is_active:
            outcome.not_reminded.append(f"{person_name(person)} has left")
            continue
        if not (person.email or "").strip():
            outcome.not_reminded.append(f"{person_name(person)} has no email address")
            continue
        email = emails.board_update_email(person=person, cycle=cycle, rows=rows, sender=user)
        row = _claim(person, meeting, email)
        if row is None:
            outcome.already.append(person)
            continue
        result, _error = mail.send(email, row=row)
        (outcome.sent if result == "sent" else outcome.failed).append(person)
    return outcome
