"""Reads for findings, measures and evidence, as recorded in history at the end of a day D.

Each read runs a fixed number of queries whatever the size of the plan: one per history table
it needs (plus the plan's drift, read by ``tracking.selectors.plan_drift``).
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.db.models import Count, Q
from django.utils import timezone

from kit.formatting import number  # noqa: F401 (the views and charts read it here)
from objectives.models import Objective, Plan
from tracking import history
from tracking import selectors as objective_selectors

from . import measure_rules
from .measure_rules import MeasureSpec, MeasureStatus, Reading
from .models import Evidence, Finding, Measure, MeasureValue, ObjectiveFinding

UNANSWERED = "unanswered"
WITHDRAWN = Objective.Status.WITHDRAWN
RAG_ORDER = ("red", "amber", "green", "complete")
FINDING_STATUS_LABELS = {
    UNANSWERED: "Nothing answers it",
    "red": "Red",
    "amber": "Amber",
    "green": "Green",
    "complete": "Complete",
}


def natural_key(ref: str) -> tuple:
    """Order refs as a person reads them: "F2" before "F10"."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.findall(r"\d+|\D+", ref or "")
    )


def stale_after_days_at(plan: Plan, as_of: date) -> int:
    """The plan's ``stale_after_days`` as it stood at the end of ``as_of`` (its first value
    when the plan had no record yet)."""
    return history.plan_rules_at(plan, as_of).stale_after_days


# --- findings -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class AnsweringObjective:
    id: int
    ref: str
    title: str
    rag: str
    owner_name: str | None


@dataclass(frozen=True)
class FindingRow:
    id: int
    ref: str
    source: str
    text: str
    objectives: tuple[AnsweringObjective, ...]
    status: str

    @property
    def status_label(self) -> str:
        return FINDING_STATUS_LABELS[self.status]

    @property
    def answered(self) -> bool:
        return self.status != UNANSWERED


def finding_status(rags: list[str]) -> str:
    """The worst RAG of the objectives answering a finding; complete when all are."""
    if not rags:
        return UNANSWERED
    return min(rags, key=RAG_ORDER.index)


def findings_register(plan: Plan, as_of: date, *, drift=None) -> list[FindingRow]:
    """Each finding of ``plan`` at the end of ``as_of``, with the objectives answering it then
    and its status; findings that nothing answers first, then by ref."""
    findings = history.rows_at(Finding, as_of, "ref", "source", "text", filter={"plan_id": plan.pk})
    links = history.rows_at(
        ObjectiveFinding,
        as_of,
        "objective_id",
        "finding_id",
        filter={"finding__plan_id": plan.pk},
    )
    drift = drift or objective_selectors.plan_drift(plan, as_of)
    by_objective = {row.id: row for row in drift.objectives}
    answering: dict[int, list[AnsweringObjective]] = defaultdict(list)
    for link in links.values():
        row = by_objective.get(link["objective_id"])
        if row is None or row.state.status == WITHDRAWN:  # not in the plan's picture at D
            continue
        state = row.state
        answering[link["finding_id"]].append(
            AnsweringObjective(row.id, state.ref, state.title, row.rag, state.owner_name)
        )
    result = []
    for pk, finding in findings.items():
        objectives = tuple(sorted(answering[pk], key=lambda o: natural_key(o.ref)))
        result.append(
            FindingRow(
                id=pk,
                ref=finding["ref"],
                source=finding["source"],
                text=finding["text"],
                objectives=objectives,
                status=finding_status([o.rag for o in objectives]),
            )
        )
    result.sort(key=lambda f: (f.answered, natural_key(f.ref), f.id))
    return result


def findings_summary(rows: list[FindingRow]) -> dict[str, int]:
    counts = dict.fromkeys((UNANSWERED, *RAG_ORDER), 0)
    for row in rows:
        counts[row.status] += 1
    return counts


def findings_for_objective(objective: Objective, as_of: date) -> list[dict]:
    """The findings ``objective`` answered at the end of ``as_of`` (ref, source, text)."""
    links = history.rows_at(
        ObjectiveFinding, as_of, "finding_id", filter={"objective_id": objective.pk}
    )
    ids = {link["finding_id"] for link in links.values()}
    findings = history.rows_at(Finding, as_of, "ref", "source", "text", filter={"id__in": ids})
    return sorted(findings.values(), key=lambda f: natural_key(f["ref"]))


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
    stale_after_days: int | None = None,
) -> dict[int, list[MeasureAt]]:
    """objective id -> its measures at the end of ``as_of`` (two queries, one when there are no
    measures, and one more for the plan's ``stale_after_days`` at D unless the caller knows it
    from the plan's drift)."""
    measure_rows = {"objective__plan_id": plan.pk}
    value_rows = {"measure__objective__plan_id": plan.pk}
    if objective_id is not None:
        measure_rows["objective_id"] = objective_id
        value_rows["measure__objective_id"] = objective_id
    measures = history.rows_at(
        Measure,
        as_of,
        "objective_id",
        "name",
        "unit",
        "direction",
        "baseline_value",
        "baseline_on",
        "target_value",
        "target_on",
        filter=measure_rows,
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


def measures_json(plan: Plan, as_of: date, *, stale_after_days: int | None = None) -> dict:
    """``{objective id: [its measures as JSON]}`` for the drift API (one read for the plan)."""
    measures = plan_measures(plan, as_of, stale_after_days=stale_after_days)
    return {pk: [measure_json(m) for m in items] for pk, items in measures.items()}


# --- the dashboard ------------------------------------------------------------------------------


@dataclass(frozen=True)
class ImpactRow:
    id: int
    ref: str
    title: str
    rag: str
    impact: str | None  # worst measure status, None when it has no measures
    measures: int

    @property
    def impact_label(self) -> str:
        return measure_rules.LABELS[self.impact] if self.impact else "No measures"


@dataclass(frozen=True)
class DashboardImpact:
    counts: dict[str, int]
    total: int
    rows: list[ImpactRow]
    findings: dict[str, int]
    findings_total: int


def dashboard_impact(plan: Plan, as_of: date, *, drift=None, measures=None) -> DashboardImpact:
    """Measures by status, and delivery beside impact for each objective that has measures.
    Pass the plan's drift at D when the caller has it (four queries then), and its measures from
    ``plan_measures`` when it has them too (two fewer)."""
    drift = drift or objective_selectors.plan_drift(plan, as_of)
    if measures is None:
        measures = plan_measures(plan, as_of, stale_after_days=drift.rules.stale_after_days)
    rows = []
    statuses = []
    for row in drift.objectives:  # already in the contract's order
        if row.state.status == WITHDRAWN:
            continue
        items = measures.get(row.id, [])
        statuses.extend(m.status for m in items)
        if items:
            rows.append(
                ImpactRow(
                    row.id,
                    row.state.ref,
                    row.state.title,
                    row.rag,
                    measure_rules.worst(m.status for m in items),
                    len(items),
                )
            )
    findings = findings_register(plan, as_of, drift=drift)
    return DashboardImpact(
        counts=measure_rules.count_statuses(statuses),
        total=len(statuses),
        rows=rows,
        findings=findings_summary(findings),
        findings_total=len(findings),
    )


# --- evidence -----------------------------------------------------------------------------------


def evidence_for_objective(objective: Objective, as_of: date | None = None) -> dict:
    """The objective's evidence (on itself, its updates and milestones) added by ``as_of``:
    current items, withdrawn items, and counts."""
    as_of = as_of or timezone.localdate()
    items = list(
        Evidence.objects.filter(objective=objective, added_on__lte=as_of)
        .select_related("added_by", "milestone", "progress_update")
        .order_by("-added_on", "-id")
    )
    current = [e for e in items if e.withdrawn_on is None or e.withdrawn_on > as_of]
    withdrawn = [e for e in items if e not in current]
    return {
        "current": current,
        "withdrawn": withdrawn,
        "count": len(current),
        "files": sum(1 for e in current if e.kind == Evidence.Kind.FILE),
        "links": sum(1 for e in current if e.kind == Evidence.Kind.LINK),
    }


# --- the dashboard's rows and the board pack ----------------------------------------------------


def impact_words(measures: list[MeasureAt]) -> str:
    """An objective's measures by status in words: "2 on track, 1 behind", or "No measures"."""
    if not measures:
        return "No measures"
    counts = measure_rules.count_statuses(m.status for m in measures)
    return ", ".join(
        f"{counts[s]} {measure_rules.LABELS[s].lower()}"
        for s in measure_rules.STATUSES
        if counts[s]
    )


def impact_by_objective(plan: Plan, as_of: date, *, drift=None, measures=None) -> dict[int, str]:
    """objective id -> its measures by status in words at the end of ``as_of`` (two queries for
    the whole plan, none when ``measures`` from ``plan_measures`` are given)."""
    if measures is None:
        stale = drift.rules.stale_after_days if drift is not None else None
        measures = plan_measures(plan, as_of, stale_after_days=stale)
    return {pk: impact_words(items) for pk, items in measures.items()}


def evidence_counts(plan: Plan, as_of: date) -> dict[int, int]:
    """objective id -> how many evidence items it had at the end of ``as_of``, leaving out
    those withdrawn by then (one query for the plan)."""
    rows = (
        Evidence.objects.filter(objective__plan_id=plan.pk, added_on__lte=as_of)
        .filter(Q(withdrawn_on__isnull=True) | Q(withdrawn_on__gt=as_of))
        .values("objective_id")
        .annotate(n=Count("id"))
        .values_list("objective_id", "n")
    )
    return dict(rows)


@dataclass(frozen=True)
class PackMeasure:
    objective_id: int
    objective_ref: str
    objective_title: str
    measure: MeasureAt


@dataclass(frozen=True)
class PackImpact:
    counts: dict[str, int]
    total: int
    attention: list[PackMeasure]  # off track first, then behind, by objective ref
    evidence: dict[int, int]

    @property
    def statuses(self) -> list[tuple[str, str, int]]:
        return [(s, measure_rules.LABELS[s], self.counts[s]) for s in measure_rules.STATUSES]


def pack_impact(plan: Plan, as_of: date, *, drift) -> PackImpact:
    """The board pack's impact: measures by status at D, the measures off track or behind with
    their objective, and evidence counts by objective (three queries, given the plan's drift)."""
    measures = plan_measures(plan, as_of, stale_after_days=drift.rules.stale_after_days)
    statuses = []
    attention = []
    for row in drift.objectives:
        if row.state.status == WITHDRAWN:
            continue
        for m in measures.get(row.id, []):
            statuses.append(m.status)
            if m.status in (measure_rules.OFF_TRACK, measure_rules.BEHIND):
                attention.append(PackMeasure(row.id, row.state.ref, row.state.title, m))
    order = {measure_rules.OFF_TRACK: 0, measure_rules.BEHIND: 1}
    attention.sort(key=lambda p: (order[p.measure.status], natural_key(p.objective_ref)))
    return PackImpact(
        counts=measure_rules.count_statuses(statuses),
        total=len(statuses),
        attention=attention,
        evidence=evidence_counts(plan, as_of),
    )
