"""What an import would do, and every problem that stops it, before anything is written.

``build_preview`` reads the workbook's rows through the column mapping, checks each against the
rules of the record (dates inside the plan, no completion in the future, no milestone after its
objective's target, references that exist and are unique, owners who have an active account),
and compares them with what the plan already holds: rows are matched by reference (objectives)
and by objective and title (milestones). Re-importing changes what differs and never deletes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from kit.formatting import long_date

from . import dependencies, selectors
from .columns import COLUMNS, MILESTONES, OBJECTIVES, CellError, Mapping, read_date, read_text
from .parsing import Problem, Workbook, cell_ref, column_letter

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


class _Reader:
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


def _outside_plan(choice: PlanChoice, value: date) -> str:
    starts, ends = choice.plan_starts_on, choice.plan_ends_on
    if starts and value < starts:
        return f"{long_date(value)} is before the plan starts ({long_date(starts)})"
    if ends and value > ends:
        return f"{long_date(value)} is after the plan ends ({long_date(ends)})"
    return ""


def build_preview(
    workbook: Workbook, mapping: Mapping, choice: PlanChoice, *, today: date
) -> Preview:
    preview = Preview(choice=choice)
    problems = preview.problems
    objectives_sheet = workbook.sheet(OBJECTIVES)
    milestones_sheet = workbook.sheet(MILESTONES)
    if objectives_sheet is None:
        names = ", ".join(s.title for s in workbook.sheets.values()) or "none"
        problems.append(
            Problem("", f"The workbook has no sheet called {OBJECTIVES} (its sheets: {names})")
        )
        return preview
    for sheet, name in ((objectives_sheet, OBJECTIVES), (milestones_sheet, MILESTONES)):
        if sheet is None:
            continue
        for column in COLUMNS[name]:
            if column.required and mapping.get(name, {}).get(column.name) is None:
                problems.append(
                    Problem(sheet.title, f"Choose the column that holds “{column.label}”")
                )
        if name == MILESTONES and not any(
            mapping.get(name, {}).get(f) is not None for f in ("baseline_date", "due_date")
        ):
            problems.append(
                Problem(sheet.title, "Choose the column that holds the baseline or due date")
            )
    if problems:
        return preview

    plan = choice.plan
    existing = selectors.objectives_by_ref(plan) if plan is not None else {}
    themes = selectors.theme_names(plan) if plan is not None else {}
    _read_objectives(preview, objectives_sheet, mapping[OBJECTIVES], existing, themes, today)
    if milestones_sheet is not None:
        _read_milestones(preview, milestones_sheet, mapping[MILESTONES], existing, today)
    return preview


def _read_objectives(preview, sheet, mapping, existing, themes, today) -> None:
    choice, problems = preview.choice, preview.problems
    reader = _Reader(sheet, OBJECTIVES, mapping, problems)
    seen: dict[str, int] = {}
    owners: dict[str, tuple] = {}  # one look-up per email
    for number, values in sheet.rows:
        if all(reader.raw(values, f) in (None, "") for f in mapping):
            continue
        ref = reader.text(values, number, "ref", LIMITS["ref"])
        title = reader.text(values, number, "title", LIMITS["title"])
        theme = reader.text(values, number, "theme", LIMITS["theme"])
        description = reader.text(values, number, "description", LIMITS["description"])
        finding = reader.text(values, number, "finding", LIMITS["finding"])
        email = reader.text(values, number, "owner_email", EMAIL_LIMIT)
        starts_on = reader.date(values, number, "starts_on")
        target = reader.date(values, number, "target_date")
        if ref == "":
            reader.problem("ref", number, "Enter a reference for this objective")
        if title == "":
            reader.problem("title", number, "Enter a title for this objective")
        if target is None:
            reader.problem("target_date", number, "Enter a target date for this objective")
        if ref:
            key = ref.lower()
            preview.refs_on_sheet.add(key)
            if key in seen:
                reader.problem(
                    "ref", number, f"The reference {ref} is used twice (also in row {seen[key]})"
                )
                ref = None
            else:
                seen[key] = number
        for name, value in (("starts_on", starts_on), ("target_date", target)):
            if value:
                message = _outside_plan(choice, value)
                if message:
                    reader.problem(name, number, message)
        current = existing.get(ref.lower()) if ref else None
        effective_start = starts_on or (current.starts_on if current else choice.plan_starts_on)
        if target and effective_start and target <= effective_start:
            reader.problem(
                "target_date",
                number,
                f"The target date ({long_date(target)}) must be after the start date "
                f"({long_date(effective_start)})",
            )
        owner = None
        if email:
            if email.lower() not in owners:
                owners[email.lower()] = selectors.owner_for_email(email)
            owner, message = owners[email.lower()]
            if message:
                reader.problem("owner_email", number, message)
        if ref is None or not ref or title is None or not title or target in (None, False):
            continue
        if starts_on is False or any(v is None for v in (theme, description, finding)):
            continue
        row = ObjectiveRow(
            row=number,
            ref=ref,
            title=title,
            theme=theme,
            description=description,
            finding=finding,
            owner_email=email or "",
            owner=owner,
            starts_on=starts_on or None,
            target_date=target,
            existing=current,
        )
        if (
            theme
            and theme.lower() not in themes
            and theme.lower() not in {t.lower() for t in preview.new_themes}
        ):
            preview.new_themes.append(theme)
        if current is not None:
            _compare_objective(row, current, themes)
        preview.objectives.append(row)


def _compare_objective(row: ObjectiveRow, current, themes) -> None:
    """What a re-import changes: blank cells leave the current value alone."""
    changes = {}
    if row.title != current.title:
        changes["title"] = row.title
    if row.description and row.description != current.description:
        changes["description"] = row.description
    if row.finding and row.finding != current.source:
        changes["source"] = row.finding
    if row.starts_on and row.starts_on != current.starts_on:
        changes["starts_on"] = row.starts_on
    if row.target_date != current.target_date:
        changes["target_date"] = row.target_date
    current_theme = current.theme.name if current.theme_id else ""
    if row.theme and row.theme.lower() != current_theme.lower():
        changes["theme"] = row.theme
    if row.owner is not None and row.owner.pk != current.owner_id:
        row.new_owner = True
        changes["owner"] = row.owner
    row.changes = changes


def _read_milestones(preview, sheet, mapping, existing, today) -> None:
    choice, problems = preview.choice, preview.problems
    reader = _Reader(sheet, MILESTONES, mapping, problems)
    in_sheet = {o.ref.lower(): o for o in preview.objectives}
    refs_with_problems = preview.refs_on_sheet - set(in_sheet)
    seen: dict[tuple[str, str], int] = {}
    current_milestones = selectors.milestones_by_objective(existing.values())
    for number, values in sheet.rows:
        if all(reader.raw(values, f) in (None, "") for f in mapping):
            continue
        ref = reader.text(values, number, "objective_ref", LIMITS["ref"])
        title = reader.text(values, number, "title", LIMITS["title"])
        baseline = reader.date(values, number, "baseline_date")
        due = reader.date(values, number, "due_date")
        completed = reader.date(values, number, "completed_on")
        waits_for = dependencies.read_cell(reader, values, number)
        if ref == "":
            reader.problem(
                "objective_ref", number, "Enter the reference of this milestone's objective"
            )
        if title == "":
            reader.problem("title", number, "Enter a title for this milestone")
        if baseline is None and due is None:
            where = "due_date" if mapping.get("due_date") is not None else "baseline_date"
            reader.problem(where, number, "Enter a due date for this milestone")
        objective = in_sheet.get(ref.lower()) if ref else None
        current_objective = existing.get(ref.lower()) if ref else None
        unknown = ref and objective is None and current_objective is None
        if unknown and ref.lower() not in refs_with_problems:
            reader.problem(
                "objective_ref",
                number,
                f"No objective has the reference {ref}, on the {OBJECTIVES} sheet or in the plan",
            )
        if title and ref:
            key = (ref.lower(), title.lower())
            if key in seen:
                reader.problem(
                    "title",
                    number,
                    f"Objective {ref} has this milestone twice (also in row {seen[key]})",
                )
                title = None
            else:
                seen[key] = number
        if baseline is None:
            baseline = due
        if due is None:
            due = baseline
        target = (
            objective.target_date
            if objective is not None
            else (current_objective.target_date if current_objective else None)
        )
        starts = (
            (objective.starts_on or (objective.existing.starts_on if objective.existing else None))
            if objective is not None
            else (current_objective.starts_on if current_objective else None)
        ) or choice.plan_starts_on
        for name, value in (("baseline_date", baseline), ("due_date", due)):
            if not value or mapping.get(name) is None:
                continue
            message = _outside_plan(choice, value)
            if message:
                reader.problem(name, number, message)
            elif starts and value < starts:
                reader.problem(
                    name,
                    number,
                    f"{long_date(value)} is before its objective starts ({long_date(starts)})",
                )
            elif target and value > target:
                reader.problem(
                    name,
                    number,
                    f"{long_date(value)} is after its objective's target date "
                    f"({long_date(target)})",
                )
        if completed:
            if completed > today:
                reader.problem("completed_on", number, f"{long_date(completed)} is in the future")
            elif starts and completed < starts:
                reader.problem(
                    "completed_on",
                    number,
                    f"{long_date(completed)} is before its objective started ({long_date(starts)})",
                )
        if not ref or not title or not due or baseline is False or completed is False:
            continue
        if objective is None and current_objective is None:
            continue
        row = MilestoneRow(
            row=number,
            objective_ref=(objective.ref if objective else current_objective.ref),
            title=title,
            baseline_date=baseline,
            due_date=due,
            completed_on=completed or None,
            waits_for=waits_for,
            waits_for_cell=reader.where("depends_on", number),
        )
        current = (
            current_milestones.get((current_objective.pk, title.lower()))
            if current_objective
            else None
        )
        if current is not None:
            row.existing = current
            _compare_milestone(row, current, reader, number, mapping)
        preview.milestones.append(row)
    dependencies.check(preview, existing, current_milestones)


def _compare_milestone(row: MilestoneRow, current, reader: _Reader, number: int, mapping) -> None:
    if current.withdrawn_on is not None:
        return  # withdrawn: out of the picture, and an import does not bring it back
    if mapping.get("baseline_date") is not None and row.baseline_date != current.baseline_date:
        reader.problem(
            "baseline_date",
            number,
            f"The baseline is {long_date(current.baseline_date)} in the plan. A baseline changes "
            "only by re-baselining the milestone, with a reason, not by an import",
        )
    if current.completed_on is not None:
        if row.completed_on and row.completed_on != current.completed_on:
            reader.problem(
                "completed_on",
                number,
                f"This milestone was completed on {long_date(current.completed_on)}. "
                "Correct a completion on the milestone's page, with a reason",
            )
        return
    if row.due_date != current.due_date:
        row.reforecast = True
    if row.completed_on:
        row.complete = True


def describe_changes(row: ObjectiveRow) -> list[str]:
    labels = {
        "title": "title",
        "description": "description",
        "source": "finding",
        "starts_on": "start date",
        "target_date": "target date",
        "theme": "theme",
        "owner": "owner",
    }
    return [labels[name] for name in row.changes]


__all__ = ["PlanChoice", "Preview", "build_preview", "column_letter"]
