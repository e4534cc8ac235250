"""Hostile workbooks: each refused with a clear message, in bounded time and memory, with
nothing written and never a 500."""

import io
import time
import tracemalloc
import zipfile

import pytest
from django.urls import reverse
from openpyxl import Workbook

from importing.parsing import read_workbook
from importing.workbook import MAX_ROWS, NOT_A_WORKBOOK, WorkbookRefused
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


# --- Document types and entities -------------------------------------------------------------

LEAK = "TEXT-FROM-AN-ENTITY"
ENTITY = f'<!DOCTYPE worksheet [<!ENTITY e "{LEAK}">]>'
LAUGHS = (
    '<!DOCTYPE worksheet [<!ENTITY lol "lol">'
    + "".join(
        f'<!ENTITY lol{n} "{("&lol" + (str(n - 1) if n > 1 else "") + ";") * 10}">'
        for n in range(1, 10)
    )
    + "]>"
)
SHEET = "xl/worksheets/sheet1.xml"


def _with_document_type(kind: str) -> bytes:
    """A real workbook whose first sheet declares an entity and uses it in cell C2."""
    source = zipfile.ZipFile(io.BytesIO(wb.build([wb.objective()], [wb.milestone()])))
    parts = {name: source.read(name) for name in source.namelist()}
    sheet = parts.pop(SHEET).decode()
    assert "<t>Objective 1.1</t>" in sheet
    sheet = sheet.replace("<t>Objective 1.1</t>", "<t>&e;</t>")
    name, declaration = SHEET, '<?xml version="1.0" encoding="UTF-8"?>'
    if kind == "long-comment":
        body = (declaration + "<!--" + "x" * (70 * 1024) + "-->" + ENTITY + sheet).encode()
    elif kind == "utf-16":
        body = ('<?xml version="1.0" encoding="UTF-16"?>' + ENTITY + sheet).encode("utf-16")
    elif kind == "utf-16-no-declaration":
        body = (ENTITY + sheet).encode("utf-16-le")
    elif kind == "upper-case-name":
        name, body = "xl/worksheets/sheet1.XML", (ENTITY + sheet).encode()
    elif kind == "bin-part":
        name, body = "xl/worksheets/sheet1.bin", (ENTITY + sheet).encode()
    elif kind == "lower-case-doctype":
        body = (declaration + ENTITY.replace("DOCTYPE", "doctype") + sheet).encode()
    elif kind == "billion-laughs":
        body = (declaration + LAUGHS + sheet.replace("&e;", "&lol9;")).encode()
    else:
        raise AssertionError(kind)
    _point_to(parts, name)
    parts[name] = body
    return zip_of(parts)


def _point_to(parts: dict[str, bytes], name: str) -> None:
    """The workbook's first sheet is now the part ``name``."""
    for other in ("xl/_rels/workbook.xml.rels", "[Content_Types].xml"):
        parts[other] = parts[other].replace(f"/{SHEET}".encode(), f"/{name}".encode())


DOCUMENT_TYPES = [
    "long-comment",
    "utf-16",
    "utf-16-no-declaration",
    "upper-case-name",
    "bin-part",
    "lower-case-doctype",
    "billion-laughs",
]


def test_openpyxl_reads_xml_through_defusedxml():
    """The first wall: even a workbook that passed the checks cannot expand an entity."""
    import defusedxml
    import openpyxl
    from openpyxl import load_workbook

    assert openpyxl.DEFUSEDXML is True
    data = _with_document_type("upper-case-name")
    with pytest.raises(ValueError) as caught:
        book = load_workbook(io.BytesIO(data), read_only=True)
        [[cell.value for cell in row] for row in book["Objectives"].iter_rows()]
    causes, error = [], caught.value
    while error is not None:
        causes.append(error)
        error = error.__cause__ or error.__context__
    assert any(isinstance(cause, defusedxml.EntitiesForbidden) for cause in causes), causes


@pytest.mark.parametrize("kind", DOCUMENT_TYPES)
def test_a_document_type_anywhere_in_any_part_is_refused(kind):
    assert refused(_with_document_type(kind)) == [NOT_A_WORKBOOK]


@pytest.mark.parametrize(
    "name",
    ["xl/media/image1.png", "xl/printerSettings/printerSettings1.bin", "customXml/item1.XML"],
)
@pytest.mark.parametrize("encoding", ["utf-8", "utf-16-be", "utf-32", "utf-32-be"])
def test_a_document_type_in_any_other_part_is_refused_in_any_encoding(name, encoding):
    source = zipfile.ZipFile(io.BytesIO(wb.build([wb.objective()])))
    parts = {part: source.read(part) for part in source.namelist()}
    parts[name] = b"\x89PNG" + b"\0" * 3000 + ("<!DOCTYPE x>").encode(encoding) + b"\1" * 99
    assert refused(zip_of(parts)) == [NOT_A_WORKBOOK]


def test_a_document_type_cut_across_two_chunks_is_found():
    from importing.archive import SCAN_CHUNK_BYTES

    source = zipfile.ZipFile(io.BytesIO(wb.build([wb.objective()])))
    parts = {part: source.read(part) for part in source.namelist()}
    for cut in range(1, 9):
        parts["xl/extra.xml"] = b" " * (SCAN_CHUNK_BYTES - cut) + b"<!ENTITY x 'y'>"
        data = zip_of(parts, compression=zipfile.ZIP_STORED)
        assert refused(data) == [NOT_A_WORKBOOK], cut
    marker = "<!DOCTYPE x>".encode("utf-32-be")
    for cut in (1, 18, 35):
        parts["xl/extra.xml"] = b"\0" * (SCAN_CHUNK_BYTES - cut) + marker
        data = zip_of(parts, compression=zipfile.ZIP_STORED)
        assert refused(data) == [NOT_A_WORKBOOK], cut


@pytest.mark.parametrize(
    "body",
    [
        b'<?xml version="1.0" encoding="UTF-7"?><x>+ADw-!DOCTYPE x+AD4-</x>',
        b"+/v8-<x/>",
        '<?xml version="1.0"?><!DOCTYPE x><x/>'.encode("cp037"),
    ],
    ids=["utf-7", "utf-7-mark", "ebcdic"],
)
def test_a_part_in_an_encoding_that_could_hide_a_document_type_is_refused(body):
    source = zipfile.ZipFile(io.BytesIO(wb.build([wb.objective()])))
    parts = {part: source.read(part) for part in source.namelist()}
    parts["customXml/item1.xml"] = body
    assert refused(zip_of(parts)) == [NOT_A_WORKBOOK]


@pytest.mark.parametrize("name", ["xl/worksheets/sheet1.XML", "xl/worksheets/sheet1.bin"])
def test_a_sheet_under_another_name_is_still_checked_for_merged_cells(name):
    source = zipfile.ZipFile(
        io.BytesIO(
            wb.build([wb.objective()], before_save=lambda b: b["Objectives"].merge_cells("C2:D2"))
        )
    )
    parts = {part: source.read(part) for part in source.namelist()}
    body = parts.pop(SHEET)
    _point_to(parts, name)
    parts[name] = body
    assert refused(zip_of(parts)) == [
        "Objectives: This sheet has merged cells (Objectives!C2:D2). Unmerge them and put the "
        "value in each cell"
    ]


SHARED_STRINGS_TYPE = (
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
)


def test_a_huge_shared_strings_table_under_another_name_is_refused():
    table = "".join(f"<si><t>{n:07d} aaaaaaaaaaaaaa</t></si>" for n in range(300_000))
    strings = f"<sst>{table}</sst>".encode()
    parts = {
        "[Content_Types].xml": (
            f'<Types><Override PartName="/xl/strings.bin" ContentType="{SHARED_STRINGS_TYPE}"/>'
            "</Types>"
        ).encode(),
        "xl/workbook.xml": b"<workbook/>",
        "xl/strings.bin": strings,
    }
    messages = refused(zip_of(parts))
    assert messages[0].startswith("The workbook holds too much text to import")


def test_the_content_types_looked_for_are_openpyxls():
    from openpyxl.xml import constants

    from importing import archive

    assert archive.SHARED_STRINGS_TYPE == constants.SHARED_STRINGS
    assert archive.WORKBOOK_TYPES == (
        constants.XLTM,
        constants.XLTX,
        constants.XLSM,
        constants.XLSX,
    )


def test_the_sheets_checked_are_those_of_the_workbook_part_openpyxl_opens():
    """[Content_Types].xml says which part is the workbook; a decoy xl/workbook.xml beside it
    does not hide the real sheets from the checks."""
    source = zipfile.ZipFile(
        io.BytesIO(
            wb.build([wb.objective()], before_save=lambda b: b["Objectives"].merge_cells("C2:D2"))
        )
    )
    parts = {part: source.read(part) for part in source.namelist()}
    hidden = "xl/elsewhere/sheet1.xml"
    parts[hidden] = parts.pop(SHEET)
    parts["xl/book.xml"] = parts["xl/workbook.xml"]
    parts["xl/_rels/book.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        f"/{SHEET}".encode(), f"/{hidden}".encode()
    )
    parts["[Content_Types].xml"] = (
        parts["[Content_Types].xml"]
        .replace(b'PartName="/xl/workbook.xml"', b'PartName="/xl/book.xml"')
        .replace(f"/{SHEET}".encode(), f"/{hidden}".encode())
    )
    assert refused(zip_of(parts)) == [
        "Objectives: This sheet has merged cells (Objectives!C2:D2). Unmerge them and put the "
        "value in each cell"
    ]


def test_a_workbook_without_a_document_type_still_reads():
    data = wb.build([wb.objective()], [wb.milestone()])
    assert read_workbook(data).sheet("Objectives").rows[0][1][2] == "Objective 1.1"


@pytest.mark.django_db
@pytest.mark.parametrize("kind", DOCUMENT_TYPES)
def test_the_upload_page_refuses_a_document_type_and_expands_nothing(
    client, admin_user, plan, kind
):
    client.force_login(admin_user)
    before = _history_counts()
    upload = io.BytesIO(_with_document_type(kind))
    upload.name = "tracker.xlsx"
    response = client.post(reverse("importing:upload"), {"workbook": upload, "plan": plan.pk})
    page = response.content.decode()
    assert response.status_code == 200
    assert NOT_A_WORKBOOK in page
    assert "could not be read" not in page
    assert LEAK not in page and "lollol" not in page
    assert _history_counts() == before
    assert "importing.upload" not in client.session


@pytest.mark.django_db
@pytest.mark.parametrize("kind", DOCUMENT_TYPES)
def test_import_plan_refuses_a_document_type_and_expands_nothing(
    tmp_path, admin_user, plan, capsys, kind
):
    from django.core.management import call_command

    path = tmp_path / "tracker.xlsx"
    path.write_bytes(_with_document_type(kind))
    before = _history_counts()
    with pytest.raises(SystemExit) as exited:
        call_command("import_plan", str(path), "--plan", str(plan.pk), "--dry-run")
    out = capsys.readouterr().out
    assert exited.value.code == 1
    assert out.splitlines() == [NOT_A_WORKBOOK, "1 problem(s) found; nothing was written."]
    assert LEAK not in out and "lollol" not in out
    assert _history_counts() == before
