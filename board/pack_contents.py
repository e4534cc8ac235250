"""What the inspector's evidence pack shows (``board.evidence_pack`` reads it as at D)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from impact import selectors
from impact.models import Evidence
from kit.formatting import long_date
from objectives.models import Objective, Plan


@dataclass
class PackMilestone:
    id: int
    title: str
    baseline_date: date
    due_date: date
    completed_on: date | None
    withdrawn_on: date | None
    withdrawn_reason: str


@dataclass
class PackEvidence:
    id: int
    n: int
    kind: str
    title: str
    url: str
    original_name: str
    size: int
    added_on: date
    added_by: str
    attached_to: str
    stored_name: str = ""
    path: str = ""  # its name in the ZIP (files only)
    objective_ref: str = ""
    missing: bool = False

    @property
    def anchor(self) -> str:
        return f"evidence-{self.id}"

    @property
    def is_file(self) -> bool:
        return self.kind == Evidence.Kind.FILE


@dataclass
class PackObjective:
    id: int
    ref: str
    title: str
    rag: str
    status: str
    owner: str
    theme: str
    milestones: list[PackMilestone]
    updates: list
    measures: list
    challenges: list
    timeline: list
    recorded: dict  # update id -> the record of its adding (set out with the update)
    evidence: list[PackEvidence]
    folder: str = ""  # evidence/<finding>/<objective>, set where it is first set out
    first_under: str = ""  # the ref of the finding it is set out under

    @property
    def anchor(self) -> str:
        return f"objective-{self.id}"

    @property
    def is_withdrawn(self) -> bool:
        return self.status == Objective.Status.WITHDRAWN

    @property
    def updates_recorded(self) -> list[tuple]:
        """Each update shown, with the record of its adding (or None)."""
        return [(u, self.recorded.get(u.id)) for u in self.updates]


@dataclass
class PackFinding:
    row: selectors.FindingRow
    objectives: list[tuple[PackObjective, bool]]  # (objective, set out here in full)

    @property
    def anchor(self) -> str:
        return f"finding-{self.row.id}"


@dataclass
class EvidencePack:
    plan: Plan
    as_of: date
    unanswered: list[PackFinding]
    findings: list[PackFinding]
    not_linked: list[PackObjective]
    before_start: bool
    evidence: list[PackEvidence] = field(default_factory=list)

    @property
    def title(self) -> str:
        return f"Inspector's evidence pack: {self.plan.name}, as at {long_date(self.as_of)}"

    @property
    def files(self) -> list[PackEvidence]:
        return [e for e in self.evidence if e.is_file]

    @property
    def finding_count(self) -> int:
        return len(self.unanswered) + len(self.findings)

    @property
    def objective_count(self) -> int:
        seen = {o.id for f in self.findings for o, _ in f.objectives}
        return len(seen) + len(self.not_linked)
