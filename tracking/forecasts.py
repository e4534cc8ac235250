"""The likely finish as of D: the reference class read from the plan's record, applied to the
open milestones of the drift picture (``objectives.forecast`` holds the rules).

The reference class is every milestone of the plan as it stood at the end of D (withdrawn by D
left out), with the day it was first recorded. Today (and later days) it is the live rows, with
each milestone's first recorded day kept once read; a past day is one read of the milestones'
history through ``tracking.history``, worked out once and kept in Django's cache under the
plan's generation (``tracking.pastdays``), so every surface gives the same answer for the same D.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from django.core.cache import cache
from django.utils import timezone

from milestones.models import Milestone
from objectives import forecast
from objectives.drift import COMPLETE, ObjectiveDrift
from objectives.forecast import Forecast, Likely, MilestoneRecord
from objectives.models import Plan

from . import history, live, pastdays
from .replay import PlanDrift

KIND = "forecast"
FIRST_DAYS = "first-days"


# --- reading the record ------------------------------------------------------------------------


def plan_milestone_records(plan: Plan, until=None) -> dict[int, history.Row]:
    """Every record of the plan's milestones dated before ``until`` (all when None), by
    milestone, with their dates: one query."""
    return history.by_row(
        history.records(
            Milestone,
            "baseline_date",
            "due_date",
            "completed_on",
            "withdrawn_on",
            filter={"objective__plan_id": plan.pk},
            until=until,
        )
    )


def milestones_from(grouped: dict[int, history.Row], as_of: date) -> list[MilestoneRecord]:
    """The milestones as they stood at the end of ``as_of`` from records already read (up to
    that day or later), each with the local day it was first recorded."""
    cutoff = history.end_of_day(as_of)
    result = []
    for row in grouped.values():
        last = row.at(cutoff)
        if last is None or last["history_type"] == history.DELETED:
            continue
        if last["withdrawn_on"] is not None and last["withdrawn_on"] <= as_of:
            continue
        result.append(
            MilestoneRecord(
                history.local_day(row.records[0]["history_date"]),
                last["baseline_date"],
                last["completed_on"],
            )
        )
    return result


def _first_days(plan: Plan, ids: list[int], kept: pastdays.Kept | None = None) -> dict[int, date]:
    """Each milestone's first recorded day, kept in Django's cache under the plan's generation
    (a row's first record never changes; the generation keeps a cache that outlived its database
    from answering for another's rows): one query for the generation unless ``kept`` (the
    plan's kept days as the page read them) is given, one more for milestones not kept yet."""
    kept = kept or pastdays.kept(plan.pk)
    key = f"{pastdays.PREFIX}:{FIRST_DAYS}:{plan.pk}:{kept.generation}"
    known = cache.get(key) or {}
    missing = [pk for pk in ids if pk not in known]
    if missing:
        known = {**known, **history.first_recorded_days(Milestone, missing)}
        cache.set(key, known, timeout=pastdays.TIMEOUT)
    return known


def _finished(plan: Plan, as_of: date) -> list[tuple[int, date, date]]:
    """(id, baseline date, completion date) of the plan's milestones finished by ``as_of`` and
    not withdrawn by then, from the live rows: one query."""
    return [item for items in live.finished_by_objective(plan, as_of).values() for item in items]


def records_by_objective(
    plan: Plan, finished: dict[int, list[tuple[int, date, date]]], kept: pastdays.Kept | None
) -> dict[int, tuple[MilestoneRecord, ...]]:
    """The reference class's records of finished milestones ``(id, baseline, completed)`` by
    objective, each with the day it was first recorded (kept once read)."""
    first = _first_days(plan, [pk for items in finished.values() for pk, _, _ in items], kept)
    return {
        objective_id: tuple(
            MilestoneRecord(first[pk], baseline, completed)
            for pk, baseline, completed in items
            if pk in first
        )
        for objective_id, items in finished.items()
    }


def _live_milestones(plan: Plan, finished, kept: pastdays.Kept | None) -> list[MilestoneRecord]:
    """The finished milestones ``(id, baseline, completed)``, each with the day it was first
    recorded."""
    return list(records_by_objective(plan, {0: finished}, kept).get(0, ()))


def reference_class(plan: Plan, as_of: date, read: PlanDrift | None = None) -> Forecast:
    """The plan's reference class at the end of ``as_of``: today and later from the live rows
    (unless history was recorded after that day, which only a clock set back does); a past day
    kept, or read from history once.

    ``read`` is the page's drift of the plan that day (``tracking.selectors``): what its read
    already found (whether the live rows stand for the day, the kept days' generation, the
    finished milestones) is not read again."""
    if read is not None and (read.plan.pk != plan.pk or read.as_of != as_of):
        read = None
    kept = read.kept if read is not None else None
    cutoff = history.end_of_day(as_of)
    if as_of >= timezone.localdate():
        if read is not None and read.live and read.reference is not None:
            return read.reference
        if (read is not None and read.live) or not live.recorded_after(plan, cutoff):
            finished = read.finished if read is not None else None
            if finished is None:
                finished = _finished(plan, as_of)
            found = _live_milestones(plan, finished, kept)
        else:
            found = milestones_from(plan_milestone_records(plan, cutoff), as_of)
        return forecast.reference_class(found, as_of)
    kept = kept or pastdays.kept(plan.pk)
    found = kept.get_many(KIND, [as_of]).get(as_of)
    if found is None:
        kept.note_day(as_of)
        found = forecast.reference_class(
            milestones_from(plan_milestone_records(plan, cutoff), as_of), as_of
        )
        kept.set_many(KIND, {as_of: found})
    return found


# --- applying it to the drift picture ----------------------------------------------------------


@dataclass(frozen=True)
class _Figures:
    """The forecast's figures at D, and whether there are enough finished milestones for one."""

    as_of: date
    stats: Forecast

    @property
    def enough(self) -> bool:
        return self.stats.enough

    @property
    def not_enough(self) -> str:
        return forecast.NOT_ENOUGH


@dataclass(frozen=True)
class PlanForecast(_Figures):
    """The likely finish of each open milestone and objective at D (empty without a
    forecast), and the objectives likely to finish after their target."""

    milestones: dict[int, Likely] = field(default_factory=dict)
    objectives: dict[int, Likely] = field(default_factory=dict)
    late: list[tuple[ObjectiveDrift, Likely]] = field(default_factory=list)

    def json(self) -> dict:
        return {
            "class_size": self.stats.class_size,
            "r50": forecast.ratio(self.stats.r50),
            "r80": forecast.ratio(self.stats.r80),
        }


def apply(stats: Forecast, rows: Iterable[ObjectiveDrift], as_of: date) -> PlanForecast:
    """Each open milestone's likely finish, each objective's (the latest of its open
    milestones'), and the objectives not complete whose likely finish is after their target,
    in the order given."""
    milestones: dict[int, Likely] = {}
    objectives: dict[int, Likely] = {}
    late = []
    if stats.enough:
        by_due: dict[date, Likely] = {}  # milestones due the same day finish alike
        for row in rows:
            mine = {}
            for m in row.milestones:  # the open ones (read through their states: quicker)
                if m.complete:
                    continue
                due = m.state.due_date
                found = by_due.get(due)
                if found is None:
                    found = by_due[due] = stats.likely(due, as_of)
                mine[m.state.id] = found
            if not mine:
                continue
            milestones.update(mine)
            likely = forecast.latest(mine.values())
            objectives[row.id] = likely
            if row.rag != COMPLETE and likely.finish > row.state.target_date:
                late.append((row, likely))
    return PlanForecast(as_of, stats, milestones, objectives, late)


def plan_forecast(
    plan: Plan, as_of: date, rows: Sequence[ObjectiveDrift], *, read: PlanDrift | None = None
) -> PlanForecast:
    """The likely finish at the end of ``as_of`` of ``rows`` (the plan's drift that day, or
    some of it), from the plan's whole reference class. ``read`` is the drift the rows came
    from, whose reads the reference class uses rather than reading them again."""
    return apply(reference_class(plan, as_of, read), rows, as_of)


def late_by_objective(stats: Forecast, rows: Sequence[ObjectiveDrift], as_of: date) -> dict:
    """The likely finish of each of ``rows`` likely to finish after its target, by id, in the
    order given."""
    return {row.id: likely for row, likely in apply(stats, rows, as_of).late}


@dataclass(frozen=True)
class LikelyLate(_Figures):
    """The objectives likely to finish after their target, with the forecast's figures: what a
    page listing only those shows of ``PlanForecast``."""

    late: list[tuple[ObjectiveDrift, Likely]]


def likely_late(
    plan: Plan, as_of: date, rows: Sequence[ObjectiveDrift], *, read: PlanDrift | None = None
) -> LikelyLate:
    """The objectives of ``rows`` likely to finish after their target at the end of ``as_of``,
    in their order. When ``rows`` are the whole of ``read`` and its read worked them out
    (``tracking.today``, kept with the plan's entries), taken from there."""
    if (
        read is not None
        and read.late is not None
        and rows is read.objectives
        and (read.plan.pk, read.as_of) == (plan.pk, as_of)
    ):
        late = read.late
        return LikelyLate(as_of, read.reference, [(r, late[r.id]) for r in rows if r.id in late])
    whole = plan_forecast(plan, as_of, rows, read=read)
    return LikelyLate(as_of, whole.stats, whole.late)


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def add_to_json(objectives: list[dict], likely: PlanForecast) -> None:
    """Give each objective and milestone of ``/api/drift/`` its ``likely_finish`` and
    ``likely_finish_80`` (YYYY-MM-DD, or null when complete or without a forecast)."""
    for item in objectives:
        for milestone in item["milestones"]:
            found = likely.milestones.get(milestone["id"])
            milestone["likely_finish"] = _iso(found and found.finish)
            milestone["likely_finish_80"] = _iso(found and found.finish_80)
        found = likely.objectives.get(item["id"])
        item["likely_finish"] = _iso(found and found.finish)
        item["likely_finish_80"] = _iso(found and found.finish_80)
