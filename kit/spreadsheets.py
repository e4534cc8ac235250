"""Spreadsheet safety: people's text in a CSV or a workbook is never run as a formula.

A cell whose text starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return would be
run by a spreadsheet as a formula (CSV injection). Both ways out of the service defuse it:

- a CSV cell gets a leading apostrophe (OWASP's advice; a BI tool reads the text as it is);
- a workbook cell is kept as text with Excel's "quote prefix" style: the text shows exactly as
  written, with no apostrophe, and editing the cell does not turn it into a formula.

Numbers (even negative ones) and dates are values, not text, and stay as they are.
"""

from __future__ import annotations

from datetime import date

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
CELL_TEXT_MAX = 32000


def looks_like_formula(value) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_START)


def csv_cell(value) -> str:
    """Text for a CSV cell: dates as YYYY-MM-DD, None blank, formula-like text defused with a
    leading apostrophe."""
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if looks_like_formula(value):
        return "'" + value
    return str(value)


def xlsx_text(value: str | None) -> str:
    """People's text without the control characters a workbook cannot hold, within a cell's
    limit."""
    return ILLEGAL_CHARACTERS_RE.sub("", value or "")[:CELL_TEXT_MAX]


def xlsx_cell(cell):
    """Keep a workbook cell's formula-like text as text, shown as written (quote prefix)."""
    if looks_like_formula(cell.value):
        cell.data_type = "s"
        cell.quotePrefix = True
    return cell
