"""A plan's state today (or on a later day), read from the live rows rather than replayed.

The current rows are what history says at the end of today: every write goes through the
services, which record history and keep what the rules need (each milestone's ``replan_count``;
``manage.py check_history`` verifies it against history). Three queries whatever the size of
the plan: objectives with their theme's name, owner's account and latest progress update (and
whether history was recorded after the day, ``recorded_after``, and the plan's kept past days,
``pastdays.kept``), milestones, and what each milestone waits for; nothing for the plan's rules
(its own row). What the likely finish needs of the same rows (the kept days' generation, the
milestones finished by the day) comes back with the state, so it reads none of them again.
"""

from __future__ import annotations

import functools
import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Q

from milestones.models import Milestone, MilestoneDependency
from objectives import drift
from objectives.models import Objective, Plan, ProgressUpdate, Theme

from . import history_since, pastdays
from .dependencies import live_predecessors
from .history import RULE_FIELDS
from .history_accounts import Account

User = get_user_model()
WITHDRAWN = Objective.Status.WITHDRAWN
OBJECTIVE_COLUMNS = 14  # the objectives' read's own columns, before what is asked beside them


def recorded_after(plan: Plan, cutoff) -> bool:
    """Whether any plan history was recorded at or after ``cutoff`` (one query).

    Never, in service: nothing is recorded in the future. A clock set back (as tests do) can
    make it so; then the live rows are ahead of the day asked for, and history must be replayed.
    Of accounts, an owner whose account at the cutoff differs from the live row counts (the
    tests' people are made on the real date, after the days they are used on: those records
    alone do not).
    """
    return history_since.recorded_after(cutoff, plan=plan)


def rules(plan: Plan) -> drift.PlanRules:
    return drift.PlanRules(**{f: getattr(plan, f) for f in RULE_FIELDS})


def _day(value) -> date | None:
    """A date as a date: PostgreSQL gives dates; SQLite gives a subquery's as text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def _one_of_each():
    """A function giving one object for equal dates and names within a read: a plan's rows
    repeat their dates, themes, statuses and owners, and every object kept is one more to read
    back from the cache on each request (the whole plan's about a tenth quicker shared)."""
    seen: dict = {}

    def one(value):
        return value if value is None else seen.setdefault(value, value)

    return one


@functools.cache
def _sql() -> dict[str, str]:
    """The two reads of ``plan_state``, written once from the models' table and column names
    (never from a request). Plain SQL because this runs on every drift page straight after a
    write, where building and converting the same querysets each time cost more than the reads.
    """
    q = connection.ops.quote_name

    def t(model) -> str:
        return q(model._meta.db_table)

    def c(alias: str, model, *fields: str) -> str:
        return ", ".join(f"{alias}.{q(model._meta.get_field(f).column)}" for f in fields)

    ob, mi, pu, th, us, dep = Objective, Milestone, ProgressUpdate, Theme, User, MilestoneDependency
    fields = ("id", "ref", "title", "starts_on", "target_date", "status")
    account = (User.USERNAME_FIELD, "first_name", "last_name", "is_active")

    def latest(field: str) -> str:
        """A column of the objective's latest update reported by D (on the updates' index)."""
        return (
            f"(SELECT {c('p', pu, field)} FROM {t(pu)} p "  # noqa: S608
            f"WHERE {c('p', pu, 'objective')} = {c('o', ob, 'id')} "
            f"AND {c('p', pu, 'reported_on')} <= %s "
            f"ORDER BY {c('p', pu, 'reported_on')} DESC, {c('p', pu, 'id')} DESC LIMIT 1)"
        )

    # whether a milestone waits for anything: what it waits for is read only when one does
    waits = (
        f"EXISTS (SELECT 1 FROM {t(dep)} d WHERE {c('d', dep, 'milestone')} = "  # noqa: S608
        f"{c('m', mi, 'id')} AND {c('d', dep, 'removed_on')} IS NULL)"
    )
    not_withdrawn = f"({c('m', mi, 'withdrawn_on')} IS NULL OR {c('m', mi, 'withdrawn_on')} > %s)"
    # An objective's milestones as one JSON column (a read of a few objectives then takes one
    # round trip, not two): [id, title, baseline, due, completed, replans, waits], dates as text.
    items = f"{c('m', mi, 'id', 'title', 'baseline_date', 'due_date', 'completed_on')}, "
    items += f"{c('m', mi, 'replan_count')}, {waits}"
    if connection.vendor == "postgresql":
        aggregate = f"json_agg(json_build_array({items}))"
    else:
        aggregate = f"json_group_array(json_array({items}))"
    return {  # names from the models; values are always parameters
        "objectives": (
            f"SELECT {c('o', ob, *fields)}, {c('t', th, 'name')}, {c('o', ob, 'owner')}, "  # noqa: S608
            f"{c('u', us, *account)}, {latest('reported_on')}, {latest('rag')}"
        ),
        "milestones_json": (
            f"(SELECT {aggregate} FROM {t(mi)} m "  # noqa: S608
            f"WHERE {c('m', mi, 'objective')} = {c('o', ob, 'id')} AND {not_withdrawn})"
        ),
        "objectives_from": (
            f" FROM {t(ob)} o "  # noqa: S608
            f"LEFT JOIN {t(th)} t ON {c('t', th, 'id')} = {c('o', ob, 'theme')} "
            f"LEFT JOIN {t(us)} u ON {c('u', us, 'id')} = {c('o', ob, 'owner')} "
            f"WHERE {c('o', ob, 'plan')} = %s"
        ),
        "objectives_shown": f" AND {c('o', ob, 'status')} <> %s",
        "milestones": (
            f"SELECT {c('m', mi, 'id', 'objective', 'title', 'baseline_date')}, "  # noqa: S608
            f"{c('m', mi, 'due_date', 'completed_on', 'replan_count')}, {waits} FROM {t(mi)} m "
            f"JOIN {t(ob)} o ON {c('o', ob, 'id')} = {c('m', mi, 'objective')} "
            f"WHERE {c('o', ob, 'plan')} = %s AND {not_withdrawn}"
        ),
        "objective_in": f" AND {c('o', ob, 'id')} IN ",
    }


@dataclass(frozen=True)
class LiveState:
    """A plan's state read from the live rows, with what the same reads found for the likely
    finish (``tracking.forecasts``). Unpacks as ``rules, objectives``, like a replayed state."""

    rules: drift.PlanRules
    objectives: list[drift.ObjectiveState]
    kept: pastdays.Kept | None  # the plan's kept past days, asked in the objectives' read
    # (id, baseline date, completion date) of the milestones finished by the day and not
    # withdrawn by it, whatever their objective's status, by objective, of the objectives read
    # (withdrawn ones among ``objective_ids`` too); empty when none in the picture was read.
    finished_by_objective: dict[int, list[tuple[int, date, date]]] = field(default_factory=dict)
    whole: bool = False  # the whole plan was read

    @property
    def finished(self) -> list[tuple[int, date, date]] | None:
        """The same for the whole plan; None when only some objectives were read (or none were
        there to read)."""
        if not self.whole:
            return None
        return [item for items in self.finished_by_objective.values() for item in items]

    def __iter__(self):
        return iter((self.rules, self.objectives))


def plan_state(
    plan: Plan,
    as_of: date,
    *,
    objective_ids: list[int] | None = None,
    unless_recorded_after=None,
    kept: pastdays.Kept | None = None,
) -> LiveState | None:
    """The plan's rules and objectives (or only ``objective_ids``) as they stand now, for a day
    ``as_of`` that is today or later: three reads for the whole plan (objectives with their
    theme, owner's account and latest update, and the plan's kept past days; milestones; what
    they wait for, only when one of them waits for anything), and for some objectives their
    milestones in the first read (one round trip fewer straight after a write).

    With ``unless_recorded_after`` (a moment), None instead when ``recorded_after`` that moment:
    the objectives' read asks it too, so a page straight after a write waits for one round trip
    fewer (a plan with no objectives asks it on its own). ``kept``: the plan's kept past days
    as the caller read them (then not asked again)."""
    sql = _sql()
    only, only_params = "", []
    some = objective_ids is not None
    if some:
        if not objective_ids:
            return LiveState(rules(plan), [], None)
        only = sql["objective_in"] + "(" + ", ".join(["%s"] * len(objective_ids)) + ")"
        only_params = list(objective_ids)
    day = connection.ops.adapt_datefield_value(as_of)
    kept_columns, kept_params = ("", []) if kept is not None else pastdays.kept_columns(plan.pk)
    later, later_params = "", []
    if unless_recorded_after is not None:
        condition, later_params = history_since.recorded_after_condition(
            unless_recorded_after, plan=plan
        )
        later = f", ({condition})"
    # Some objectives: withdrawn ones too, for their finished milestones (the likely finish).
    shown, shown_params = ("", []) if some else (sql["objectives_shown"], [WITHDRAWN])
    with connection.cursor() as cursor:
        cursor.execute(
            sql["objectives"]
            + (", " + sql["milestones_json"] if some else "")
            + (", " + kept_columns if kept_columns else "")
            + later
            + sql["objectives_from"]
            + shown
            + only,
            [
                *(day, day, *([day] if some else []), *kept_params, *later_params),
                *(plan.pk, *shown_params, *only_params),
            ],
        )
        rows = cursor.fetchall()
        if unless_recorded_after is not None:
            if rows and rows[0][-1] or not rows and recorded_after(plan, unless_recorded_after):
                return None
            rows = [row[:-1] for row in rows]
        if not rows:
            return LiveState(rules(plan), [], None)
        if kept is None:
            kept = pastdays.kept_from(plan.pk, *rows[0][-3:])
        if some:
            milestone_rows = [
                (item[0], row[0], *item[1:])
                for row in rows
                for item in _milestones_json(row[OBJECTIVE_COLUMNS])
            ]
            rows = [row for row in rows if row[5] != WITHDRAWN]
        else:
            cursor.execute(sql["milestones"] + only, [plan.pk, day, *only_params])
            milestone_rows = cursor.fetchall()
    waiting = any(row[-1] for row in milestone_rows)
    waits_for = live_predecessors(plan, as_of, objective_ids) if waiting else {}
    milestones: dict[int, list[drift.MilestoneState]] = defaultdict(list)
    finished_by: dict[int, list[tuple[int, date, date]]] = defaultdict(list)
    one = _one_of_each()  # dates and text only: never mix in numbers (1 == True)
    for pk, objective_id, title, baseline, due, completed, replans, _ in milestone_rows:
        baseline, completed = one(_day(baseline)), one(_day(completed))
        milestones[objective_id].append(
            drift.MilestoneState(
                pk, title, baseline, one(_day(due)), completed, (), replans, waits_for.get(pk, ())
            )
        )
        if completed is not None and completed <= as_of:
            finished_by[objective_id].append((pk, baseline, completed))
    for states in milestones.values():
        states.sort(key=lambda m: (m.baseline_date, m.id))
    states = []
    for row in rows:
        pk, ref, title, starts_on, target_date, status, theme = row[:7]
        owner_id, username, first, last, active, last_reported_on, last_update_rag = row[7:14]
        owner = None
        if owner_id:
            owner = Account(one(username), one(f"{first} {last}".strip()), bool(active))
        states.append(
            drift.ObjectiveState(
                id=pk,
                ref=ref,
                title=title,
                starts_on=one(_day(starts_on)),
                target_date=one(_day(target_date)),
                status=one(status),
                theme=one(theme),
                owner_id=owner_id,
                owner_username=owner.username if owner else None,
                owner_name=owner.name if owner else None,
                owner_active=owner.is_active if owner else True,
                milestones=tuple(milestones.get(pk, ())),
                last_reported_on=one(_day(last_reported_on)),
                last_update_rag=one(last_update_rag),
            )
        )
    return LiveState(rules(plan), states, kept, finished_by, whole=objective_ids is None)


def _milestones_json(value) -> list:
    """An objective's milestones from its JSON column (text on SQLite, read already by psycopg
    on PostgreSQL; NULL there when it has none)."""
    if isinstance(value, str):
        value = json.loads(value)
    return value or []


def finished_by_objective(
    plan: Plan, as_of: date, objective_ids: list[int] | None = None
) -> dict[int, list[tuple[int, date, date]]]:
    """objective id -> ``(id, baseline date, completion date)`` of its milestones finished by
    ``as_of`` and not withdrawn by then, whatever the objective's status (the likely finish's
    reference class), for ``objective_ids`` (all the plan's when None): one query."""
    rows = Milestone.objects.filter(objective__plan=plan, completed_on__lte=as_of).filter(
        Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=as_of)
    )
    if objective_ids is not None:
        rows = rows.filter(objective_id__in=objective_ids)
    found: dict[int, list[tuple[int, date, date]]] = defaultdict(list)
    for objective_id, pk, baseline, completed in rows.values_list(
        "objective_id", "id", "baseline_date", "completed_on"
    ):
        found[objective_id].append((pk, baseline, completed))
    return found
