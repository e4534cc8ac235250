"""Telling people they have been made accountable for an objective.

Whoever is made an objective's owner (given one, handed it from someone else, moved with a
leaver's objectives, given it by an import, or owner of an objective in a plan just published)
is told by email once the change is saved: one email per person for each saved change, however
many objectives it gave them. The services ``note`` each new owner; the notes of one transaction
are sent together when it commits, and forgotten when it rolls back.

Nobody is told about a draft plan's objective they may not see, nor about their own change, and
leavers and people without an address get nothing. Sent and logged by ``kit.mail``.
"""

from __future__ import annotations

import threading
from collections import defaultdict

from django.conf import settings
from django.db import transaction
from django.urls import reverse

from kit import mail
from kit.formatting import person_name

from . import drafts
from .models import Objective

_local = threading.local()


class _Batch:
    """The notes of one transaction, sent when it commits."""

    def __init__(self):
        self.notes: list[tuple[object, object, object]] = []  # (objective, owner, by)

    def __call__(self):
        if getattr(_local, "batch", None) is self:
            _local.batch = None
        send_batch(self.notes)


def _current_batch() -> _Batch:
    """This transaction's batch; a new one when the last was sent or rolled back."""
    batch = getattr(_local, "batch", None)
    connection = transaction.get_connection()
    if batch is None or not any(hook is batch for _, hook, *_ in connection.run_on_commit):
        batch = _Batch()
        _local.batch = batch
        transaction.on_commit(batch)
    return batch


def note(*, objective, owner, by) -> None:
    """Tell ``owner`` (when there is one) that they own ``objective``, once the change is saved."""
    if owner is None or objective.plan.is_draft:  # a draft's owners are told when it is published
        return
    _current_batch().notes.append((objective, owner, by))


def send_batch(notes) -> list[mail.Email]:
    """One email to each person named in ``notes``, listing their objectives by plan and ref."""
    by_owner: dict[int, dict] = defaultdict(lambda: {"objectives": set(), "by": set()})
    for objective, owner, by in notes:
        entry = by_owner[owner.pk]
        entry["owner"] = owner
        entry["objectives"].add(objective.pk)
        entry["by"].add(by.pk if by is not None else None)
    sent = []
    for owner_pk, entry in by_owner.items():
        if entry["by"] == {owner_pk}:  # nobody is told about their own change
            continue
        email = owner_email(entry["owner"], entry["objectives"])
        if email is not None:
            mail.send(email)
            sent.append(email)
    return sent


def owner_email(owner, objective_ids) -> mail.Email | None:
    """The email telling ``owner`` they own these objectives, as saved now (an objective handed
    on again in the same change is left out); None when there is nothing they may be told."""
    owner.refresh_from_db()
    if not owner.is_active or not owner.email:
        return None
    objectives = [
        objective
        for objective in Objective.objects.filter(pk__in=objective_ids, owner=owner)
        .select_related("plan")
        .order_by("plan__name", "ref", "pk")
        if drafts.objective_visible(owner, objective)
    ]
    if not objectives:
        return None
    site = settings.SITE_URL.rstrip("/")
    items = [
        {"objective": o, "url": site + reverse("tracking:objective_detail", args=[o.pk])}
        for o in objectives
    ]
    if len(items) == 1:
        subject = f"{mail.SUBJECT_START}you now own objective {objectives[0].ref}"
    else:
        subject = f"{mail.SUBJECT_START}you now own {len(items)} objectives"
    return mail.compose(
        person=owner,
        kind="owner_assigned",
        subject=subject,
        template="objectives/email/owner_assigned",
        context={
            "name": person_name(owner),
            "items": items,
            "my_url": site + reverse("tracking:my_objectives"),
            "site_url": site,
        },
    )
