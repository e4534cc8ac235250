"""The dashboard's date: GOV.UK day, month and year boxes, and ``?as_of=YYYY-MM-DD`` addresses."""

import pytest

from .conftest import TODAY
from .test_views import ACCOUNTABILITY, URL, get

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", [URL, ACCOUNTABILITY])
def test_the_date_is_entered_in_day_month_and_year_boxes(client, clock, leader, story, url):
    html = get(client, leader, clock, url).content.decode()
    assert 'type="date"' not in html
    for part in ("day", "month", "year"):
        assert f'name="as_of_{part}"' in html
    assert "govuk-date-input" in html


@pytest.mark.parametrize("url", [URL, ACCOUNTABILITY])
def test_the_boxes_move_to_the_as_of_address_keeping_the_filters(client, clock, leader, story, url):
    params = {"as_of_day": "3", "as_of_month": "3", "as_of_year": "2026", "rag": "red"}
    response = get(client, leader, clock, url, **params)
    assert response.status_code == 302
    assert response["Location"] == f"{url}?rag=red&as_of=2026-03-03"


def test_an_as_of_address_fills_in_the_boxes(client, clock, leader, story):
    html = get(client, leader, clock, as_of="2026-03-31").content.decode()
    assert 'name="as_of_day" type="text" inputmode="numeric" value="31"' in html
    assert 'name="as_of_month" type="text" inputmode="numeric" value="03"' in html
    assert 'name="as_of_year" type="text" inputmode="numeric" value="2026"' in html


@pytest.mark.parametrize(
    ("boxes", "message", "field"),
    [
        (("31", "", "2026"), "Date to show must include a month", "as_of_month"),
        (("31", "2", "2026"), "Date to show must be a real date", "as_of_day"),
        (("1", "1", "26"), "Year must include 4 numbers", "as_of_year"),
        (("x" * 5000, "1", "2026"), "Date to show must be a real date", "as_of_day"),
    ],
)
def test_a_wrong_date_in_the_boxes_is_a_govuk_error(
    client, clock, leader, story, boxes, message, field
):
    day, month, year = boxes
    response = get(client, leader, clock, as_of_day=day, as_of_month=month, as_of_year=year)
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert f'href="#id_{field}"' in html
    assert message in html


def test_today_is_the_default(client, clock, leader, story):
    html = get(client, leader, clock).content.decode()
    assert TODAY.strftime("%-d %B %Y") in html
