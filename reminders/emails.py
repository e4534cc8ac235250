"""Emails built from templates: a short subject, a plain-text part and an HTML part.

Templates live in ``templates/reminders/email/``; each has a ``.txt`` and a ``.html`` version
and both end with the footer saying why the person got the email and where to change it.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from kit import mail
from kit.formatting import long_date, person_name

from .selectors import absolute_url, objective_url


def build(*, person, template: str, subject: str, context: dict, day=None) -> mail.Email:
    """An email to ``person`` from ``templates/reminders/email/<template>.txt`` and ``.html``
    (its kind in the log: ``template``)."""
    context = {
        "person": person,
        "name": person_name(person),
        "subject": subject,
        "site_url": settings.SITE_URL,
        "account_url": absolute_url(reverse("reminders:account")),
        "sign_in_url": absolute_url(reverse("login")),
        **context,
    }
    return mail.compose(
        person=person,
        kind=template,
        subject=subject,
        template=f"reminders/email/{template}",
        context=context,
        day=day,
    )


def _morning_email(item, template: str, name: str) -> mail.Email:
    """A reminder or digest of a morning: its template reads it as ``name``, with its day."""
    return build(
        person=item.person,
        template=template,
        subject=item.subject,
        context={name: item, "day": item.day},
        day=item.day,
    )


def reminder_email(reminder) -> mail.Email:
    return _morning_email(reminder, "reminder", "reminder")


def leadership_digest_email(digest) -> mail.Email:
    return _morning_email(digest, "leadership_digest", "digest")


def admin_digest_email(digest) -> mail.Email:
    return _morning_email(digest, "admin_digest", "digest")


def invitation_email(*, person, set_password_url: str, invited_by) -> mail.Email:
    return build(
        person=person,
        template="invitation",
        subject=f"{mail.SUBJECT_START}you have been invited to use the service",
        context={
            "set_password_url": set_password_url,
            "invited_by": person_name(invited_by) if invited_by else "",
            "valid_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60),
        },
    )


def board_update_email(*, person, cycle, rows, sender) -> mail.Email:
    """The reminder before a board meeting: ``rows`` are the person's open objectives with no
    update in the board's window (``board.update_cycle.UpdateCycle``)."""
    return build(
        person=person,
        template="board_update",
        subject=(
            f"{mail.SUBJECT_START}your progress update for the board on {long_date(cycle.held_on)}"
        ),
        context={
            "cycle": cycle,
            "items": [{"ref": r.ref, "title": r.title, "url": objective_url(r.id)} for r in rows],
            "sender": person_name(sender),
        },
    )
