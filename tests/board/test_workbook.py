"""The board workbook, read back with openpyxl."""

import io
from datetime import date, datetime

from openpyxl import load_workbook

from board.workbook import HEADER_ROW

from .conftest import LAST_BOARD, TODAY


def _book(client, leader, clock, **query):
    client.force_login(leader)
    with clock(TODAY):
        response = client.get("/dashboard/report.xlsx", query)
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    return load_workbook(io.BytesIO(response.content)).active


def _day(value):
    return value.date() if isinstance(value, datetime) else value


def test_the_workbook_speaks_in_words_and_names_people(client, board, leader, clock):
    sheet = _book(client, leader, clock)
    assert sheet["A1"].value == "Board pack: Kestrelford plan"
    assert sheet["A2"].value == "As at" and _day(sheet["B2"].value) == TODAY
    assert sheet["A3"].value == "Compared with" and _day(sheet["B3"].value) == LAST_BOARD
    assert sheet["C3"].value == "Compared with the board on 5 March 2026"
    headings = [c.value for c in sheet[HEADER_ROW]]
    assert headings[:7] == [
        "Ref",
        "Objective",
        "Theme",
        "Owner",
        "Status",
        "How long",
        "What needs attention",
    ]
    assert "Owner's latest update" in headings and "Next milestone" in headings
    rows = {
        r[0]: dict(zip(headings, r, strict=True))
        for r in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
    }
    assert list(rows) == ["1.1", "1.2", "2.1"]
    red = rows["1.1"]
    assert red["Owner"] == "Mo_Manager Tester"
    assert red["Status"] == "Red"
    assert "A milestone is overdue" in red["What needs attention"]
    assert "Owner says green; milestones say red" in red["What needs attention"]
    assert _day(red["Owner's latest update: date"]) == date(2026, 4, 6)
    assert red["Owner's own status"] == "Green"
    assert red["Owner's latest update"].startswith("Campaign launched")
    assert red["Next milestone"] == "Recruitment campaign"
    assert "_" not in "".join(str(h) for h in headings)


def test_the_workbook_is_set_up_for_printing(client, board, leader, clock):
    sheet = _book(client, leader, clock)
    assert sheet.freeze_panes == f"C{HEADER_ROW + 1}"
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.fitToWidth == 1
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert sheet.print_title_rows == f"${HEADER_ROW}:${HEADER_ROW}"
    status = sheet.cell(row=HEADER_ROW + 1, column=5)
    assert status.fill.fgColor.rgb.endswith("CA3535")  # GOV.UK red, as the tags and charts


def test_people_s_text_is_never_a_formula(client, board, leader, clock, admin_user):
    from objectives import services

    with clock(TODAY):
        services.objective_update(
            objective=board.green, user=admin_user, title='=HYPERLINK("http://x")'
        )
    sheet = _book(client, leader, clock)
    (title,) = [r[1] for r in sheet.iter_rows(min_row=HEADER_ROW + 1) if r[1].value[0] == "="]
    assert title.value == '=HYPERLINK("http://x")'  # shown as written: no apostrophe
    assert title.data_type == "s"
    assert title.quotePrefix
    for row in sheet.iter_rows(min_row=HEADER_ROW + 1):
        for cell in row:
            assert cell.data_type != "f"
