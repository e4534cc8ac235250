"""Writes: sending the morning's emails exactly once, people's email choices, invitations.

Never twice: before an email goes out, a ``SentEmail`` row for (person, kind, day) is inserted
and committed under a unique constraint. Whoever inserts it sends; anyone else (a second run the
same day, a second host at the same moment) finds the row and sends nothing. The row is then
marked sent, or failed with the error; a failed row is claimed again, and the email retried, by
the next run.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.tokens import default_token_generator
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from kit import mail
from kit.formatting import person_name
from objectives import permissions
from objectives.history import save_with_history

from . import digest_selectors, emails, selectors
from .models import Preference, RequestCount, SentEmail
from .sent_log import sent_email_log

User = get_user_model()
log = logging.getLogger("improve.reminders")
security_log = logging.getLogger("improve.security")
Kind = SentEmail.Kind
Status = SentEmail.Status


@dataclass
class Outcome:
    person: object
    kind: str
    day: date
    subject: str
    lines: list[str]
    result: str  # "sent", "failed", "already sent", "would send"
    error: str = ""


@dataclass
class Morning:
    day: date
    digest: bool
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, result: str) -> int:
        return sum(1 for o in self.outcomes if o.result == result)


# --- Who gets what -----------------------------------------------------------------------


def _lines_reminder(reminder) -> list[str]:
    lines = []
    for item in reminder.overdue:
        lines.append(
            f"overdue: {item.ref} {item.title}: {item.milestone}, due {item.on:%Y-%m-%d} "
            f"({selectors.plural(item.days, 'day')} overdue)"
        )
    for item in reminder.due_soon:
        lines.append(f"due soon: {item.ref} {item.title}: {item.milestone}, due {item.on:%Y-%m-%d}")
    for item in reminder.update_due:
        since = f"last update {item.on:%Y-%m-%d}" if item.on else "no update yet"
        lines.append(f"update due: {item.ref} {item.title} ({since})")
    return lines


def _lines_leadership(digest) -> list[str]:
    lines = []
    for week in digest.plans:
        counts = ", ".join(f"{label.lower()} {now}" for label, now, _ in week.count_rows)
        lines.append(f"{week.plan.name}: {counts}")
        lines += [f"turned red: {i.ref} {i.title}" for i in week.turned_red]
        lines += [
            f"moved later: {i.ref} {i.title}: {i.milestone} to {i.on:%Y-%m-%d} ({i.detail})"
            for i in week.moved_later
        ]
        lines += [
            f"completed: {i.ref} {i.title}" + (f": {i.milestone}" if i.milestone else "")
            for i in week.completed
        ]
    return lines


def _lines_admin(digest) -> list[str]:
    return [f"no owner: {i.ref} {i.title}" for i in digest.no_owner] + [
        f"owner has left: {i.ref} {i.title} ({i.who})" for i in digest.owner_left
    ]


@dataclass
class Planned:
    person: object
    kind: str
    day: date
    subject: str
    lines: list[str]
    build: Callable


def plan_morning(day: date, *, digest: bool) -> list[Planned]:
    """Every email due on ``day``: reminders daily, digests on Mondays or when asked."""
    plans = selectors.published_plans(day)
    planned = plan_morning_from(selectors.owner_reminders(day, plans), Kind.REMINDER, day)
    if digest:
        leadership = digest_selectors.leadership_digests(day, plans)
        planned += plan_morning_from(leadership, Kind.LEADERSHIP_DIGEST, day)
        administrators = digest_selectors.admin_digests(day, plans)
        planned += plan_morning_from(administrators, Kind.ADMIN_DIGEST, day)
    return planned


def _plan_one(person, kind: str, day: date) -> Planned | None:
    """The email of ``kind`` that ``person`` should have had on ``day`` (for a retry)."""
    if kind == Kind.LEADERSHIP_DIGEST:
        found = digest_selectors.leadership_digests(day)
    elif kind == Kind.ADMIN_DIGEST:
        found = digest_selectors.admin_digests(day)
    else:
        return None
    for planned in plan_morning_from(found, kind, day):
        if planned.person.pk == person.pk:
            return planned
    return None


def plan_morning_from(found, kind: str, day: date) -> list[Planned]:
    """One planned email of ``kind`` for each reminder or digest found."""
    lines, build = {
        Kind.REMINDER: (_lines_reminder, emails.reminder_email),
        Kind.LEADERSHIP_DIGEST: (_lines_leadership, emails.leadership_digest_email),
        Kind.ADMIN_DIGEST: (_lines_admin, emails.admin_digest_email),
    }[kind]
    return [Planned(d.person, kind, day, d.subject, lines(d), lambda d=d: build(d)) for d in found]


# --- Sending exactly once ----------------------------------------------------------------


def _claim(planned: Planned) -> SentEmail | None:
    """Take the (person, kind, day) slot, or retake a failed one; None when someone has it."""
    slot = mail.Email(planned.person, planned.kind, planned.subject, "", day=planned.day)
    return sent_email_log.claim(slot)


def _reclaim(row: SentEmail, planned: Planned) -> SentEmail | None:
    return sent_email_log.reclaim(row, person=planned.person, subject=planned.subject)


def _deliver(row: SentEmail, planned: Planned) -> tuple[str, str]:
    return mail.send(planned.build(), row=row)


def send_morning(*, day: date, digest: bool | None = None, dry_run: bool = False) -> Morning:
    """Send (or, with ``dry_run``, only list) every email due on ``day``, each at most once.

    ``digest`` None means "on Mondays". Must not run inside a transaction: each claim is
    committed before its email goes out, so other hosts see it.
    """
    digest = digest_selectors.is_digest_day(day) if digest is None else digest
    morning = Morning(day=day, digest=digest)
    planned = plan_morning(day, digest=digest)
    done = {
        (row.person_id, row.kind): row.status
        for row in SentEmail.objects.filter(day=day, person__in=[p.person for p in planned])
    }
    for item in planned:
        outcome = Outcome(item.person, item.kind, day, item.subject, item.lines, "")
        morning.outcomes.append(outcome)
        if dry_run:
            status = done.get((item.person.pk, item.kind))
            outcome.result = (
                "already sent" if status in (Status.SENT, Status.SENDING) else ("would send")
            )
            continue
        row = _claim(item)
        if row is None:
            outcome.result = "already sent"
            continue
        outcome.result, outcome.error = _deliver(row, item)
    if not dry_run:
        for row in selectors.failed_digests_to_retry(day):
            item = _plan_one(row.person, row.kind, row.day)
            if item is None:
                continue
            outcome = Outcome(item.person, item.kind, row.day, item.subject, item.lines, "")
            morning.outcomes.append(outcome)
            claimed = _reclaim(row, item)
            if claimed is None:
                outcome.result = "already sent"
                continue
            outcome.result, outcome.error = _deliver(claimed, item)
    return morning


# --- People's choices and invitations ----------------------------------------------------


@transaction.atomic
def preference_update(*, user, person, daily_reminder: bool, weekly_digest: bool) -> Preference:
    """A person's own choices of email (administrators may change anyone's)."""
    if not user.is_authenticated or (
        user.pk != person.pk and not permissions.is_administrator(user)
    ):
        raise PermissionDenied("You can only change your own email choices.")
    preference = Preference.objects.select_for_update().filter(user=person).first()
    if preference is None:
        preference = Preference(user=person)
    elif (preference.daily_reminder, preference.weekly_digest) == (daily_reminder, weekly_digest):
        return preference
    preference.daily_reminder = daily_reminder
    preference.weekly_digest = weekly_digest
    return save_with_history(preference, user=user, reason="Email choices changed")


@transaction.atomic
def password_change(*, user, new_password: str, ip: str = "-"):
    """A person's own new password (already checked by the form: their current password and
    the validators). Like a reset, the password is not part of the account's history; the
    security log records the change."""
    if not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Sign in to change your password.")
    person = User._default_manager.select_for_update().get(pk=user.pk)
    person.set_password(new_password)
    person.skip_history_when_saving = True
    try:
        person.save(update_fields=["password"])
    finally:
        del person.skip_history_when_saving
    security_log.info("password-changed user=%s ip=%s", person.get_username(), ip)
    return person


def set_password_url(person) -> str:
    """An absolute, expiring, single-use link to choose a password (Django's reset token)."""
    uid = urlsafe_base64_encode(force_bytes(person.pk))
    token = default_token_generator.make_token(person)
    return selectors.absolute_url(
        reverse("password_reset_confirm", kwargs={"uidb64": uid, "token": token})
    )


def invitation_send(*, user, person) -> bool:
    """Email ``person`` a link to choose their password. False when it could not be sent."""
    if not permissions.is_administrator(user):
        raise PermissionDenied("Only administrators can invite people.")
    if not person.is_active or not (person.email or "").strip():
        return False
    email = emails.invitation_email(
        person=person, set_password_url=set_password_url(person), invited_by=user
    )
    result, _ = mail.send(email)  # a failure is logged; the administrator can send it again
    if result != "sent":
        log.warning("invitation-failed person=%s", person.pk)
    return result == "sent"


def invitation_message(*, user, person) -> str:
    """Send ``person`` their invitation and say what happened, for the administrator."""
    name = person_name(person)
    if invitation_send(user=user, person=person):
        return (
            f"Account created for {name}. We have emailed {person.email} a link to choose "
            f"their password; their username is {person.get_username()}."
        )
    if person.has_usable_password():
        return (
            f"Account created for {name}, but the invitation email could not be sent. Give them "
            f"their username ({person.get_username()}) and initial password in person."
        )
    return (
        f"Account created for {name}, but the invitation email could not be sent. Send it "
        "again from their page once email is working."
    )


@transaction.atomic
def request_count_add(*, key: str, window: timedelta) -> int:
    """Count one request under ``key``: how many there have been in its window, this one
    included. A window starts at the first request after the last one ended. The row is locked
    while it is counted, so requests at the same moment on different hosts each count."""
    now = timezone.now()
    row, created = RequestCount.objects.select_for_update().get_or_create(
        key=key, defaults={"window_start": now, "count": 1}
    )
    if created:
        return 1
    if row.window_start <= now - window:
        row.window_start, row.count = now, 1
    else:
        row.count += 1
    row.save(update_fields=["window_start", "count"])
    return row.count
