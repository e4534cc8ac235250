"""Board exports: one row per objective, the contract's columns, as CSV or an Excel workbook.

The rows are the drift rows the dashboard shows (same plan, date, filters and order as the
JSON API). Titles are people's text, so CSV cells that a spreadsheet would run as a formula get a
leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from datetime import date

from django.http import HttpResponse
from django.utils.text import slugify
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from dashboard.colours import RAG_COLOURS, spreadsheet_fill
from kit.spreadsheets import csv_cell, xlsx_cell, xlsx_text
from objectives.drift import ObjectiveDrift

COLUMNS = (
    "ref",
    "title",
    "theme",
    "owner",
    "target_date",
    "rag",
    "flags",
    "milestones_total",
    "milestones_complete",
    "milestones_overdue",
    "max_slip_days",
    "replans",
    "last_update",
)
DATE_COLUMNS = {"target_date", "last_update"}
WIDTHS = {
    "ref": 8,
    "title": 60,
    "theme": 34,
    "owner": 16,
    "target_date": 13,
    "rag": 11,
    "flags": 48,
    "milestones_total": 17,
    "milestones_complete": 20,
    "milestones_overdue": 19,
    "max_slip_days": 15,
    "replans": 9,
    "last_update": 13,
}
# Fill and text colour for the rag cell: the charts' colours (dashboard.colours).
RAG_FILLS = {rag: spreadsheet_fill(rag) for rag in RAG_COLOURS}


def export_row(row: ObjectiveDrift) -> dict:
    """The contract's columns for one objective, as Python values (dates as dates)."""
    state = row.state
    return {
        "ref": state.ref,
        "title": state.title,
        "theme": state.theme or "",
        "owner": state.owner_username or "",
        "target_date": state.target_date,
        "rag": row.rag,
        "flags": ";".join(row.flags),
        "milestones_total": len(row.milestones),
        "milestones_complete": row.milestones_complete,
        "milestones_overdue": row.milestones_overdue,
        "max_slip_days": row.max_slip_days,
        "replans": row.replans,
        "last_update": state.last_reported_on,
    }


def filename(plan, as_of: date, extension: str) -> str:
    name = slugify(plan.name)[:60] or "plan"
    return f"drift-{name}-{plan.pk}-{as_of.isoformat()}.{extension}"


def to_csv(rows) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for row in rows:
        values = export_row(row)
        writer.writerow([csv_cell(values[c]) for c in COLUMNS])
    return out.getvalue()


def to_xlsx(rows, *, plan, as_of: date) -> bytes:
    """A workbook ready for a board paper: bold frozen header, filters, widths, RAG fills."""
    book = Workbook()
    sheet = book.active
    sheet.title = "Drift"
    sheet.append(list(COLUMNS))
    for row in rows:
        values = export_row(row)
        sheet.append(
            [xlsx_text(v) if isinstance(v, str) else v for v in (values[c] for c in COLUMNS)]
        )
        for cell in sheet[sheet.max_row]:
            xlsx_cell(cell)  # text such as "=1+1" is kept as text, never a formula
    bold = Font(bold=True)
    for cell in sheet[1]:
        cell.font = bold
        cell.alignment = Alignment(vertical="top", wrap_text=True)
    sheet.freeze_panes = "A2"
    last = len(rows) + 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{last}"
    for i, column in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = WIDTHS[column]
    rag_col = COLUMNS.index("rag") + 1
    fills = {
        rag: (PatternFill("solid", start_color=fill, end_color=fill), Font(color=ink, bold=True))
        for rag, (fill, ink) in RAG_FILLS.items()
    }
    date_cols = [COLUMNS.index(c) + 1 for c in DATE_COLUMNS]
    wrap = Alignment(vertical="top", wrap_text=True)
    for r in range(2, last + 1):
        rag_cell = sheet.cell(row=r, column=rag_col)
        if rag_cell.value in fills:
            rag_cell.fill, rag_cell.font = fills[rag_cell.value]
        for c in date_cols:
            sheet.cell(row=r, column=c).number_format = "yyyy-mm-dd"
        for c in (2, 7):
            sheet.cell(row=r, column=c).alignment = wrap
    book.properties.title = f"{plan.name}: drift as at {as_of.isoformat()}"
    book.properties.creator = "Improvement plan"
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def build(kind: str, plan, as_of: date, rows) -> bytes:
    if kind == "csv":
        return to_csv(rows).encode("utf-8")
    return to_xlsx(rows, plan=plan, as_of=as_of)


def response(kind: str, plan, as_of: date, body: bytes) -> HttpResponse:
    result = HttpResponse(body, content_type=CONTENT_TYPES[kind])
    result["Content-Disposition"] = f'attachment; filename="{filename(plan, as_of, kind)}"'
    result["Cache-Control"] = "private, no-store"
    return result
