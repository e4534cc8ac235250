"""Hostile workbooks: each refused with a clear message, in bounded time and memory, with
nothing written and never a 500."""

import io
import time
import tracemalloc
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook

from importing.parsing import MAX_ROWS, WorkbookRefused, read_workbook
from tests.importing import workbooks as wb
from tracking.integrity import tracked_models

SECONDS = 15


def refused(data: bytes) -> list[str]:
    started = time.monotonic()
    tracemalloc.start()
    try:
        with pytest.raises(WorkbookRefused) as caught:
            read_workbook(data)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < SECONDS
    assert peak < 200 * 1024 * 1024, f"peak memory {peak:,} bytes"
    return [str(p) for p in caught.value.problems]


def zip_of(parts: dict[str, bytes], *, compression=zipfile.ZIP_DEFLATED) -> bytes:
    output = io.BytesIO()
    with zipfile.ZipFile(output, "w", compression=compression) as archive:
        for name, body in parts.items():
            archive.writestr(name, body)
    return output.getvalue()


def test_formulas_are_refused_naming_the_cell():
    def add_formula(book):
        book["Objectives"]["H2"] = "=TODAY()+30"

    messages = refused(wb.build([wb.objective()], before_save=add_formula))
    assert messages == [
        "Objectives!H2: This cell has a formula. Replace the formulas with their values "
        "(copy, then paste values) and upload again"
    ]


def test_a_hundred_thousand_rows_stop_at_the_row_limit():
    book = Workbook(write_only=True)
    sheet = book.create_sheet("Objectives")
    sheet.append(wb.OBJECTIVE_HEADINGS)
    for n in range(100_000):
        sheet.append([f"{n}", "", f"Objective {n}"])
    output = io.BytesIO()
    book.save(output)
    messages = refused(output.getvalue())
    assert messages == [
        f"Objectives: This sheet has more than {MAX_ROWS:,} rows. Import at most {MAX_ROWS:,} "
        "rows at a time"
    ]


def test_merged_cells_are_refused():
    def merge(book):
        book["Objectives"].merge_cells("C2:D2")

    messages = refused(wb.build([wb.objective()], before_save=merge))
    assert messages == [
        "Objectives: This sheet has merged cells (Objectives!C2:D2). Unmerge them and put the "
        "value in each cell"
    ]


def test_hidden_sheets_are_refused():
    def hide(book):
        book.create_sheet("Old figures").sheet_state = "hidden"

    messages = refused(wb.build([wb.objective()], before_save=hide))
    assert messages == [
        "Old figures: This sheet is hidden. Unhide it, or delete it if it is not part of the "
        "plan, so that what is imported is what you can see"
    ]


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    parts = {
        "[Content_Types].xml": b"<Types/>",
        "xl/workbook.xml": b"<workbook/>",
        "xl/worksheets/sheet1.xml": b"\0" * (200 * 1024 * 1024),
    }
    data = zip_of(parts)
    assert len(data) < 1024 * 1024
    messages = refused(data)
    assert messages == [
        "The workbook is too large once unpacked (over 60 MB). Copy only the plan into a new "
        "workbook and upload that"
    ]


def test_a_tightly_packed_part_is_refused():
    parts = {
        "[Content_Types].xml": b"<Types/>",
        "xl/workbook.xml": b"<workbook/>",
        "xl/worksheets/sheet1.xml": b" " * (20 * 1024 * 1024),
    }
    messages = refused(zip_of(parts))
    assert "packed far more tightly than a real workbook" in messages[0]


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"not a workbook at all",
        b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600,
        zip_of({"a.txt": b"x"}),
    ],
    ids=["empty", "text", "old-xls", "other-zip"],
)
def test_not_a_workbook(data):
    messages = refused(data)
    assert len(messages) == 1
    assert "not an Excel workbook" in messages[0] or "empty" in messages[0]


def test_a_huge_shared_strings_table_is_refused():
    strings = b"<sst>" + b"<si><t>aaaaaaaaaaaaaaaaaaaaaa</t></si>" * 300_000 + b"</sst>"
    parts = {
        "[Content_Types].xml": b"<Types/>",
        "xl/workbook.xml": b"<workbook/>",
        "xl/sharedStrings.xml": strings,
    }
    messages = refused(zip_of(parts))
    assert messages[0].startswith("The workbook holds too much text to import")


def test_a_damaged_workbook_is_refused():
    parts = {
        "[Content_Types].xml": b"<Types/>",
        "xl/workbook.xml": b"<workbook><sheets><sheet name=",
    }
    messages = refused(zip_of(parts))
    assert "could not be read" in messages[0]


def _history_counts():
    return [model.history.count() for model in tracked_models()]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "kind",
    ["formula", "not-a-zip", "bomb", "too-big", "hidden", "merged", "rows", "strings"],
)
def test_the_upload_page_answers_each_hostile_file_clearly(client, admin_user, plan, kind):
    if kind == "formula":
        data = wb.build(
            [wb.objective()], before_save=lambda b: b["Objectives"].__setitem__("A2", "=1+1")
        )
        expected = "Objectives!A2: This cell has a formula"
    elif kind == "not-a-zip":
        data, expected = b"%PDF-1.4 nothing here", "The file is not an Excel workbook"
    elif kind == "bomb":
        data = zip_of(
            {
                "[Content_Types].xml": b"<Types/>",
                "xl/workbook.xml": b"<workbook/>",
                "xl/worksheets/sheet1.xml": b"\0" * (100 * 1024 * 1024),
            }
        )
        expected = "too large once unpacked"
    elif kind == "hidden":
        data = wb.build(
            [wb.objective()],
            before_save=lambda b: setattr(b.create_sheet("Old"), "sheet_state", "hidden"),
        )
        expected = "Old: This sheet is hidden"
    elif kind == "merged":
        data = wb.build(
            [wb.objective()], before_save=lambda b: b["Objectives"].merge_cells("A2:B2")
        )
        expected = "This sheet has merged cells (Objectives!A2:B2)"
    elif kind == "rows":
        book = Workbook(write_only=True)
        sheet = book.create_sheet("Objectives")
        for n in range(100_000):
            sheet.append([f"{n}", "x"])
        output = io.BytesIO()
        book.save(output)
        data, expected = output.getvalue(), "This sheet has more than 2,000 rows"
    elif kind == "strings":
        strings = b"<sst>" + b"<si><t>aaaaaaaaaaaaaaaaaaaaaa</t></si>" * 300_000 + b"</sst>"
        data = zip_of(
            {
                "[Content_Types].xml": b"<Types/>",
                "xl/workbook.xml": b"<workbook/>",
                "xl/sharedStrings.xml": strings,
            }
        )
        expected = "The workbook holds too much text to import"
    else:
        data, expected = b"PK" + b"\0" * (5 * 1024 * 1024 + 10), "must be smaller than 5MB"
    client.force_login(admin_user)
    before = _history_counts()
    upload = io.BytesIO(data)
    upload.name = "tracker.xlsx"
    response = client.post(reverse("importing:upload"), {"workbook": upload, "plan": plan.pk})
    assert response.status_code in (200, 413)
    assert expected in response.content.decode()
    assert _history_counts() == before
    assert "importing.upload" not in client.session
