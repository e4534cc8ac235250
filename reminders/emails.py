"""Emails built from templates: a short subject, a plain-text part and an HTML part.

Templates live in ``templates/reminders/email/``; each has a ``.txt`` and a ``.html`` version
and both end with the footer saying why the person got the email and where to change it.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.urls import reverse

from kit.formatting import person_name

from .selectors import absolute_url


def build(*, person, template: str, subject: str, context: dict) -> EmailMultiAlternatives:
    """An email to ``person`` from ``templates/reminders/email/<template>.txt`` and ``.html``."""
    context = {
        "person": person,
        "name": person_name(person),
        "subject": subject,
        "site_url": settings.SITE_URL,
        "account_url": absolute_url(reverse("reminders:account")),
        "sign_in_url": absolute_url(reverse("login")),
        **context,
    }
    text = render_to_string(f"reminders/email/{template}.txt", context)
    html = render_to_string(f"reminders/email/{template}.html", context)
    message = EmailMultiAlternatives(
        subject=" ".join(subject.split()),
        body=text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[person.email],
    )
    message.attach_alternative(html, "text/html")
    return message


def reminder_email(reminder) -> EmailMultiAlternatives:
    return build(
        person=reminder.person,
        template="reminder",
        subject=reminder.subject,
        context={"reminder": reminder, "day": reminder.day},
    )


def leadership_digest_email(digest) -> EmailMultiAlternatives:
    return build(
        person=digest.person,
        template="leadership_digest",
        subject=digest.subject,
        context={"digest": digest, "day": digest.day},
    )


def admin_digest_email(digest) -> EmailMultiAlternatives:
    return build(
        person=digest.person,
        template="admin_digest",
        subject=digest.subject,
        context={"digest": digest, "day": digest.day},
    )


def invitation_email(*, person, set_password_url: str, invited_by) -> EmailMultiAlternatives:
    return build(
        person=person,
        template="invitation",
        subject="You have been invited to the improvement plan",
        context={
            "set_password_url": set_password_url,
            "invited_by": person_name(invited_by) if invited_by else "",
            "valid_days": settings.PASSWORD_RESET_TIMEOUT // (24 * 60 * 60),
        },
    )
