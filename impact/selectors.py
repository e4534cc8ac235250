"""Reads for findings and evidence, as recorded in history at the end of a day D.

Each read runs a fixed number of queries whatever the size of the plan: one per history table
it needs (plus the plan's drift, read by ``tracking.selectors.plan_drift``). Measures are
read in ``measure_selectors``, impact in short in ``summary_selectors``.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.utils import timezone

from objectives.models import Objective, Plan
from tracking import history
from tracking import selectors as objective_selectors

from .models import Evidence, Finding, ObjectiveFinding

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
    marks = getattr(drift, "plan_marks", None)
    findings = history.rows_at(
        Finding, as_of, "ref", "source", "text", filter={"plan_id": plan.pk}, plan_marks=marks
    )
    links = history.rows_at(
        ObjectiveFinding,
        as_of,
        "objective_id",
        "finding_id",
        filter={"finding__plan_id": plan.pk},
        plan_marks=marks,
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
