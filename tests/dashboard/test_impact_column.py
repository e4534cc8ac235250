"""The dashboard's Impact column: each objective's measures by status beside its delivery
status, drawn with the row (and its cached copy) so a new value shows at once."""

import re
from datetime import date
from decimal import Decimal

import pytest

from impact import value_services as impact_value_services
from tests import factories

from .conftest import TODAY, cached

URL = "/dashboard/"
TABLES = ("objectives-table", "objectives-rest-table")  # red and amber; green and complete


def _rows(response) -> dict[str, list[str]]:
    """ref -> the row's cells as words."""
    html = response.content.decode()
    tables = [
        html.split(f'id="{t}"', 1)[1].split("</table>")[0] for t in TABLES if f'id="{t}"' in html
    ]
    found = {}
    for table in tables:
        found.update(_cells(table))
    return found


def _cells(table) -> dict[str, list[str]]:
    found = {}
    for row in re.findall(r"<tr class=\"govuk-table__row\"[^>]*>(.*?)</tr>", table, flags=re.S)[1:]:
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        words = [re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", c)).strip() for c in cells]
        found[words[0]] = words
    return found


def _headings(response) -> list[str]:
    table = response.content.decode().split('id="objectives-table"', 1)[1].split("</thead>")[0]
    return re.findall(r'<th scope="col" class="govuk-table__header">([^<]+)</th>', table)


@pytest.fixture
def measures(clock, story, admin_user, manager):
    line = {"baseline_on": date(2026, 1, 1), "target_on": date(2026, 12, 31)}
    with clock(date(2026, 1, 6)):
        on = factories.make_measure(story.slipping, user=admin_user, name="Caseloads", **line)
        behind = factories.make_measure(story.slipping, user=admin_user, name="Visits", **line)
        factories.make_measure(story.overdue, user=admin_user, name="Conferences", **line)
    with clock(date(2026, 4, 2)):  # the line stands at 54.95 on 1 April
        for measure, value in ((on, "56"), (behind, "54")):
            impact_value_services.measure_value_create(
                user=manager, measure=measure, period_end=date(2026, 4, 1), value=Decimal(value)
            )
    return {"on": on, "behind": behind}


@cached
def test_impact_sits_beside_delivery_and_a_new_value_shows(client, clock, story, measures, leader):
    client.force_login(leader)
    with clock(TODAY):
        first = client.get(URL)
    headings = _headings(first)
    assert headings.index("Impact") == headings.index("Status") + 1
    rows = _rows(first)
    status, impact = headings.index("Status"), headings.index("Impact")
    assert rows["1.1"][impact] == "1 on track, 1 behind"
    assert rows["2.1"][impact] == "1 no recent data"
    assert rows["1.2"][impact] == "No measures"
    # a new value changes the impact, never the delivery status
    with clock(TODAY):
        impact_value_services.measure_value_create(
            user=story.slipping.owner,
            measure=measures["behind"],
            period_end=date(2026, 4, 8),
            value=Decimal("60"),
        )
        second = client.get(URL)
    again = _rows(second)
    assert again["1.1"][impact] == "2 on track"
    assert again["1.1"][status] == rows["1.1"][status]
    assert {ref: cells[status] for ref, cells in again.items()} == {
        ref: cells[status] for ref, cells in rows.items()
    }


@pytest.mark.django_db
def test_impact_on_a_past_date(client, clock, story, measures, leader):
    client.force_login(leader)
    with clock(TODAY):
        response = client.get(URL, {"as_of": "2026-03-31"})
    impact = _headings(response).index("Impact")
    rows = _rows(response)
    assert rows["1.1"][impact] == "2 no recent data"  # no value yet on 31 March
    assert rows["1.2"][impact] == "No measures"


@pytest.mark.django_db
def test_an_owner_with_no_update_says_so(client, clock, story, leader):
    client.force_login(leader)
    with clock(TODAY):
        response = client.get("/dashboard/accountability/")
    html = response.content.decode()
    table = html.split('class="govuk-table__body"', 1)[1]
    assert ">None<" not in html
    assert "No updates yet" in table
