"""The past, read once and kept: each plan's drift for a past day in Django's cache framework.

A day that is over reads the same for ever, except when history dated on or before it is
written later (the demo loader backdates its records, an administrator records that someone
left last week) or an owner's account history is. Each plan has a generation number, part of
every key; such a write bumps its plan's generation (or, for an account, the generation shared
by all plans), so the entries made before it are never found again and expire on their own. A
write in one plan leaves the others' entries alone.

The generations are rows in the database (``tracking.models.PastGeneration``), bumped in the
same transaction as the history record, and read (one query) at the start of every read of a
past day: every process and host sees a write the moment it commits, whatever cache it keeps
days in. A reader that read the old generation before the writer committed may keep what it
worked out under that old generation, which nobody reads again.

Which writes count: a record dated before today (a backdated write), or one dated on or before
the latest day any plan has had kept (a clock that went back, as in the tests, or a host whose
clock is a day ahead): that latest day is kept in the database too. Ordinary writes, dated now,
make nothing cold: today and later days are read from the live rows.

The kept days are in ``CACHES["default"]``: local memory of each process unless the settings
name Redis or the database. A process with its own memory keeps its own copy of each day, and a
generation it has not seen simply finds nothing.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, replace
from datetime import date

from django.core.cache import cache
from django.db import connection
from django.db.models import Max
from django.utils import timezone
from simple_history.signals import post_create_historical_record

from kit import bundles
from kit.keys import digest

from . import plan_marks
from .models import PastGeneration

# The version is part of every key: raise it when the shape of what is kept changes (the
# classes in ``objectives.drift``), so a shared cache never hands back values of the old shape.
PREFIX = "drift:v5"
TIMEOUT = 60 * 60 * 24 * 30  # kept days expire after a month unused
ACCOUNTS = "accounts"
HORIZON = "horizon:"


def _plan_key(plan_id: int) -> str:
    return f"plan:{plan_id}"


def _horizon_key(plan_id: int) -> str:
    return f"{HORIZON}plan:{plan_id}"


def _upsert(key: str, value: int, *, bump: bool) -> None:
    """Set ``key`` to ``value`` if it is not there; otherwise to one more than it was (``bump``,
    never less than ``value``) or to the larger of the two. One statement, in the caller's
    transaction, so the row stays locked until that transaction ends."""
    table = connection.ops.quote_name(PastGeneration._meta.db_table)
    key_col, value_col = connection.ops.quote_name("key"), connection.ops.quote_name("value")
    old = f"{table}.{value_col}" + (" + 1" if bump else "")
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({key_col}, {value_col}) VALUES (%s, %s) "  # noqa: S608 (names)
            f"ON CONFLICT ({key_col}) DO UPDATE SET {value_col} = CASE "
            f"WHEN {old} > excluded.{value_col} THEN {old} ELSE excluded.{value_col} END",
            [key, value],
        )


def _bump(key: str) -> None:
    # A row made afresh (or after a restore) starts beyond any number used before.
    _upsert(key, time.time_ns(), bump=True)


@dataclass(frozen=True)
class Kept:
    """A plan's kept days as one read sees them: its generation and its horizon, read together
    from the database in one query."""

    plan_id: int
    generation: str
    horizon: date | None

    def _key(self, kind: str, day: date) -> str:
        return f"{PREFIX}:{kind}:{self.plan_id}:{day.isoformat()}:{self.generation}"

    def get_many(self, kind: str, days) -> dict[date, object]:
        """Whatever is kept for ``days`` of ``kind``: "drift", "open-drift" (its objectives' open
        parts) or "summary". Several days are read as a bundle too (``kit.bundles``): a page
        asks for the same ones on every request (the month ends and four weeks earlier)."""
        keys = {self._key(kind, day): day for day in sorted(days)}
        if len(keys) < 2:
            found = cache.get_many(list(keys)) if keys else {}
        else:
            read = bundles.read(f"{PREFIX}:{kind}s:{self.plan_id}:{digest(*keys)}", list(keys))
            read.keep({}, timeout=TIMEOUT)  # written again when some were found only by day
            found = read.found
        return {keys[key]: value for key, value in found.items()}

    def set_many(self, kind: str, values: dict[date, object]) -> None:
        if values:
            cache.set_many({self._key(kind, day): v for day, v in values.items()}, timeout=TIMEOUT)

    def note_day(self, day: date) -> Kept:
        """Called before a past day is worked out: writes dated on or before it must bump. The
        kept days as they are now (with that day as the horizon when it is later)."""
        if self.horizon is None or self.horizon < day:
            _upsert(_horizon_key(self.plan_id), day.toordinal(), bump=False)
            return replace(self, horizon=day)
        return self


def _keys(plan_id: int) -> tuple[str, str, str]:
    return (_plan_key(plan_id), ACCOUNTS, _horizon_key(plan_id))


def kept_from(plan_id: int, plan_value, accounts_value, horizon_value) -> Kept:
    """The ``Kept`` of the values of ``plan_id``'s keys (None for a key with no row)."""
    return Kept(
        plan_id,
        f"{plan_value or 0}.{accounts_value or 0}",
        date.fromordinal(horizon_value) if horizon_value else None,
    )


def kept(plan_id: int) -> Kept:
    """The current generation of ``plan_id``'s kept days (and of accounts), and the latest day
    it has had kept: one query."""
    keys = _keys(plan_id)
    found = dict(PastGeneration.objects.filter(key__in=keys).values_list("key", "value"))
    return kept_from(plan_id, *(found.get(key) for key in keys))


def kept_and_marks(plan_id: int) -> tuple[Kept, dict[str, str]]:
    """``kept`` and the marks of what the plan records outside its objectives
    (``tracking.plan_marks``), for a past day's page to keep its other reads under: one
    query."""
    kept_sql, kept_params = kept_columns(plan_id)
    tables, marks_sql, marks_params = plan_marks.columns(plan_id)
    asked = ", ".join(part for part in (kept_sql, marks_sql) if part)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {asked}", [*kept_params, *marks_params])
        row = cursor.fetchone()
    return kept_from(plan_id, *row[:3]), dict(zip(tables, row[3:], strict=True))


def kept_columns(plan_id: int) -> tuple[str, list]:
    """The values of ``kept`` as three columns (SQL and parameters) for a read that asks them
    alongside its own rows (``tracking.live``); ``kept_from`` makes them a ``Kept``."""
    table = connection.ops.quote_name(PastGeneration._meta.db_table)
    key_col, value_col = connection.ops.quote_name("key"), connection.ops.quote_name("value")
    one = f"(SELECT {value_col} FROM {table} WHERE {key_col} = %s)"  # noqa: S608 (names)
    return ", ".join([one] * 3), list(_keys(plan_id))


def generation(plan_id: int) -> str:
    """The current generation of ``plan_id``'s kept days (and of accounts), for use in keys."""
    return kept(plan_id).generation


def get_many(plan_id: int, kind: str, days) -> tuple[str, dict[date, object]]:
    """The generation and whatever is kept for ``days`` of ``kind`` (``Kept.get_many``)."""
    found = kept(plan_id)
    return found.generation, found.get_many(kind, days)


def set_many(plan_id: int, kind: str, gen: str, values: dict[date, object]) -> None:
    Kept(plan_id, gen, None).set_many(kind, values)


def note_day(plan_id: int, day: date) -> None:
    """Called before a past day of ``plan_id`` is worked out: writes dated on or before it must
    bump."""
    kept(plan_id).note_day(day)


def _affects_kept_days(day: date) -> bool:
    if day < timezone.localdate():
        return True
    latest = PastGeneration.objects.filter(key__startswith=HORIZON).aggregate(day=Max("value"))
    return latest["day"] is not None and day.toordinal() <= latest["day"]


# --- what a history record touches -------------------------------------------------------------


def _plan_of(history_instance) -> int | None:
    from milestones.models import Milestone, MilestoneDependency
    from objectives.models import Objective, Plan, ProgressUpdate, Theme

    model = history_instance.instance_type
    if model is Plan:
        return history_instance.id
    if model in (Objective, Theme):
        return history_instance.plan_id
    if model is MilestoneDependency:
        return (
            Objective.objects.filter(milestones__id=history_instance.milestone_id)
            .values_list("plan_id", flat=True)
            .first()
        )
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
    from objectives.models import Plan

    if history_instance.instance_type is Plan and history_instance.history_type == "+":
        # A new plan starts with a generation no earlier database can have used, so a shared
        # cache that outlived its database never hands back another plan's days.
        _bump(_plan_key(history_instance.id))
        return
    day = timezone.localdate(history_instance.history_date)
    if not _affects_kept_days(day):
        return
    key = _key_of(history_instance)
    if key is None:
        return
    _bump(key)


def _is_drift_history(sender) -> bool:
    from django.contrib.auth import get_user_model

    from milestones.models import Milestone, MilestoneDependency
    from objectives.models import Objective, Plan, ProgressUpdate, Theme

    models = (
        Plan,
        Theme,
        Objective,
        Milestone,
        MilestoneDependency,
        ProgressUpdate,
        get_user_model(),
    )
    return getattr(sender, "instance_type", None) in models


def connect() -> None:
    """Listen for new history records (called once, when the app is ready)."""

    def receiver(sender, history_instance, **kwargs):
        if _is_drift_history(sender):
            _recorded(sender, history_instance, **kwargs)

    post_create_historical_record.connect(receiver, weak=False, dispatch_uid="drift-pastdays")
