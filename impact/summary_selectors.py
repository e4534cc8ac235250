"""Impact in short at the end of a day D: the dashboard's panel and rows, and the board
pack's measures.

Built on the findings and measures reads (``selectors``, ``measure_selectors``), with the
plan's drift handed in where the caller has read it already.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db.models import Count, Q

from objectives.models import Plan
from tracking import selectors as objective_selectors

from . import measure_rules
from .measure_selectors import MeasureAt, plan_measures
from .models import Evidence
from .selectors import WITHDRAWN, findings_register, findings_summary, natural_key

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
