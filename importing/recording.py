"""While an import runs, every history record it makes says "Imported from <file name>".

The services write their own reasons ("Milestone added", ...); an import replaces them with
the file's name, so the record tells where each row and each change came from.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.dispatch import receiver
from simple_history.signals import pre_create_historical_record

_reason: ContextVar[str | None] = ContextVar("import_reason", default=None)


def import_reason(file_name: str) -> str:
    return f"Imported from {file_name}"


@contextmanager
def recording_reason(reason: str) -> Iterator[None]:
    token = _reason.set(reason)
    try:
        yield
    finally:
        _reason.reset(token)


@receiver(pre_create_historical_record)
def _label_imported(sender, history_instance, **kwargs):
    reason = _reason.get()
    if reason:
        history_instance.history_change_reason = reason
