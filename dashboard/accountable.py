"""Who is accountable: a plan's objectives at D grouped by owner (the accountability page)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from objectives import drift
from objectives.drift import ObjectiveDrift
from tracking.selectors import PlanDrift


@dataclass(frozen=True)
class Accountable:
    username: str | None
    name: str
    active: bool
    objectives: list[ObjectiveDrift]

    @property
    def anchor(self) -> str:
        return f"owner-{self.username}" if self.username else "owner-none"

    @property
    def red(self) -> int:
        return sum(1 for r in self.objectives if r.rag == drift.RED)

    @property
    def amber(self) -> int:
        return sum(1 for r in self.objectives if r.rag == drift.AMBER)

    @property
    def open(self) -> int:
        return sum(1 for r in self.objectives if r.rag != drift.COMPLETE)

    @property
    def last_update(self) -> date | None:
        dates = [r.state.last_reported_on for r in self.objectives if r.state.last_reported_on]
        return max(dates, default=None)


def by_owner(rows) -> list[Accountable]:
    """The rows grouped by their owner at D (those with no owner together), unsorted."""
    groups: dict[str | None, list[ObjectiveDrift]] = defaultdict(list)
    for row in rows:
        groups[row.state.owner_username].append(row)
    return [
        Accountable(
            username=username,
            name=owned[0].state.owner_name if username else "No named owner",
            active=owned[0].state.owner_active,
            objectives=owned,
        )
        for username, owned in groups.items()
    ]


def people_accountable(result: PlanDrift) -> list[Accountable]:
    """Objectives by owner at D: unowned first, then the most red, the most amber, by name."""
    people = by_owner(result.objectives)
    people.sort(key=lambda p: (p.username is not None, -p.red, -p.amber, p.name.lower()))
    return people
