"""What an import would do, and every problem that stops it, before anything is written.

``build_preview`` reads the workbook's rows through the column mapping, checks each against the
rules of the record (dates inside the plan, no completion in the future, no milestone after its
objective's target, references that exist and are unique, owners who have an active account),
and compares them with what the plan already holds: rows are matched by reference (objectives)
and by objective and title (milestones). Re-importing changes what differs and never deletes.
"""

from __future__ import annotations

from datetime import date

from kit.formatting import long_date

from . import selectors
from .columns import COLUMNS, MILESTONES, OBJECTIVES, Mapping
from .milestone_rows import read_milestones
from .preview_rows import (
    EMAIL_LIMIT,
    LIMITS,
    ObjectiveRow,
    PlanChoice,
    Preview,
    SheetReader,
    outside_plan,
)
from .workbook import Problem, Workbook


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
        read_milestones(preview, milestones_sheet, mapping[MILESTONES], existing, today)
    return preview


def _read_objectives(preview, sheet, mapping, existing, themes, today) -> None:
    choice, problems = preview.choice, preview.problems
    reader = SheetReader(sheet, OBJECTIVES, mapping, problems)
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
                message = outside_plan(choice, value)
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


__all__ = ["build_preview", "describe_changes"]
