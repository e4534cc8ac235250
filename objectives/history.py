"""The one way tracked rows are saved: validated, with who, why and (for backfills) when.

django-simple-history records a row on every ``save()``; ``QuerySet.update()`` and the bulk
methods skip it, so nothing in the project calls them on tracked models.

A row that would repeat another on a unique constraint (a second value for the same period,
the same reference twice) is refused with a ValidationError on the field, in the words the form
uses, whether the other row was there before the check or was saved by someone else between the
check and this save (``unique_message``).
"""

from datetime import datetime

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import IntegrityError, models, router, transaction
from django.dispatch import receiver
from django.utils import timezone
from simple_history.models import HistoricalRecords
from simple_history.signals import pre_create_historical_record

from kit.stale_edits import StaleEditError

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
    try:
        instance.full_clean()
    except ValidationError as error:
        raise _worded(error, instance) from None
    instance._history_user = user
    instance._change_reason = reason or None
    if recorded_at is not None:
        instance._history_date = recorded_at
    try:
        _save_refusing_duplicates(instance)
    finally:
        for attr in _RECORDING_ATTRS:
            instance.__dict__.pop(attr, None)
    return instance


# --- Two people saving the same thing at once ----------------------------------------------------

_MESSAGES: dict[tuple[type[models.Model], tuple[str, ...]], tuple[str, str]] = {}


def unique_message(
    model: type[models.Model], fields: tuple[str, ...], *, field: str, message: str
) -> None:
    """Say how a row repeating another on the unique ``fields`` is refused: on ``field``
    (``NON_FIELD_ERRORS`` for the whole form), with ``message`` formatted with the row's
    values (``"{ref}"``). Without one, Django's words are used ("... already exists.")."""
    _MESSAGES[(model, tuple(fields))] = (field, message)


class _Values(dict):
    def __init__(self, instance: models.Model):
        super().__init__()
        self.instance = instance

    def __missing__(self, name: str):
        return getattr(self.instance, name)


def _conditional_uniques(model: type[models.Model]) -> dict[str, tuple[str, ...]]:
    """The message Django gives for each conditional unique constraint of ``model`` (one that
    holds only for some rows, such as those not withdrawn), with the constraint's fields."""
    return {
        constraint.get_violation_error_message(): tuple(constraint.fields)
        for constraint in model._meta.constraints
        if isinstance(constraint, models.UniqueConstraint)
        and constraint.condition is not None
        and constraint.fields
    }


def _worded(error: ValidationError, instance: models.Model) -> ValidationError:
    """``error`` with Django's "already exists" (or, for a conditional unique constraint,
    "Constraint ... is violated") replaced by each model's own message."""
    if not hasattr(error, "error_dict"):
        return error
    model = type(instance)
    conditional = _conditional_uniques(model)
    errors: dict[str, list[ValidationError]] = {}
    for name, items in error.error_dict.items():
        for item in items:
            params = item.params or {}
            said = None
            if item.code in ("unique", "unique_together") and "unique_check" in params:
                said = _MESSAGES.get((params["model_class"], tuple(params["unique_check"])))
            elif name == NON_FIELD_ERRORS and item.message in conditional:
                said = _MESSAGES.get((model, conditional[item.message]))
            if said is None:
                errors.setdefault(name, []).append(item)
            else:
                field, message = said
                text = message.format_map(_Values(params.get("model", instance)))
                errors.setdefault(field, []).append(ValidationError(text, code="unique"))
    return ValidationError(errors)


def _save_refusing_duplicates(instance: models.Model) -> None:
    """Save; if a unique constraint refuses the row because someone else saved the same thing
    after ``full_clean`` looked, raise the ValidationError ``full_clean`` would now give.

    The save runs in a savepoint, so on PostgreSQL the transaction it is part of can still be
    used (and rolled back) after the refusal."""
    opts = instance._meta
    if (
        not opts.unique_together
        and not any(isinstance(c, models.UniqueConstraint) for c in opts.constraints)
        and not any(f.unique and not f.primary_key for f in opts.concrete_fields)
    ):
        instance.save()
        return
    try:
        with transaction.atomic(using=router.db_for_write(type(instance), instance=instance)):
            instance.save()
    except IntegrityError as error:
        errors: dict = {}
        for check in (instance.validate_unique, instance.validate_constraints):
            try:
                check()
            except ValidationError as found:
                errors = found.update_error_dict(errors)
        if not errors:
            raise
        raise _worded(ValidationError(errors), instance) from error


def _check_backdate(instance: models.Model, recorded_at: datetime) -> None:
    """A backdated record must keep each row's history in order and not lie in the future."""
    if recorded_at > timezone.now():
        raise ValueError("A history record cannot be dated in the future.")
    if instance.pk is not None:
        latest = instance.history.order_by("-history_date").values_list("history_date", flat=True)
        last = latest.first()
        if last is not None and recorded_at < last:
            raise ValueError("A history record cannot be dated before the row's latest record.")


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
