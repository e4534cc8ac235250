"""The one way tracked rows are saved: validated, with who, why and (for backfills) when.

django-simple-history records a row on every ``save()``; ``QuerySet.update()`` and the bulk
methods skip it, so nothing in the project calls them on tracked models.
"""

from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import models
from django.dispatch import receiver
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

_RECORDING_ATTRS = ("_history_user", "_change_reason", "_history_date")


def clean_reason(reason: str | None, *, required: bool, field: str = "reason", what: str) -> str:
    """Return the trimmed reason, or refuse when the rules say one is needed."""
    reason = (reason or "").strip()
    if required and not reason:
        raise ValidationError({field: f"Give a reason for {what}."})
    return reason


def save_with_history(
    instance: models.Model,
    *,
    user,
    reason: str = "",
    recorded_at: datetime | None = None,
    bump_version: bool = True,
) -> models.Model:
    """Validate and save ``instance``, recording ``user`` and ``reason`` in its history.

    ``recorded_at`` backdates the history record: the demo and benchmark builders replay past
    changes with it, and a leaver is recorded as inactive from the day they left.
    """
    if recorded_at is not None:
        _check_backdate(instance, recorded_at)
    if bump_version and hasattr(instance, "version") and instance.pk is not None:
        instance.version += 1
    instance.full_clean()
    instance._history_user = user
    instance._change_reason = reason or None
    if recorded_at is not None:
        instance._history_date = recorded_at
    try:
        instance.save()
    finally:
        for attr in _RECORDING_ATTRS:
            instance.__dict__.pop(attr, None)
    return instance


def _check_backdate(instance: models.Model, recorded_at: datetime) -> None:
    """A backdated record must keep each row's history in order and not lie in the future."""
    if recorded_at > timezone.now():
        raise ValueError("A history record cannot be dated in the future.")
    if instance.pk is not None:
        latest = instance.history.order_by("-history_date").values_list("history_date", flat=True)
        last = latest.first()
        if last is not None and recorded_at < last:
            raise ValueError("A history record cannot be dated before the row's latest record.")


class StaleEditError(Exception):
    """Someone else changed the row after this form was loaded; nothing was saved."""

    def __init__(self, current: models.Model):
        self.current = current
        super().__init__(f"{current._meta.verbose_name} was changed by someone else.")


def lock_for_edit(model: type[models.Model], pk: int, expected_version: int | None):
    """Lock the row for this transaction and refuse a form loaded at an older version."""
    current = model._default_manager.select_for_update().get(pk=pk)
    if expected_version is not None and current.version != expected_version:
        raise StaleEditError(current)
    return current


@receiver(pre_create_historical_record)
def _record_channel(sender, history_instance, **kwargs):
    """Mark records made while serving a request, so ``check_history`` can demand a user."""
    request = getattr(HistoricalRecords.context, "request", None)
    history_instance.history_via = "web" if request is not None else "command"
