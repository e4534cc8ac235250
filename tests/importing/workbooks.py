"""Workbooks built in the tests: tidy ones like the template, and hostile ones."""

from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook

OBJECTIVE_HEADINGS = [
    "ref",
    "theme",
    "title",
    "description",
    "finding",
    "owner_email",
    "starts_on",
    "target_date",
]
MILESTONE_HEADINGS = ["objective_ref", "title", "baseline_date", "due_date", "completed_on"]


def objective(ref="1.1", **fields):
    row = {
        "ref": ref,
        "theme": "Workforce",
        "title": f"Objective {ref}",
        "description": "",
        "finding": "",
        "owner_email": "",
        "starts_on": date(2025, 4, 1),
        "target_date": date(2026, 3, 31),
    }
    row.update(fields)
    return row


def milestone(objective_ref="1.1", title="First step", **fields):
    row = {
        "objective_ref": objective_ref,
        "title": title,
        "baseline_date": date(2025, 9, 30),
        "due_date": date(2025, 9, 30),
        "completed_on": None,
    }
    row.update(fields)
    return row


def build(
    objectives=(),
    milestones=(),
    *,
    objective_headings=OBJECTIVE_HEADINGS,
    milestone_headings=MILESTONE_HEADINGS,
    with_milestones=True,
    before_save=None,
) -> bytes:
    """An .xlsx with the two sheets; rows are dicts keyed by the template's column names."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Objectives"
    sheet.append(list(objective_headings))
    for row in objectives:
        sheet.append([row.get(name) for name in OBJECTIVE_HEADINGS])
    if with_milestones:
        sheet = book.create_sheet("Milestones")
        sheet.append(list(milestone_headings))
        for row in milestones:
            sheet.append([row.get(name) for name in MILESTONE_HEADINGS])
    if before_save:
        before_save(book)
    output = io.BytesIO()
    book.save(output)
    return output.getvalue()
