"""The sent-email log behind ``kit.mail.send``: a ``SentEmail`` row for every email.

A row is claimed (inserted and committed) before the email goes out. For the daily emails the
unique (person, kind, day) constraint makes the claim fail when someone else has it, so the
email goes out once; a failed row is retried by whoever flips it back to sending first.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from .models import SentEmail

Status = SentEmail.Status


class SentEmailLog:
    def claim(self, email) -> SentEmail | None:
        """Take the (person, kind, day) slot, or retake a failed one; None when someone has it."""
        try:
            with transaction.atomic():
                return SentEmail.objects.create(
                    person=email.person,
                    kind=email.kind,
                    day=email.day,
                    status=Status.SENDING,
                    address=email.person.email,
                    subject=email.subject[:300],
                )
        except IntegrityError:
            pass
        existing = SentEmail.objects.filter(
            person=email.person, kind=email.kind, day=email.day
        ).first()
        if existing is None or existing.status != Status.FAILED:
            return None
        return self.reclaim(existing, person=email.person, subject=email.subject)

    def reclaim(self, row: SentEmail, *, person, subject: str) -> SentEmail | None:
        """A failed row is retried by whoever flips it back to sending first."""
        taken = SentEmail.objects.filter(pk=row.pk, status=Status.FAILED).update(
            status=Status.SENDING,
            attempts=F("attempts") + 1,
            address=person.email,
            subject=subject[:300],
            updated_at=timezone.now(),
        )
        if not taken:
            return None
        row.refresh_from_db()
        return row

    def sent(self, row: SentEmail) -> None:
        row.status, row.error, row.sent_at = Status.SENT, "", timezone.now()
        row.save(update_fields=["status", "error", "sent_at", "updated_at"])

    def failed(self, row: SentEmail, error: str) -> None:
        row.status, row.error = Status.FAILED, error
        row.save(update_fields=["status", "error", "updated_at"])


sent_email_log = SentEmailLog()
