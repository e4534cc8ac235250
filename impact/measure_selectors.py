"""Reads for measures and their values as recorded at the end of a day D, with each
measure's status then.

Each read runs a fixed number of queries whatever the size of the plan: one per history table
it needs.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from objectives.models import Objective, Plan
from tracking import history

from . import measure_rules
from .measure_rules import MeasureSpec, MeasureStatus, Reading
from .models import MEASURE_FIELDS, Measure, MeasureValue
from .selectors import stale_after_days_at

# --- measures -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class ValueRow:
    period_end: date
    value: Decimal
    expected: Fraction
    note: str
    id: int = field(default=0, compare=False)


def value_counts_at(value: dict, as_of: date) -> bool:
    """A measure value as it stood at the end of ``as_of`` (its history record then, so with
    any correction made by then) counts when its period has ended and it was not withdrawn by
    then."""
    withdrawn_on = value.get("withdrawn_on")
    return value["period_end"] <= as_of and (withdrawn_on is None or withdrawn_on > as_of)


@dataclass(frozen=True)
class MeasureAt:
    """A measure and its values as recorded at the end of D, with its status at D."""

    id: int
    objective_id: int
    name: str
    unit: str
    direction: str
    baseline_value: Decimal
    baseline_on: date
    target_value: Decimal
    target_on: date
    values: tuple[ValueRow, ...]
    result: MeasureStatus
    as_of: date = field(compare=False)

    @property
    def spec(self) -> MeasureSpec:
        return MeasureSpec(
            self.direction, self.baseline_value, self.baseline_on, self.target_value, self.target_on
        )

    @property
    def status(self) -> str:
        return self.result.status

    @property
    def status_label(self) -> str:
        return self.result.label

    @property
    def latest(self) -> Reading | None:
        return self.result.latest

    @property
    def direction_label(self) -> str:
        return Measure.Direction(self.direction).label

    @property
    def expected_now(self) -> Fraction:
        return measure_rules.trajectory(self.spec, self.as_of)


def plan_measures(
    plan: Plan,
    as_of: date,
    *,
    objective_id: int | None = None,
    objective_ids: list[int] | None = None,
    stale_after_days: int | None = None,
    plan_marks: dict | None = None,
) -> dict[int, list[MeasureAt]]:
    """objective id -> its measures at the end of ``as_of`` (two queries, one when there are no
    measures, and one more for the plan's ``stale_after_days`` at D unless the caller knows it
    from the plan's drift)."""
    measure_rows = {"objective__plan_id": plan.pk}
    value_rows = {"measure__objective__plan_id": plan.pk}
    if objective_id is not None:
        measure_rows["objective_id"] = objective_id
        value_rows["measure__objective_id"] = objective_id
    if objective_ids is not None:
        measure_rows["objective_id__in"] = objective_ids
        value_rows["measure__objective_id__in"] = objective_ids
    measures = history.rows_at(
        Measure,
        as_of,
        "objective_id",
        *MEASURE_FIELDS,
        filter=measure_rows,
        plan_marks=plan_marks,
    )
    if not measures:  # nothing measured yet: no values to read
        return {}
    values = history.rows_at(
        MeasureValue,
        as_of,
        "measure_id",
        "period_end",
        "value",
        "note",
        "withdrawn_on",
        filter=value_rows,
        plan_marks=plan_marks,
    )
    readings: dict[int, list[dict]] = defaultdict(list)
    for value in values.values():
        if value_counts_at(value, as_of):
            readings[value["measure_id"]].append(value)
    stale_days = (
        stale_after_days if stale_after_days is not None else stale_after_days_at(plan, as_of)
    )
    result: dict[int, list[MeasureAt]] = defaultdict(list)
    for pk, m in measures.items():
        spec = MeasureSpec(
            m["direction"], m["baseline_value"], m["baseline_on"], m["target_value"], m["target_on"]
        )
        rows = sorted(readings[pk], key=lambda v: v["period_end"])
        status = measure_rules.measure_status(
            spec,
            [Reading(v["period_end"], v["value"]) for v in rows],
            as_of,
            stale_after_days=stale_days,
        )
        result[m["objective_id"]].append(
            MeasureAt(
                id=pk,
                objective_id=m["objective_id"],
                name=m["name"],
                unit=m["unit"],
                direction=m["direction"],
                baseline_value=m["baseline_value"],
                baseline_on=m["baseline_on"],
                target_value=m["target_value"],
                target_on=m["target_on"],
                values=tuple(
                    ValueRow(
                        v["period_end"],
                        v["value"],
                        measure_rules.trajectory(spec, v["period_end"]),
                        v["note"],
                        v["id"],
                    )
                    for v in rows
                ),
                result=status,
                as_of=as_of,
            )
        )
    for items in result.values():
        items.sort(key=lambda m: (m.name.lower(), m.id))
    return dict(result)


def objective_measures(
    objective: Objective, as_of: date, *, stale_after_days: int | None = None
) -> list[MeasureAt]:
    return plan_measures(
        objective.plan, as_of, objective_id=objective.pk, stale_after_days=stale_after_days
    ).get(objective.pk, [])


def measure_json(m: MeasureAt) -> dict:
    latest = m.latest
    return {
        "id": m.id,
        "name": m.name,
        "unit": m.unit,
        "direction": m.direction,
        "baseline": {"value": float(m.baseline_value), "date": m.baseline_on.isoformat()},
        "target": {"value": float(m.target_value), "date": m.target_on.isoformat()},
        "latest": (
            {"value": float(latest.value), "date": latest.period_end.isoformat()}
            if latest
            else None
        ),
        "status": m.status,
    }


def measures_json(
    plan: Plan,
    as_of: date,
    *,
    stale_after_days: int | None = None,
    objective_ids=None,
    plan_marks=None,
) -> dict:
    """``{objective id: [its measures as JSON]}`` for the drift API (one read for the plan, or
    for ``objective_ids``). With ``plan_marks`` the whole plan's measures are read, as the
    dashboard reads them, and kept under the marks: any objective's are then found kept."""
    measures = plan_measures(
        plan,
        as_of,
        stale_after_days=stale_after_days,
        objective_ids=None if plan_marks else objective_ids,
        plan_marks=plan_marks,
    )
    wanted = set(objective_ids) if objective_ids is not None else set(measures)
    return {pk: [measure_json(m) for m in items] for pk, items in measures.items() if pk in wanted}
