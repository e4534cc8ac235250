"""The one spreadsheet-safety function: formula-like text is never run, in a CSV or a workbook."""

import io
from datetime import date

import pytest
from openpyxl import Workbook, load_workbook

from kit.spreadsheets import csv_cell, xlsx_cell, xlsx_text

STARTS = ["=", "+", "-", "@", "\t", "\r"]


@pytest.mark.parametrize("start", STARTS)
def test_a_csv_cell_that_would_be_a_formula_gets_a_leading_apostrophe(start):
    assert csv_cell(f"{start}1+1 cmd") == f"'{start}1+1 cmd"


def test_csv_cells_for_other_values_are_unchanged():
    assert csv_cell("Recruit social workers") == "Recruit social workers"
    assert csv_cell(-3) == "-3"
    assert csv_cell(None) == ""
    assert csv_cell(date(2026, 3, 1)) == "2026-03-01"


def _round_trip(value):
    book = Workbook()
    cell = book.active.cell(row=1, column=1, value=xlsx_text(value))
    xlsx_cell(cell)
    out = io.BytesIO()
    book.save(out)
    return load_workbook(io.BytesIO(out.getvalue())).active["A1"]


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t"])
def test_a_workbook_cell_keeps_formula_text_as_text_without_a_visible_apostrophe(start):
    cell = _round_trip(f'{start}HYPERLINK("http://x")')
    assert cell.data_type == "s"
    assert cell.value == f'{start}HYPERLINK("http://x")'
    assert cell.quotePrefix


def test_a_workbook_cell_with_ordinary_text_has_no_quote_prefix():
    cell = _round_trip("Recruit social workers")
    assert cell.value == "Recruit social workers"
    assert not cell.quotePrefix


def test_workbook_text_loses_control_characters_and_keeps_within_the_cell_limit():
    assert xlsx_text("a\x00b\x1fc\nd") == "abc\nd"
    assert len(xlsx_text("x" * 40000)) == 32000
