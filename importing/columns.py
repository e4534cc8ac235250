"""The template's sheets and columns, guessing which column holds which field, and reading a
cell as text or as a date (real Excel dates, YYYY-MM-DD, or DD/MM/YYYY in UK order)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime

from .workbook import Sheet

OBJECTIVES = "Objectives"
MILESTONES = "Milestones"


@dataclass(frozen=True)
class Column:
    name: str
    label: str
    required: bool
    is_date: bool
    note: str
    example: object
    also: tuple[str, ...] = ()  # other headings people use for it
    added_later: bool = False  # optional, and absent from workbooks made from older templates


COLUMNS: dict[str, tuple[Column, ...]] = {
    OBJECTIVES: (
        Column(
            "ref",
            "Reference",
            True,
            False,
            'Required. Unique in the plan, for example "2.3". Milestones refer to it.',
            "1.1",
            ("reference", "objective ref", "objective reference", "no", "number", "id"),
        ),
        Column(
            "theme",
            "Theme",
            False,
            False,
            "Optional. The theme the objective belongs to; new themes are added.",
            "Stabilising the workforce",
            ("priority", "area", "workstream", "theme name"),
        ),
        Column(
            "title",
            "Title",
            True,
            False,
            "Required. What the objective will achieve, up to 300 characters.",
            "Reduce reliance on agency social workers",
            ("objective", "objective title", "name", "action"),
        ),
        Column(
            "description",
            "Description",
            False,
            False,
            "Optional. More detail, up to 5,000 characters.",
            "Recruit and keep permanent social workers.",
            ("details", "detail", "notes", "how"),
        ),
        Column(
            "finding",
            "Finding",
            False,
            False,
            "Optional. The inspection finding or recommendation this objective answers.",
            "Ofsted 2016: high turnover of social workers",
            ("source", "recommendation", "inspection finding", "why"),
        ),
        Column(
            "owner_email",
            "Owner's email",
            False,
            False,
            "Optional. The email address of the named owner's account in this service.",
            "jo.owner@example.gov.uk",
            ("owner", "email", "owner email address", "lead", "lead email", "responsible"),
        ),
        Column(
            "starts_on",
            "Start date",
            False,
            True,
            "Optional. A date, or text as YYYY-MM-DD or DD/MM/YYYY. Blank: the plan's start.",
            date(2025, 4, 1),
            ("start", "start date", "starts", "from"),
        ),
        Column(
            "target_date",
            "Target date",
            True,
            True,
            "Required. The timescale: a date, or text as YYYY-MM-DD or DD/MM/YYYY.",
            date(2026, 3, 31),
            ("target", "deadline", "timescale", "due by", "end date"),
        ),
    ),
    MILESTONES: (
        Column(
            "objective_ref",
            "Objective reference",
            True,
            False,
            "Required. The reference of the objective on the Objectives sheet.",
            "1.1",
            ("objective", "ref", "reference", "objective reference"),
        ),
        Column(
            "title",
            "Title",
            True,
            False,
            "Required. The milestone, up to 300 characters.",
            "Recruitment campaign launched",
            ("milestone", "milestone title", "name", "task", "action"),
        ),
        Column(
            "baseline_date",
            "Baseline date",
            False,
            True,
            "The agreed date. Blank: the same as the due date.",
            date(2025, 6, 30),
            ("baseline", "original date", "agreed date", "planned date"),
        ),
        Column(
            "due_date",
            "Due date",
            False,
            True,
            "The current forecast. Blank: the same as the baseline date.",
            date(2025, 7, 31),
            ("due", "forecast", "forecast date", "revised date", "date due"),
        ),
        Column(
            "completed_on",
            "Completed on",
            False,
            True,
            "The date it was done, if it is done. Never in the future.",
            None,
            ("completed", "completion date", "date completed", "done", "complete"),
        ),
        Column(
            "depends_on",
            "Waits for",
            False,
            False,
            "Optional. The milestones this one waits for, each as objective reference, colon, "
            'milestone title, separated by semicolons: "2.3: Recruit staff; 1.4: Open the hub". '
            "Any objective of the plan; links already in the plan are kept.",
            None,
            ("waits for", "depends on", "dependencies", "dependency", "predecessors", "after"),
            added_later=True,
        ),
    ),
}

Mapping = dict[str, dict[str, int | None]]  # sheet -> field -> column index


def normalise(heading: object) -> str:
    text = re.sub(r"[^a-z0-9]+", " ", str(heading or "").lower()).strip()
    return text


def guess_mapping(sheet: Sheet | None, sheet_name: str) -> dict[str, int | None]:
    """Each field's column: its own name first, then the other usual headings."""
    mapping: dict[str, int | None] = {c.name: None for c in COLUMNS[sheet_name]}
    if sheet is None:
        return mapping
    headings = [normalise(h) for h in sheet.headings]
    used: set[int] = set()
    for pass_ in (0, 1):
        for column in COLUMNS[sheet_name]:
            if mapping[column.name] is not None:
                continue
            names = (
                [normalise(column.name), normalise(column.label)]
                if pass_ == 0
                else [normalise(a) for a in column.also]
            )
            for name in names:
                found = next(
                    (i for i, h in enumerate(headings) if h == name and i not in used), None
                )
                if found is not None:
                    mapping[column.name] = found
                    used.add(found)
                    break
    return mapping


def headings_match_template(sheet: Sheet | None, sheet_name: str) -> bool:
    if sheet is None:
        return True
    own = {normalise(c.name) for c in COLUMNS[sheet_name] if not c.added_later}
    return own <= {normalise(h) for h in sheet.headings}


# --- Reading a cell ---------------------------------------------------------------------

ISO = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
UK = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})", re.ASCII)
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
DATE_ADVICE = "write it as YYYY-MM-DD or DD/MM/YYYY, or format the cell as a date"


class CellError(ValueError):
    pass


def read_text(value: object, *, limit: int) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        text = "TRUE" if value else "FALSE"
    elif isinstance(value, float) and value.is_integer():
        text = str(int(value))
    elif isinstance(value, datetime):
        text = value.date().isoformat() if value.time() == datetime.min.time() else str(value)
    else:
        text = str(value)
    text = text.strip()
    if CONTROL.search(text):
        raise CellError("This cell has control characters in it; remove them")
    if len(text) > limit:
        raise CellError(f"This text is {len(text):,} characters long; the limit is {limit:,}")
    return text


def read_date(value: object) -> date | None:
    """A real date, or text as YYYY-MM-DD or DD/MM/YYYY (UK order: day first, never US)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, bool | int | float):
        raise CellError(f"{value} is a number, not a date: {DATE_ADVICE}")
    text = str(value).strip()
    if not text:
        return None
    shown = text if len(text) <= 40 else text[:40] + "…"
    shown = CONTROL.sub("?", shown)
    iso, uk = ISO.fullmatch(text), UK.fullmatch(text)
    if iso:
        year, month, day = (int(part) for part in iso.groups())
    elif uk:
        day, month, year = (int(part) for part in uk.groups())
    else:
        raise CellError(f"“{shown}” is not a date: {DATE_ADVICE}")
    if not 1900 <= year <= 2999:
        raise CellError(f"“{shown}” is not a real date: the year must be from 1900 to 2999")
    try:
        return date(year, month, day)
    except ValueError:
        raise CellError(f"“{shown}” is not a real date") from None
