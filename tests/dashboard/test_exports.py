"""/dashboard/export.csv and /dashboard/export.xlsx against their columns and the JSON API."""

import csv
import io
from datetime import date

import pytest
from openpyxl import load_workbook

from dashboard.exports import COLUMNS
from tests import factories

from .conftest import TODAY

pytestmark = pytest.mark.django_db

CSV = "/dashboard/export.csv"
XLSX = "/dashboard/export.xlsx"


def get(client, user, clock, url, **params):
    client.force_login(user)
    with clock(TODAY):
        return client.get(url, params)


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200, response.content
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    reader = csv.DictReader(io.StringIO(response.content.decode("utf-8")))
    assert tuple(reader.fieldnames) == COLUMNS
    return list(reader)


def workbook(response):
    assert response.status_code == 200, response.content
    return load_workbook(io.BytesIO(response.content))


def api(client, user, clock, **params) -> dict:
    return get(client, user, clock, "/api/drift/", **params).json()


def test_columns_are_exactly_the_contract():
    assert COLUMNS == (
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


@pytest.mark.parametrize("as_of", ["", "2026-03-13", "2026-02-01", "2026-01-05"])
def test_csv_agrees_with_the_api(client, clock, leader, story, as_of):
    rows = csv_rows(get(client, leader, clock, CSV, as_of=as_of))
    body = api(client, leader, clock, as_of=as_of)
    day = date.fromisoformat(body["as_of"])
    assert [r["ref"] for r in rows] == [o["ref"] for o in body["objectives"]]
    for row, objective in zip(rows, body["objectives"], strict=True):
        milestones = objective["milestones"]
        open_ = [m for m in milestones if m["rag"] != "complete"]
        assert row["title"].lstrip("'") == objective["title"]
        assert row["theme"] == (objective["theme"] or "")
        assert row["owner"] == (objective["owner"] or "")
        assert row["target_date"] == objective["target_date"]
        assert row["rag"] == objective["rag"]
        assert row["flags"] == ";".join(objective["flags"])
        assert int(row["milestones_total"]) == len(milestones)
        assert int(row["milestones_complete"]) == len(milestones) - len(open_)
        assert int(row["milestones_overdue"]) == sum(1 for m in milestones if m["overdue_days"])
        expected_slip = max((m["slip_days"] for m in open_), default=None)
        assert row["max_slip_days"] == ("" if expected_slip is None else str(expected_slip))
        assert int(row["replans"]) == sum(m["replans"] for m in milestones)
        if row["last_update"]:
            assert date.fromisoformat(row["last_update"]) <= day


def test_csv_values_for_the_story(client, clock, leader, story):
    rows = {r["ref"]: r for r in csv_rows(get(client, leader, clock, CSV))}
    assert rows["1.1"] == {
        "ref": "1.1",
        "title": "Reduce agency social workers",
        "theme": "Workforce",
        "owner": "mo_manager",
        "target_date": "2026-12-31",
        "rag": "amber",
        "flags": "slipped",
        "milestones_total": "2",
        "milestones_complete": "1",
        "milestones_overdue": "0",
        "max_slip_days": "14",
        "replans": "1",
        "last_update": "2026-03-20",
    }
    assert rows["1.2"]["owner"] == ""
    assert rows["1.2"]["flags"] == "no_owner;stale"
    assert rows["1.3"]["max_slip_days"] == ""  # no open milestones
    assert rows["1.3"]["rag"] == "complete"
    assert rows["2.1"]["flags"] == "overdue_milestone;stale"
    assert rows["2.1"]["milestones_overdue"] == "1"
    assert rows["2.2"]["theme"] == ""
    assert rows["2.2"]["last_update"] == ""


def test_last_update_is_as_it_stood_on_the_day(client, clock, leader, story):
    before = {r["ref"]: r for r in csv_rows(get(client, leader, clock, CSV, as_of="2026-03-19"))}
    assert before["1.1"]["last_update"] == ""
    assert before["1.3"]["rag"] != "complete"


def test_csv_defuses_formulas_in_text(client, clock, leader, story):
    rows = {r["ref"]: r for r in csv_rows(get(client, leader, clock, CSV))}
    assert rows["2.2"]["title"] == "'" + '=HYPERLINK("http://example.com","Click")'


@pytest.mark.parametrize("start", ["=", "+", "-", "@"])
def test_every_formula_start_is_defused(client, clock, leader, admin_user, start):
    with clock(date(2026, 1, 5)):
        plan = factories.make_plan(user=admin_user)
        factories.make_objective(plan, user=admin_user, ref="1.1", title=f"{start}1+1 cmd")
    (row,) = csv_rows(get(client, leader, clock, CSV))
    assert row["title"] == f"'{start}1+1 cmd"


def test_negative_numbers_stay_numbers(client, clock, leader, admin_user):
    from milestones import services as milestone_services

    with clock(date(2026, 1, 5)):
        plan = factories.make_plan(user=admin_user)
        objective = factories.make_objective(plan, user=admin_user, ref="1.1")
        milestone = factories.make_milestone(objective, user=admin_user, due_date=date(2026, 6, 1))
        milestone_services.milestone_reschedule(
            milestone=milestone, user=admin_user, due_date=date(2026, 5, 20)
        )
    (row,) = csv_rows(get(client, leader, clock, CSV))
    assert row["max_slip_days"] == "-12"


def test_filters_and_date_are_honoured(client, clock, leader, story):
    rows = csv_rows(get(client, leader, clock, CSV, theme="Edge of care", rag="red"))
    assert [r["ref"] for r in rows] == ["2.1", "1.2"]
    rows = csv_rows(get(client, leader, clock, CSV, owner="mo_manager", as_of="2026-03-13"))
    assert {r["ref"] for r in rows} == {"1.1", "2.2"}
    assert csv_rows(get(client, leader, clock, CSV, flag="no_owner"))[0]["ref"] == "1.2"
    assert csv_rows(get(client, leader, clock, CSV, owner="none"))[0]["ref"] == "1.2"


def test_filename_names_the_plan_and_date(client, clock, leader, story):
    response = get(client, leader, clock, CSV, as_of="2026-03-13")
    assert response["Content-Disposition"] == (
        f'attachment; filename="drift-childrens-services-plan-{story.plan.pk}-2026-03-13.csv"'
    )
    response = get(client, leader, clock, XLSX)
    assert response["Content-Disposition"] == (
        f'attachment; filename="drift-childrens-services-plan-{story.plan.pk}-2026-04-10.xlsx"'
    )


@pytest.mark.parametrize("url", [CSV, XLSX])
def test_bad_requests_are_400_plain_text(client, clock, leader, admin_user, story, url):
    for params in ({"as_of": "2026-02-30"}, {"plan": "999999"}, {"rag": "purple"}):
        response = get(client, leader, clock, url, **params)
        assert response.status_code == 400
        assert response["Content-Type"].startswith("text/plain")
    with clock(date(2026, 1, 6)):
        factories.make_plan(user=admin_user, name="Second plan")
    response = get(client, leader, clock, url)
    assert response.status_code == 400
    assert "more than one plan" in response.content.decode()
    assert get(client, leader, clock, url, plan=story.plan.pk).status_code == 200


@pytest.mark.parametrize("url", [CSV, XLSX])
def test_exports_need_a_role(client, clock, story, url):
    assert client.get(url).status_code == 302
    nobody = factories.make_user("nobody", roles=())
    assert get(client, nobody, clock, url).status_code == 403


def test_workbook_is_ready_for_a_board_paper(client, clock, leader, story):
    book = workbook(get(client, leader, clock, XLSX))
    sheet = book.active
    header = [cell.value for cell in sheet[1]]
    assert tuple(header) == COLUMNS
    assert all(cell.font.bold for cell in sheet[1])
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:M{sheet.max_row}"
    assert sheet.max_row == 6
    assert sheet.column_dimensions["B"].width >= 40
    rows = {row[0].value: row for row in sheet.iter_rows(min_row=2)}
    target, last_update = rows["1.1"][4], rows["1.1"][12]
    assert target.value.date() == date(2026, 12, 31)
    assert target.number_format == "yyyy-mm-dd"
    assert last_update.value.date() == date(2026, 3, 20)
    assert rows["2.2"][12].value is None
    assert rows["1.3"][10].value is None  # no open milestones: blank
    fills = {row[5].value: row[5].fill.fgColor.rgb[-6:] for row in rows.values()}
    assert fills == {"red": "CA3535", "amber": "F47738", "complete": "CECECE"}  # GOV.UK palette
    assert rows["1.2"][5].font.color.rgb[-6:] == "FFFFFF"  # white on red
    assert rows["1.1"][5].font.color.rgb[-6:] == "0B0C0C"  # black on amber


def test_workbook_agrees_with_the_csv(client, clock, leader, story):
    for params in ({}, {"as_of": "2026-03-13"}, {"theme": "Edge of care"}):
        rows = csv_rows(get(client, leader, clock, CSV, **params))
        sheet = workbook(get(client, leader, clock, XLSX, **params)).active
        cells = [
            ["" if v is None else v for v in row]
            for row in sheet.iter_rows(min_row=2, values_only=True)
        ]
        assert len(cells) == len(rows)
        for row, values in zip(rows, cells, strict=True):
            for column, value in zip(COLUMNS, values, strict=True):
                if column in ("target_date", "last_update") and value != "":
                    value = value.date().isoformat()
                assert str(value) == row[column].lstrip("'") or column == "title", column


def test_workbook_keeps_formula_text_as_text(client, clock, leader, story):
    sheet = workbook(get(client, leader, clock, XLSX)).active
    cell = next(row[1] for row in sheet.iter_rows(min_row=2) if row[0].value == "2.2")
    assert cell.data_type == "s"
    assert cell.value == '=HYPERLINK("http://example.com","Click")'
    assert cell.quotePrefix
