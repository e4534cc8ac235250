"""The past, read once and kept: each plan's drift for a past day in Django's cache framework.

A day that is over reads the same for ever, except when history dated on or before it is
written later (the demo loader backdates its records) or an owner's account history is. Each
plan has a generation number, part of every key; such a write bumps its plan's generation (or,
for an account, the generation shared by all plans), so the entries made before it are never
found again and expire on their own. A write in one plan leaves the others' entries alone.

A reader may compute a day while a writer's transaction is still open and store it under the
generation the writer has just bumped; so the writer bumps again once it commits.

Which writes count: a record dated before today (a backdated write), or one dated on or before
the latest day anything has been kept for (a clock that went back, as in the tests). Ordinary
writes, dated now, make nothing cold: today and later days are read from the live rows.

The cache is ``CACHES["default"]`` (local memory unless the settings name Redis or the
database); every process and host that shares it shares the kept days.
"""

from __future__ import annotations

import time
from datetime import date

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from simple_history.signals import post_create_historical_record

# The version is part of every key: raise it when the shape of what is kept changes (the
# classes in ``objectives.drift``), so a shared cache never hands back values of the old shape.
PREFIX = "drift:v3"
TIMEOUT = 60 * 60 * 24 * 30  # kept days expire after a month unused
ACCOUNTS = f"{PREFIX}:gen:accounts"
HORIZON = f"{PREFIX}:horizon"


def _plan_key(plan_id: int) -> str:
    return f"{PREFIX}:gen:plan:{plan_id}"


def generation(plan_id: int) -> str:
    """The current generation of ``plan_id``'s kept days (and of accounts), for use in keys."""
    keys = [_plan_key(plan_id), ACCOUNTS]
    found = cache.get_many(keys)
    for key in keys:
        if key not in found:
            # A new start (or one the cache evicted): a value no earlier key can have had.
            cache.add(key, time.time_ns(), timeout=None)
            found[key] = cache.get(key)
    return f"{found[keys[0]]}.{found[keys[1]]}"


def _bump(key: str) -> None:
    try:
        cache.incr(key)
    except ValueError:  # not there: start afresh, beyond any number used before
        cache.set(key, time.time_ns(), timeout=None)


def note_day(day: date) -> None:
    """Called before a past day is worked out: writes dated on or before it must bump."""
    latest = cache.get(HORIZON)
    if latest is None or latest < day:
        cache.set(HORIZON, day, timeout=None)


def _affects_kept_days(day: date) -> bool:
    if day < timezone.localdate():
        return True
    latest = cache.get(HORIZON)
    return latest is not None and day <= latest


def get_many(plan_id: int, kind: str, days) -> tuple[str, dict[date, object]]:
    """The generation and whatever is kept for ``days`` of ``kind`` ("drift" or "summary")."""
    gen = generation(plan_id)
    keys = {f"{PREFIX}:{kind}:{plan_id}:{day.isoformat()}:{gen}": day for day in days}
    found = cache.get_many(list(keys))
    return gen, {keys[key]: value for key, value in found.items()}


def set_many(plan_id: int, kind: str, gen: str, values: dict[date, object]) -> None:
    cache.set_many(
        {f"{PREFIX}:{kind}:{plan_id}:{day.isoformat()}:{gen}": v for day, v in values.items()},
        timeout=TIMEOUT,
    )


# --- what a history record touches -------------------------------------------------------------


def _plan_of(history_instance) -> int | None:
    from milestones.models import Milestone
    from objectives.models import Objective, Plan, ProgressUpdate, Theme

    model = history_instance.instance_type
    if model is Plan:
        return history_instance.id
    if model in (Objective, Theme):
        return history_instance.plan_id
    if model in (Milestone, ProgressUpdate):
        return (
            Objective.objects.filter(pk=history_instance.objective_id)
            .values_list("plan_id", flat=True)
            .first()
        )
    return None


def _key_of(history_instance) -> str | None:
    from django.contrib.auth import get_user_model

    if history_instance.instance_type is get_user_model():
        return ACCOUNTS
    plan_id = _plan_of(history_instance)
    return _plan_key(plan_id) if plan_id is not None else None


def _recorded(sender, history_instance, **kwargs) -> None:
    day = timezone.localdate(history_instance.history_date)
    if not _affects_kept_days(day):
        return
    key = _key_of(history_instance)
    if key is None:
        return
    _bump(key)
    transaction.on_commit(lambda: _bump(key))


def _is_drift_history(sender) -> bool:
    from django.contrib.auth import get_user_model

    from milestones.models import Milestone
    from objectives.models import Objective, Plan, ProgressUpdate, Theme

    models = (Plan, Theme, Objective, Milestone, ProgressUpdate, get_user_model())
    return getattr(sender, "instance_type", None) in models


def connect() -> None:
    """Listen for new history records (called once, when the app is ready)."""

    def receiver(sender, history_instance, **kwargs):
        if _is_drift_history(sender):
            _recorded(sender, history_instance, **kwargs)

    post_create_historical_record.connect(receiver, weak=False, dispatch_uid="drift-pastdays")
