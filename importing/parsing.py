"""Read an uploaded workbook safely: bounded in size, time and memory, or refused clearly.

The file is checked as a zip archive before openpyxl sees it (``archive``: size, number of
parts, total uncompressed size, compression ratio, size of the shared-strings table, and every
part read whole for a document type or entity declaration, which a real workbook never has),
then read in openpyxl's read-only mode, row by row, stopping at the row limit. Formulas, merged
cells and hidden sheets are refused with the cell or sheet they are in: what is imported must be
exactly what the person can see in the workbook. openpyxl itself parses through defusedxml (it
uses it whenever it is installed), so an entity would be refused there too.
"""

from __future__ import annotations

import io

from .archive import check_archive, scan_sheets
from .workbook import (
    MAX_COLUMNS,
    MAX_ROWS,
    NOT_A_WORKBOOK,
    TOO_MANY_ROWS,
    Problem,
    Sheet,
    Workbook,
    WorkbookRefused,
)


def read_workbook(data: bytes) -> Workbook:
    """Read every visible sheet's rows, or raise ``WorkbookRefused`` listing the problems."""
    archive = check_archive(data)
    scanned = scan_sheets(archive)
    if scanned:
        raise WorkbookRefused(scanned)
    # Imported here so a refused file never reaches openpyxl at all.
    from openpyxl import load_workbook

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of error on a damaged file
        raise WorkbookRefused(
            [Problem("", "The workbook could not be read: it may be damaged. " + NOT_A_WORKBOOK)]
        ) from None
    problems: list[Problem] = []
    sheets: dict[str, Sheet] = {}
    try:
        for worksheet in book.worksheets:
            title = worksheet.title
            if worksheet.sheet_state != "visible":
                problems.append(
                    Problem(
                        title,
                        "This sheet is hidden. Unhide it, or delete it if it is not part of the "
                        "plan, so that what is imported is what you can see",
                    )
                )
                continue
            sheet, sheet_problems = _read_sheet(worksheet)
            problems.extend(sheet_problems)
            sheets[title.lower()] = sheet
    except WorkbookRefused:
        raise
    except Exception:
        raise WorkbookRefused(
            [Problem("", "The workbook could not be read: it may be damaged. " + NOT_A_WORKBOOK)]
        ) from None
    finally:
        book.close()
    if problems:
        raise WorkbookRefused(problems)
    return Workbook(sheets=sheets)


def _read_sheet(worksheet) -> tuple[Sheet, list[Problem]]:
    title = worksheet.title
    problems: list[Problem] = []
    headings: list[str] = []
    rows: list[tuple[int, tuple]] = []
    formulas = 0
    for row_number, row in enumerate(
        worksheet.iter_rows(max_col=MAX_COLUMNS), start=1
    ):  # read-only rows come in order; empty rows may be skipped by the file
        cells = [cell for cell in row if getattr(cell, "value", None) is not None]
        if not cells:
            continue
        number = getattr(cells[0], "row", row_number) or row_number
        for cell in cells:
            if getattr(cell, "data_type", None) == "f":
                formulas += 1
                if formulas <= 5:
                    problems.append(
                        Problem(
                            f"{title}!{cell.coordinate}",
                            "This cell has a formula. Replace the formulas with their values "
                            "(copy, then paste values) and upload again",
                        )
                    )
        values = [None] * MAX_COLUMNS
        for cell in cells:
            column = (getattr(cell, "column", None) or 1) - 1
            if 0 <= column < MAX_COLUMNS:
                values[column] = cell.value
        if not headings:
            headings = [("" if v is None else str(v)).strip() for v in values]
            while headings and not headings[-1]:
                headings.pop()
            continue
        if len(rows) >= MAX_ROWS:
            problems.append(Problem(title, TOO_MANY_ROWS))
            break
        rows.append((number, tuple(values)))
    if formulas > 5:
        problems.append(Problem(title, f"This sheet has {formulas:,} or more cells with formulas"))
    return Sheet(title=title, headings=headings, rows=rows), problems
