"""The one way the service sends an email: built the same way, marked as automatic, logged.

``compose`` renders an email from a ``.txt`` template and, where there is one, an ``.html``
template; ``send`` sends it through Django's email framework with the headers that tell mail
servers and out-of-office replies it was sent by a machine (``Auto-Submitted``,
``X-Auto-Response-Suppress``), and records it in the sent-email log.

The log is ``reminders.models.SentEmail``; ``kit`` imports no app, so the reminders app hands
its log over when it starts (``use_log``). A log ``claim``s a row before the email goes out
(``None`` when the email was already sent: the daily emails go out once a day), then marks it
``sent`` or ``failed``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Protocol

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.mail import EmailMultiAlternatives
from django.template import TemplateDoesNotExist
from django.template.loader import render_to_string
from django.utils import timezone

log = logging.getLogger("improve.mail")

# Every email's subject starts with the service's name, so it is known in a full inbox.
SUBJECT_START = "Improvement plan: "

HEADERS = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


@dataclass(frozen=True)
class Email:
    """One email to one person: ``kind`` names it in the log; ``day`` is the day it is for."""

    person: object
    kind: str
    subject: str
    text: str
    html: str = ""
    day: date | None = None


class Log(Protocol):
    def claim(self, email: Email) -> object | None: ...

    def sent(self, row) -> None: ...

    def failed(self, row, error: str) -> None: ...


_log: Log | None = None


def use_log(sent_email_log: Log) -> None:
    global _log
    _log = sent_email_log


def compose(*, person, kind: str, subject: str, template: str, context: dict, day=None) -> Email:
    """An email from ``<template>.txt`` and, if it exists, ``<template>.html``."""
    text = render_to_string(f"{template}.txt", context)
    try:
        html = render_to_string(f"{template}.html", context)
    except TemplateDoesNotExist:
        html = ""
    return Email(person=person, kind=kind, subject=subject, text=text, html=html, day=day)


def message(email: Email) -> EmailMultiAlternatives:
    """The email as Django's email framework sends it (subject on one line)."""
    built = EmailMultiAlternatives(
        subject=" ".join(email.subject.split()),
        body=email.text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[email.person.email],
        headers=dict(HEADERS),
    )
    if email.html:
        built.attach_alternative(email.html, "text/html")
    return built


def send(email: Email, *, row=None) -> tuple[str, str]:
    """Send ``email`` and log it: ("sent", ""), ("failed", the error) or ("already sent", "").

    ``row`` is a log row already claimed for it (a retry); otherwise one is claimed here."""
    if _log is None:
        raise ImproperlyConfigured("No sent-email log: is the reminders app installed?")
    if email.day is None:
        email = Email(**{**email.__dict__, "day": timezone.localdate()})
    row = row if row is not None else _log.claim(email)
    if row is None:
        return "already sent", ""
    try:
        if not message(email).send(fail_silently=False):
            raise RuntimeError("the mail server accepted no message")
    except Exception as error:  # noqa: BLE001 - any failure is logged; the caller decides
        text = f"{type(error).__name__}: {error}"[:2000]
        _log.failed(row, text)
        log.warning("email-failed kind=%s person=%s", email.kind, getattr(email.person, "pk", ""))
        return "failed", text
    _log.sent(row)
    return "sent", ""
