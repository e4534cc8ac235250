"""The milestones sheet of an import preview: each row read and checked against the rules of the
record (dates inside the plan, no completion in the future, none after its objective's target),
and matched with the plan's milestones by objective and title.
"""

from __future__ import annotations

from kit.formatting import long_date

from . import dependencies, selectors
from .columns import MILESTONES, OBJECTIVES
from .preview_rows import LIMITS, MilestoneRow, SheetReader, outside_plan


def read_milestones(preview, sheet, mapping, existing, today) -> None:
    choice, problems = preview.choice, preview.problems
    reader = SheetReader(sheet, MILESTONES, mapping, problems)
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
            message = outside_plan(choice, value)
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


def _compare_milestone(
    row: MilestoneRow, current, reader: SheetReader, number: int, mapping
) -> None:
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
