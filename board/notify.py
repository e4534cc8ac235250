"""Emails about challenges (text and HTML from templates), sent and logged by ``kit.mail``."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from kit import mail
from kit.formatting import person_name
from objectives import drafts


def _site(site_url: str) -> str:
    return (getattr(settings, "SITE_URL", "") or site_url or "").rstrip("/")


def _send(to_user, subject: str, template: str, context: dict) -> None:
    """Email ``to_user`` about ``context["objective"]``: never one they may not see (a draft's,
    unless they are an administrator), nor to a leaver or someone with no address."""
    if not to_user or not to_user.email or not to_user.is_active:
        return
    if not drafts.objective_visible(to_user, context["objective"]):
        return
    email = mail.compose(
        person=to_user,
        kind=template,  # in the sent-email log: "challenge_raised", "challenge_answered"
        subject=subject,
        template=f"board/email/{template}",
        context=context,
    )
    mail.send(email)


def challenge_raised(challenge, *, site_url: str = "") -> None:
    objective = challenge.objective
    url = (
        _site(site_url) + reverse("tracking:objective_detail", args=[objective.pk]) + "#challenges"
    )
    _send(
        objective.owner,
        f"{mail.SUBJECT_START}a question about objective {objective.ref} "
        f"from {person_name(challenge.raised_by)}",
        "challenge_raised",
        {
            "challenge": challenge,
            "objective": objective,
            "url": url,
            "raiser": person_name(challenge.raised_by),
        },
    )


def challenge_answered(challenge, *, site_url: str = "") -> None:
    objective = challenge.objective
    url = (
        _site(site_url) + reverse("tracking:objective_detail", args=[objective.pk]) + "#challenges"
    )
    answerer = person_name(challenge.answered_by)
    _send(
        challenge.raised_by,
        f"{mail.SUBJECT_START}{answerer} answered your question about objective {objective.ref}",
        "challenge_answered",
        {
            "challenge": challenge,
            "objective": objective,
            "url": url,
            "answerer": answerer,
        },
    )
