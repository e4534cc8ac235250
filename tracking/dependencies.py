"""What each milestone waits for at D: the predecessors ``objectives.drift`` works knock-on from.

A link counts at D when its last record by the end of D exists and it was not removed by D. Its
predecessor is taken as it stood at D (due date, completion, title, and its objective's ref);
one withdrawn by D, or in an objective withdrawn at D, is marked ``withdrawn`` (still linked,
no longer waited for). Today comes from the live rows in one query (``live_predecessors``); a
past day from history through ``tracking.history`` (``DependencyHistory``).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime

from milestones.models import Milestone, MilestoneDependency
from objectives import drift
from objectives.models import Objective

from . import history

WITHDRAWN = Objective.Status.WITHDRAWN
Predecessors = dict[int, tuple[drift.Predecessor, ...]]


def _sorted(found: dict[int, list[drift.Predecessor]]) -> Predecessors:
    return {pk: tuple(sorted(items, key=lambda p: p.id)) for pk, items in found.items()}


def live_predecessors(plan, as_of: date, objective_ids: list[int] | None = None) -> Predecessors:
    """milestone id -> what it waits for, from the live rows, for today or a later day: one
    query (the links in force of the plan's milestones, or only of ``objective_ids``')."""
    links = MilestoneDependency.objects.linked().filter(milestone__objective__plan_id=plan.pk)
    if objective_ids is not None:
        links = links.filter(milestone__objective_id__in=objective_ids)
    rows = links.values_list(
        "milestone_id",
        "depends_on_id",
        "depends_on__objective__ref",
        "depends_on__title",
        "depends_on__due_date",
        "depends_on__completed_on",
        "depends_on__withdrawn_on",
        "depends_on__objective__status",
    )
    found: dict[int, list[drift.Predecessor]] = defaultdict(list)
    for milestone_id, pk, ref, title, due, completed, withdrawn_on, status in rows:
        withdrawn = (withdrawn_on is not None and withdrawn_on <= as_of) or status == WITHDRAWN
        found[milestone_id].append(drift.Predecessor(pk, ref, title, due, completed, withdrawn))
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
