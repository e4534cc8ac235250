"""Whether anything was recorded after a moment: whether today's live rows are still the plan
as it stood then (part of the one reader of the past, ``tracking.history``).
"""

from __future__ import annotations

import functools
from datetime import datetime

from django.contrib.auth import get_user_model
from django.db import connection

from .history_accounts import ACCOUNT_FIELDS

User = get_user_model()


def _tracked_models():
    from milestones.models import Milestone
    from objectives.models import Objective, Plan, ProgressUpdate, Theme

    return (Plan, Theme, Objective, Milestone, ProgressUpdate)


@functools.cache
def _recorded_after_sql() -> str:
    # Table and column names come from the models, never from a request.
    q = connection.ops.quote_name
    tests = [
        f"EXISTS (SELECT 1 FROM {q(model.history.model._meta.db_table)} "  # noqa: S608
        f"WHERE {q('history_date')} >= %s)"
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


def recorded_after(cutoff: datetime, *, plan=None) -> bool:
    """Whether any plan history was recorded at or after ``cutoff`` (one query, on the index
    of each history table's dates). With ``plan``, also whether one of its owners' accounts as
    it stood at the cutoff differs from the live row (the account was renamed, left or came
    back since): then too the live rows are not the plan as it stood."""
    value = connection.ops.adapt_datetimefield_value(cutoff)
    sql, params = _recorded_after_sql(), [value] * len(_tracked_models())
    if plan is not None:
        sql = f"{sql} OR {_owner_changed_sql()}"
        params += [value, plan.pk]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return bool(cursor.fetchone()[0])
