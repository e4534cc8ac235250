"""The board workbook: the pack's objectives for people to read and print, not for BI tools.

Headings in words, owners' names, problems in words, the latest update, the next milestone,
and the "as at" and "compared with" dates in the sheet; RAG cells filled, the header frozen,
and print set-up for A4 landscape, one page wide, with the header row repeated.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.properties import PageSetupProperties

from dashboard.colours import RAG_COLOURS, spreadsheet_fill
from dashboard.selectors import RAG_LABELS
from kit.formatting import long_date
from kit.spreadsheets import xlsx_cell, xlsx_text

CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

COLUMNS = (
    ("Ref", 7),
    ("Objective", 48),
    ("Theme", 26),
    ("Owner", 20),
    ("Status", 11),
    ("How long", 20),
    ("What needs attention", 40),
    ("Owner's latest update: date", 14),
    ("Owner's own status", 12),
    ("Owner's latest update", 60),
    ("Next milestone", 36),
    ("Next milestone due", 14),
    ("Target date", 14),
    ("Milestones complete", 12),
    ("Update for the next board", 14),
)
# The same fills as the dashboard's charts and workbook (dashboard.colours).
RAG_FILLS = {rag: spreadsheet_fill(rag) for rag in RAG_COLOURS}
OWN_RAG_LABELS = {"red": "Red", "amber": "Amber", "green": "Green"}
DATE_FORMAT = "d mmmm yyyy"
HEADER_ROW = 5


def _board_update(cycle, row) -> str:
    """ "In" or "Missing" for an open objective when a next board is recorded, else blank."""
    if cycle is None or row.rag == "complete":
        return ""
    return "Missing" if row.id in cycle.missing_ids else "In"


def build(pack) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = "Board pack"
    bold = Font(bold=True)
    sheet["A1"] = xlsx_text(f"Board pack: {pack.plan.name}")
    sheet["A1"].font = Font(bold=True, size=14)
    sheet["A2"] = "As at"
    sheet["B2"] = pack.as_of
    sheet["A3"] = "Compared with"
    sheet["B3"] = pack.since
    sheet["C3"] = xlsx_text(pack.comparison.sentence)
    cycle = pack.update_cycle
    sheet["C2"] = xlsx_text(cycle.headline if cycle else "No next board meeting recorded")
    for cell in ("B2", "B3"):
        sheet[cell].number_format = DATE_FORMAT
        sheet[cell].alignment = Alignment(horizontal="left")
    sheet["A2"].font = sheet["A3"].font = bold
    counts = ", ".join(
        f"{h.count} {h.label.lower()} ({h.change_words.lower()})" for h in pack.headlines
    )
    sheet["A4"] = xlsx_text(f"{pack.total} objectives: {counts}")

    thin = Side(style="thin", color="B1B4B6")
    for col, (heading, width) in enumerate(COLUMNS, start=1):
        cell = sheet.cell(row=HEADER_ROW, column=col, value=heading)
        cell.font = bold
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.border = Border(bottom=Side(style="medium", color="0B0C0C"))
        sheet.column_dimensions[get_column_letter(col)].width = width

    for r, item in enumerate(pack.rows, start=HEADER_ROW + 1):
        row = item.row
        state = row.state
        update = item.update
        milestone = row.next_milestone
        attention = list(row.flag_labels)
        if item.owner_view_words:
            attention.append(item.owner_view_words)
        values = [
            xlsx_text(row.ref),
            xlsx_text(row.title),
            xlsx_text(state.theme or "No theme"),
            xlsx_text(item.owner),
            RAG_LABELS.get(row.rag, row.rag),
            xlsx_text(item.colour_since),
            xlsx_text("; ".join(attention) or "Nothing flagged"),
            update.reported_on if update else None,
            OWN_RAG_LABELS.get(update.rag, "") if update else "",
            xlsx_text(update.summary) if update else "No updates yet",
            xlsx_text(milestone.title) if milestone else "No open milestones",
            milestone.due_date if milestone else None,
            state.target_date,
            f"{row.milestones_complete} of {len(row.milestones)}",
            _board_update(cycle, row),
        ]
        for col, value in enumerate(values, start=1):
            cell = sheet.cell(row=r, column=col, value=value)
            cell.alignment = Alignment(wrap_text=True, vertical="top")
            cell.border = Border(bottom=thin)
            if col in (8, 12, 13) and value is not None:
                cell.number_format = DATE_FORMAT
        fill, colour = RAG_FILLS.get(row.rag, ("FFFFFF", "0B0C0C"))
        status = sheet.cell(row=r, column=5)
        status.fill = PatternFill("solid", fgColor=fill)
        status.font = Font(bold=True, color=colour)
        if update and update.rag in RAG_FILLS:
            fill, colour = RAG_FILLS[update.rag]
            own = sheet.cell(row=r, column=9)
            own.fill = PatternFill("solid", fgColor=fill)
            own.font = Font(bold=True, color=colour)

    last = HEADER_ROW + len(pack.rows)
    sheet.freeze_panes = sheet.cell(row=HEADER_ROW + 1, column=3)
    sheet.auto_filter.ref = (
        f"A{HEADER_ROW}:{get_column_letter(len(COLUMNS))}{max(last, HEADER_ROW)}"
    )
    sheet.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    sheet.page_setup.orientation = "landscape"
    sheet.page_setup.paperSize = sheet.PAPERSIZE_A4
    sheet.page_setup.fitToWidth = 1
    sheet.page_setup.fitToHeight = 0
    sheet.sheet_properties.pageSetUpPr = PageSetupProperties(fitToPage=True)
    sheet.oddFooter.center.text = "Page &P of &N"
    sheet.oddHeader.left.text = xlsx_text(
        f"{pack.plan.name}: as at {long_date(pack.as_of)}; {pack.comparison.sentence.lower()}"
    ).replace("&", "&&")
    book.properties.title = xlsx_text(f"Board pack: {pack.plan.name}, {long_date(pack.as_of)}")
    book.properties.language = "en-GB"
    for cells in sheet.iter_rows():
        for cell in cells:
            xlsx_cell(cell)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
