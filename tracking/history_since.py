"""Whether anything was recorded after a moment: whether today's live rows are still the plan
as it stood then; and a fingerprint of what had been recorded by the end of a day, which says
whether something made earlier from the record (an evidence pack) is still good (part of the
one reader of the past, ``tracking.history``).
"""

from __future__ import annotations

import functools
import hashlib
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone

from .history import end_of_day
from .history_accounts import ACCOUNT_FIELDS

User = get_user_model()


def _tracked_models():
    from milestones.models import Milestone, MilestoneDependency
    from objectives.models import Objective, Plan, ProgressUpdate, Theme

    return (Plan, Theme, Objective, Milestone, MilestoneDependency, ProgressUpdate)


@functools.cache
def _recorded_after_sql() -> str:
    # Table and column names come from the models, never from a request. Each table's latest
    # date is read on the index of its dates whatever the cutoff, so a query prepared once
    # (PostgreSQL's plan for any cutoff) does not walk a table with no record after it, as an
    # EXISTS with a range on the dates may (about 200 ms at a national size).
    q = connection.ops.quote_name
    tests = [
        f"(SELECT MAX({q('history_date')}) "  # noqa: S608
        f"FROM {q(model.history.model._meta.db_table)}) >= %s"
        for model in _tracked_models()
    ]
    return "SELECT " + " OR ".join(tests)


@functools.cache
def _owner_changed_sql() -> str:
    """An owner of the plan whose account as it stood at the cutoff (its latest record before
    it) differs from the live row in what drift reads: they were renamed, left or came back."""
    from objectives.models import Objective

    q = connection.ops.quote_name
    table, user = q(User.history.model._meta.db_table), q(User._meta.db_table)
    date_, pk = q("history_date"), q("id")
    differs = " OR ".join(f"h.{q(f)} <> u.{q(f)}" for f in ACCOUNT_FIELDS)
    return (
        f"EXISTS (SELECT 1 FROM {table} h JOIN {user} u ON u.{pk} = h.{pk} "  # noqa: S608
        f"WHERE h.{date_} = (SELECT MAX(h2.{date_}) FROM {table} h2 "
        f"WHERE h2.{pk} = h.{pk} AND h2.{date_} < %s) AND ({differs}) AND h.{pk} IN "
        f"(SELECT {q('owner_id')} FROM {q(Objective._meta.db_table)} "
        f"WHERE {q('plan_id')} = %s))"
    )


@functools.cache
def _accounts_recorded_after_sql() -> str:
    """Any account with a record at or after the cutoff, on the index of the dates."""
    q = connection.ops.quote_name
    table = q(User.history.model._meta.db_table)
    return f"(SELECT MAX({q('history_date')}) FROM {table}) >= %s"  # noqa: S608


def recorded_after_condition(cutoff: datetime, *, plan=None) -> tuple[str, list]:
    """The SQL condition (and its parameters) of ``recorded_after``, for a read that asks it
    alongside its own rows (``tracking.live``).

    An owner's account as it stood at the cutoff can differ from the live row only when the
    account has a record at or after the cutoff (every account as it stands is its latest
    record); whether any account has is asked first, on the index of the dates, and the
    databases go no further when it is false, as on every read of today (comparing the owners'
    records took about 1 ms of a read on PostgreSQL at a national size)."""
    value = connection.ops.adapt_datetimefield_value(cutoff)
    sql, params = _recorded_after_sql().removeprefix("SELECT "), [value] * len(_tracked_models())
    if plan is not None:
        sql = f"{sql} OR ({_accounts_recorded_after_sql()} AND {_owner_changed_sql()})"
        params += [value, value, plan.pk]
    return sql, params


def recorded_after(cutoff: datetime, *, plan=None) -> bool:
    """Whether any plan history was recorded at or after ``cutoff`` (one query, on the index
    of each history table's dates). With ``plan``, also whether one of its owners' accounts as
    it stood at the cutoff differs from the live row (the account was renamed, left or came
    back since): then too the live rows are not the plan as it stood."""
    sql, params = recorded_after_condition(cutoff, plan=plan)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {sql}", params)
        return bool(cursor.fetchone()[0])


# --- what had been recorded by the end of a day --------------------------------------------------


@functools.cache
def _history_tables() -> tuple[str, ...]:
    """Every history table of the project (the plan's, the impact's, the board's, accounts')."""
    from django.apps import apps

    return tuple(
        sorted(
            model._meta.db_table
            for model in apps.get_models()
            if getattr(model, "instance_type", None) is not None
            and {"history_id", "history_date"} <= {f.name for f in model._meta.fields}
        )
    )


def recorded_mark(day: date) -> str:
    """A short fingerprint of everything recorded by the end of ``day`` (one query): the latest
    history id of each history table among the records dated by then. History is never edited,
    so the mark changes exactly when something dated on or before ``day`` is recorded (a
    backdated record included); for today or later, whenever anything is recorded."""
    q = connection.ops.quote_name
    cutoff = end_of_day(day)
    dated = cutoff <= timezone.now()
    where = f" WHERE {q('history_date')} < %s" if dated else ""
    parts = [
        f"(SELECT MAX({q('history_id')}) FROM {q(table)}{where})"  # noqa: S608 (model names)
        for table in _history_tables()
    ]
    params = [connection.ops.adapt_datetimefield_value(cutoff)] * len(parts) if dated else []
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        values = cursor.fetchone()
    text = f"{day.isoformat()}:" + ".".join(str(v or 0) for v in values)
    return hashlib.sha256(text.encode("ascii")).hexdigest()


# --- what an objective's page draws from the record ----------------------------------------------


def latest_record_sql(model, where: str | None = None) -> str:
    """A scalar subquery: the latest history id of ``model`` among its records matching
    ``where`` (SQL on its history table, with ``%s`` for parameters; all when None), for a
    mark. With ``where``, the id is read as ``history_id + 0``: the database then finds the
    few matching records by the index of their condition, rather than walking the history
    table's newest records back (all plans') until one matches."""
    q = connection.ops.quote_name
    table, hid = q(model.history.model._meta.db_table), q("history_id")
    if where is None:
        return f"(SELECT MAX({hid}) FROM {table})"  # noqa: S608 (model names)
    return f"(SELECT MAX({hid} + 0) FROM {table} WHERE {where})"  # noqa: S608 (model names)


def recorded_ids_sql(model, where: str) -> str:
    """A subquery: the ids of ``model``'s rows with a record matching ``where`` (SQL on its
    history table), for a mark of records that belong to them."""
    q = connection.ops.quote_name
    table = q(model.history.model._meta.db_table)
    return f"SELECT {q('id')} FROM {table} WHERE {where}"  # noqa: S608 (model names)


@functools.cache
def _objective_mark_sql() -> str:
    from milestones.models import Milestone, MilestoneDependency
    from objectives.models import Objective, Plan, ProgressUpdate, Theme

    q = connection.ops.quote_name
    pk, live_milestones = q("id"), q(Milestone._meta.db_table)
    links = q(MilestoneDependency.history.model._meta.db_table)
    own = f"SELECT {pk} FROM {live_milestones} WHERE {q('objective_id')} = %s"  # noqa: S608
    # The milestones its milestones ever waited for (a link names them and their objectives).
    waited = f"SELECT {q('depends_on_id')} FROM {links} WHERE {q('milestone_id')} IN ({own})"  # noqa: S608
    waited_objectives = (
        f"SELECT {q('objective_id')} FROM {live_milestones} WHERE {pk} IN ({waited})"  # noqa: S608
    )
    # One subquery for each condition (not one with OR), so each can use its index.
    marks = (
        latest_record_sql(Objective, f"{pk} = %s"),
        latest_record_sql(Objective, f"{pk} IN ({waited_objectives})"),
        latest_record_sql(Milestone, f"{q('objective_id')} = %s"),
        latest_record_sql(Milestone, f"{pk} IN ({waited})"),
        latest_record_sql(ProgressUpdate, f"{q('objective_id')} = %s"),
        latest_record_sql(MilestoneDependency, f"{q('milestone_id')} IN ({own})"),
        latest_record_sql(Theme, f"{q('plan_id')} = %s"),
        latest_record_sql(Plan, f"{pk} = %s"),
        latest_record_sql(User),
    )
    return "SELECT " + ", ".join(marks)


def plan_milestones_mark(plan_id: int) -> tuple[str, list]:
    """The latest record of any milestone of the plan (a scalar subquery for ``extra``): what
    the plan's likely finish is worked out from (tracking.forecasts)."""
    from milestones.models import Milestone
    from objectives.models import Objective

    q = connection.ops.quote_name
    plan = f"SELECT {q('id')} FROM {q(Objective._meta.db_table)} WHERE {q('plan_id')} = %s"  # noqa: S608
    return latest_record_sql(Milestone, f"{q('objective_id')} IN ({plan})"), [plan_id]


MARK_SIZE = 9  # the values of objective_mark before its extra ones


def objective_mark(objective, extra: list[tuple[str, list]] = ()) -> tuple:
    """A fingerprint of everything an objective's history, timeline and trend are drawn from
    (one query): the latest history id of the objective, of its milestones and progress updates
    and what its milestones wait for, of the milestones they waited for and their objectives
    (a link names them), of its plan and the plan's themes and of every account (a timeline
    names people); then the values of ``extra`` (scalar subqueries with their parameters: the
    marks of the page's panels). History is never edited, so the mark changes whenever one of
    them is recorded."""
    pk = objective.pk
    sql = _objective_mark_sql() + "".join(f", {part}" for part, _ in extra)
    params = [pk] * 6 + [objective.plan_id, objective.plan_id]
    params += [value for _, values in extra for value in values]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return tuple(value or 0 for value in cursor.fetchone())
