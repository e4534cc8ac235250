"""What an import preview holds (the plan chosen, each objective and milestone row read from the
sheets, the problems found) and the sheet reader that records a problem, with its cell, for
each bad value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kit.formatting import long_date

from .columns import CellError, read_date, read_text
from .workbook import Problem, cell_ref

LIMITS = {"ref": 20, "theme": 200, "title": 300, "description": 5000, "finding": 5000}
EMAIL_LIMIT = 254


@dataclass
class PlanChoice:
    """The plan to import into: an existing one, or a new draft plan."""

    plan: object | None = None
    name: str = ""
    organisation: str = ""
    starts_on: date | None = None
    ends_on: date | None = None

    @property
    def is_new(self) -> bool:
        return self.plan is None

    @property
    def plan_starts_on(self) -> date | None:
        return self.plan.starts_on if self.plan is not None else self.starts_on

    @property
    def plan_ends_on(self) -> date | None:
        return self.plan.ends_on if self.plan is not None else self.ends_on


@dataclass
class ObjectiveRow:
    row: int
    ref: str
    title: str
    theme: str = ""
    description: str = ""
    finding: str = ""
    owner_email: str = ""
    owner: object | None = None
    starts_on: date | None = None
    target_date: date | None = None
    existing: object | None = None
    changes: dict = field(default_factory=dict)  # field -> new value (existing rows)
    new_owner: bool = False


@dataclass
class MilestoneRow:
    row: int
    objective_ref: str
    title: str
    baseline_date: date | None = None
    due_date: date | None = None
    completed_on: date | None = None
    existing: object | None = None
    reforecast: bool = False
    complete: bool = False
    waits_for: list[tuple[str, str]] = field(default_factory=list)  # (ref, title), lower case
    waits_for_cell: str = ""
    waits_for_shown: list[str] = field(default_factory=list)  # the new links, as written


@dataclass
class Preview:
    choice: PlanChoice
    problems: list[Problem] = field(default_factory=list)
    objectives: list[ObjectiveRow] = field(default_factory=list)
    milestones: list[MilestoneRow] = field(default_factory=list)
    new_themes: list[str] = field(default_factory=list)
    refs_on_sheet: set[str] = field(default_factory=set)  # every reference written there

    @property
    def objectives_new(self):
        return [o for o in self.objectives if o.existing is None]

    @property
    def objectives_changed(self):
        return [o for o in self.objectives if o.existing is not None and o.changes]

    @property
    def objectives_unchanged(self):
        return [o for o in self.objectives if o.existing is not None and not o.changes]

    @property
    def milestones_new(self):
        return [m for m in self.milestones if m.existing is None]

    @property
    def milestones_changed(self):
        return [
            m for m in self.milestones if m.existing is not None and (m.reforecast or m.complete)
        ]

    @property
    def milestones_unchanged(self):
        return [
            m
            for m in self.milestones
            if m.existing is not None and not (m.reforecast or m.complete)
        ]

    @property
    def links_new(self):
        """The rows that gain links ("Waits for"), each with the links as written."""
        return [m for m in self.milestones if m.waits_for_shown]

    @property
    def has_changes(self) -> bool:
        return bool(
            self.links_new
            or self.objectives_new
            or self.objectives_changed
            or self.milestones_new
            or self.milestones_changed
            or (self.choice.is_new and self.objectives)
        )


class SheetReader:
    """Reads one sheet's mapped cells and records a problem, with its cell, for each bad one."""

    def __init__(self, sheet, name: str, mapping: dict[str, int | None], problems: list[Problem]):
        self.sheet, self.name, self.mapping, self.problems = sheet, name, mapping, problems

    def where(self, field_name: str, row: int) -> str:
        column = self.mapping.get(field_name)
        if column is None:
            return f"{self.name}!{row}:{row}"
        return cell_ref(self.sheet.title, column, row)

    def raw(self, values: tuple, field_name: str):
        column = self.mapping.get(field_name)
        return None if column is None or column >= len(values) else values[column]

    def text(self, values, row, field_name, limit) -> str | None:
        try:
            return read_text(self.raw(values, field_name), limit=limit)
        except CellError as error:
            self.problem(field_name, row, str(error))
            return None

    def date(self, values, row, field_name) -> date | None | bool:
        """The date, None when blank, or False when the cell is not a date."""
        try:
            return read_date(self.raw(values, field_name))
        except CellError as error:
            self.problem(field_name, row, str(error))
            return False

    def problem(self, field_name: str, row: int, message: str) -> None:
        self.problems.append(Problem(self.where(field_name, row), message))


def outside_plan(choice: PlanChoice, value: date) -> str:
    starts, ends = choice.plan_starts_on, choice.plan_ends_on
    if starts and value < starts:
        return f"{long_date(value)} is before the plan starts ({long_date(starts)})"
    if ends and value > ends:
        return f"{long_date(value)} is after the plan ends ({long_date(ends)})"
    return ""
