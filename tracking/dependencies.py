"""What each milestone waits for at D: the predecessors ``objectives.drift`` works knock-on from.

A link counts at D when its last record by the end of D exists and it was not removed by D. Its
predecessor is taken as it stood at D (due date, completion, title, and its objective's ref);
one withdrawn by D, or in an objective withdrawn at D, is marked ``withdrawn`` (still linked,
no longer waited for). Today comes from the live rows in one query (``live_predecessors``); a
past day from history through ``tracking.history`` (``DependencyHistory``).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from datetime import date, datetime

from django.db import connection

from milestones.models import Milestone, MilestoneDependency
from objectives import drift
from objectives.models import Objective

from . import history

WITHDRAWN = Objective.Status.WITHDRAWN
Predecessors = dict[int, tuple[drift.Predecessor, ...]]


def _sorted(found: dict[int, list[drift.Predecessor]]) -> Predecessors:
    return {pk: tuple(sorted(items, key=lambda p: p.id)) for pk, items in found.items()}


@functools.cache
def _live_sql() -> tuple[str, str]:
    """``live_predecessors``' read (and its filter by objectives), written once from the
    models' table and column names. Plain SQL: it runs on every drift page straight after a
    write, where building the query cost more than running it."""
    q = connection.ops.quote_name

    def c(alias: str, model, field: str) -> str:
        return f"{alias}.{q(model._meta.get_field(field).column)}"

    def t(model) -> str:
        return q(model._meta.db_table)

    dep, mi, ob = MilestoneDependency, Milestone, Objective
    return (
        f"SELECT {c('d', dep, 'milestone')}, {c('p', mi, 'id')}, {c('po', ob, 'ref')}, "  # noqa: S608
        f"{c('p', mi, 'title')}, {c('p', mi, 'due_date')}, {c('p', mi, 'completed_on')}, "
        f"{c('p', mi, 'withdrawn_on')}, {c('po', ob, 'status')} "
        f"FROM {t(dep)} d "
        f"JOIN {t(mi)} m ON {c('m', mi, 'id')} = {c('d', dep, 'milestone')} "
        f"JOIN {t(ob)} o ON {c('o', ob, 'id')} = {c('m', mi, 'objective')} "
        f"JOIN {t(mi)} p ON {c('p', mi, 'id')} = {c('d', dep, 'depends_on')} "
        f"JOIN {t(ob)} po ON {c('po', ob, 'id')} = {c('p', mi, 'objective')} "
        f"WHERE {c('d', dep, 'removed_on')} IS NULL AND {c('o', ob, 'plan')} = %s"
    ), f" AND {c('m', mi, 'objective')} IN "


def _day(value) -> date | None:
    """A date as a date: SQLite gives a raw read's dates as text."""
    return date.fromisoformat(value) if isinstance(value, str) else value


def live_predecessors(plan, as_of: date, objective_ids: list[int] | None = None) -> Predecessors:
    """milestone id -> what it waits for, from the live rows, for today or a later day: one
    query (the links in force of the plan's milestones, or only of ``objective_ids``')."""
    sql, only = _live_sql()
    params = [plan.pk]
    if objective_ids is not None:
        if not objective_ids:
            return {}
        sql += only + "(" + ", ".join(["%s"] * len(objective_ids)) + ")"
        params += list(objective_ids)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    found: dict[int, list[drift.Predecessor]] = defaultdict(list)
    for milestone_id, pk, ref, title, due, completed, withdrawn_on, status in rows:
        withdrawn_on = _day(withdrawn_on)
        withdrawn = (withdrawn_on is not None and withdrawn_on <= as_of) or status == WITHDRAWN
        found[milestone_id].append(
            drift.Predecessor(pk, ref, title, _day(due), _day(completed), withdrawn)
        )
    return _sorted(found)


class DependencyHistory:
    """The links of some objectives' milestones up to a cutoff, with their predecessors'
    records (read once: one query for the links, and one each for predecessors and their
    objectives that the caller has not read already)."""

    def __init__(
        self,
        cutoff: datetime,
        *,
        dated: bool,
        objective_ids,
        milestones: dict[int, history.Row],
        objectives: dict[int, history.Row],
    ):
        self.cutoff = cutoff
        self.links = history.by_row(
            history.records(
                MilestoneDependency,
                "milestone_id",
                "depends_on_id",
                "removed_on",
                filter={"milestone__objective_id__in": objective_ids},
                until=cutoff,
                dated=dated,
            )
        )
        wanted = {r["depends_on_id"] for row in self.links.values() for r in row.records}
        self.milestones = dict(milestones)
        missing = sorted(wanted - set(milestones))
        if missing:
            self.milestones.update(
                history.by_row(
                    history.records(
                        Milestone,
                        "objective_id",
                        "title",
                        "due_date",
                        "completed_on",
                        "withdrawn_on",
                        filter={"id__in": missing},
                        until=cutoff,
                        dated=dated,
                    )
                )
            )
        owners = {
            r["objective_id"]
            for pk in wanted
            if pk in self.milestones
            for r in self.milestones[pk].records
        }
        self.objectives = dict(objectives)
        missing = sorted(owners - set(objectives))
        if missing:
            self.objectives.update(
                history.by_row(
                    history.records(
                        Objective,
                        "ref",
                        "status",
                        filter={"id__in": missing},
                        until=cutoff,
                        dated=dated,
                    )
                )
            )

    def _at(self, rows: dict[int, history.Row], pk: int, moment) -> dict | None:
        row = rows.get(pk)
        record = row.at(moment) if row is not None else None
        if record is None or record["history_type"] == history.DELETED:
            return None
        return record

    def predecessors_at(self, as_of: date) -> Predecessors:
        """milestone id -> what it waited for at the end of ``as_of``."""
        cutoff = history.end_of_day(as_of)
        if cutoff > self.cutoff:
            raise ValueError(f"These links were read up to {self.cutoff}, not for {as_of}.")
        moment = None if cutoff == self.cutoff else cutoff
        found: dict[int, list[drift.Predecessor]] = defaultdict(list)
        for pk in self.links:
            link = self._at(self.links, pk, moment)
            if link is None or (link["removed_on"] is not None and link["removed_on"] <= as_of):
                continue
            p = self._at(self.milestones, link["depends_on_id"], moment)
            objective = self._at(self.objectives, p["objective_id"], moment) if p else None
            if p is None or objective is None:
                continue  # not yet recorded at D: not in the picture
            withdrawn = (p["withdrawn_on"] is not None and p["withdrawn_on"] <= as_of) or objective[
                "status"
            ] == WITHDRAWN
            found[link["milestone_id"]].append(
                drift.Predecessor(
                    p["id"],
                    objective["ref"],
                    p["title"],
                    p["due_date"],
                    p["completed_on"],
                    withdrawn,
                )
            )
        return _sorted(found)
