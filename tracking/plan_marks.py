"""Marks of what a plan records outside its objectives' own stamps: its board meetings and
challenges, its measures and their values, its findings and the objectives answering them.

Apps register the history tables they read for a plan (``register``, from their
``AppConfig.ready``), each with the SQL that picks the plan's records. Today's read of the
stamps (``tracking.stamps.read``) asks for every table's mark beside each objective's stamp, in
the same query, and what it gives carries them (``PlanDrift.plan_marks``). A read of one of
those tables for the plan and a day (``tracking.history.rows_at``, or ``kept`` for a read of its
live rows) is then kept in Django's cache under the table's mark: a progress update or a
re-forecast leaves board meetings, challenges, measures and findings as they were, so the
dashboard and the API read them again only after one of them is recorded.

A table's mark is the number of the plan's records in it and the latest one's id. The number
is there because on PostgreSQL a record can commit after one with a higher id, made by a
transaction that finished first; no record is ever removed, so any new one changes the number.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable

from django.core.cache import cache
from django.db import connection

TIMEOUT = 60 * 60 * 24
_MISSING = object()

# history table -> SQL condition on its rows (aliased h) with one %s, the plan's id
_scopes: dict[str, str] = {}


def register(model, *through: tuple[str, type]) -> None:
    """Mark ``model``'s history for a plan. Its records are the plan's by their ``plan_id``,
    or ``through`` the rows they point to: ``("objective_id", Objective)`` for a challenge,
    ``("measure_id", Measure), ("objective_id", Objective)`` for a measure's value."""
    q = connection.ops.quote_name
    # Names come from the models, never from a request.
    condition = f"{q('plan_id')} = %s"
    for column, parent in reversed(through):
        condition = (
            f"{q(column)} IN (SELECT {q('id')} FROM {q(parent._meta.db_table)} "  # noqa: S608
            f"WHERE {condition})"
        )
    _scopes[model.history.model._meta.db_table] = f"h.{condition}"


def table(model) -> str:
    """The name ``model``'s history is marked under."""
    return model.history.model._meta.db_table


def columns(plan_id: int) -> tuple[list[str], str, list]:
    """The tables marked, and the SQL columns (with their parameters) that give their marks
    for the plan, for a read to ask beside its own."""
    q = connection.ops.quote_name
    tables = sorted(_scopes)
    sql = [
        f"(SELECT COUNT(*) || ':' || COALESCE(MAX(h.{q('history_id')}), 0) "  # noqa: S608
        f"FROM {q(name)} h WHERE {_scopes[name]})"
        for name in tables
    ]
    return tables, ", ".join(sql), [plan_id] * len(tables)


def kept(marks: dict | None, tables: tuple[str, ...], key: tuple, compute: Callable):
    """``compute()``, kept under the marks of ``tables`` (from ``PlanDrift.plan_marks``) and
    ``key`` (the plan, the day and whatever else the answer depends on); computed every time
    when a mark is not known (a past day's read, or a table not registered)."""
    if not marks or any(name not in marks for name in tables):
        return compute()
    parts = repr((tables, [marks[name] for name in tables], key))
    name = "plan-mark:" + hashlib.blake2b(parts.encode(), digest_size=16).hexdigest()
    found = cache.get(name, _MISSING)
    if found is _MISSING:
        found = compute()
        cache.set(name, found, timeout=TIMEOUT)
    return found
