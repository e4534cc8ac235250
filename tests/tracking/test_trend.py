"""Milestone trend analysis: forecast dates at each reporting date, as data, SVG and table."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext

from milestones import services as milestone_services
from tests import factories
from tracking import trend

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(day: date, hour: int = 12):
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=LONDON), tick=False)


@pytest.fixture(autouse=True)
def frozen_clock():
    with at(date(2025, 6, 10)):
        yield


@pytest.fixture
def objective(admin_user, manager):
    """Two milestones: one slips twice, the other is completed."""
    with at(date(2025, 1, 10)):
        objective = factories.make_objective(
            user=admin_user, owner=manager, starts_on=date(2025, 1, 1)
        )
        slips = factories.make_milestone(
            objective, user=admin_user, title="Slips", due_date=date(2025, 4, 30)
        )
        done = factories.make_milestone(
            objective, user=admin_user, title="Done", due_date=date(2025, 3, 31)
        )
    with at(date(2025, 3, 15)):
        milestone_services.milestone_reschedule(
            milestone=slips, user=manager, due_date=date(2025, 6, 30), reason="Delay"
        )
    with at(date(2025, 3, 28)):
        milestone_services.milestone_complete(
            milestone=done, user=manager, completed_on=date(2025, 3, 28)
        )
    with at(date(2025, 5, 20)):
        milestone_services.milestone_reschedule(
            milestone=slips, user=manager, due_date=date(2025, 8, 31), reason="Again"
        )
    return objective


def test_month_ends():
    assert trend.month_ends(date(2025, 1, 15), date(2025, 4, 30)) == [
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 31),
        date(2025, 4, 30),
    ]
    assert trend.month_ends(date(2024, 2, 1), date(2024, 2, 28)) == []
    assert trend.month_ends(date(2024, 2, 1), date(2024, 2, 29)) == [date(2024, 2, 29)]


def test_reporting_dates_are_month_ends_change_dates_and_today(objective):
    chart = trend.milestone_trend(objective)
    assert [row.reported for row in chart.rows] == [
        date(2025, 1, 10),  # the milestones were added
        date(2025, 1, 31),
        date(2025, 2, 28),
        date(2025, 3, 15),
        date(2025, 3, 28),
        date(2025, 3, 31),
        date(2025, 4, 30),
        date(2025, 5, 20),
        date(2025, 5, 31),
        date(2025, 6, 10),  # today
    ]


def test_each_milestone_has_its_forecast_at_each_reporting_date(objective):
    chart = trend.milestone_trend(objective)
    slips, done = chart.series
    assert (slips.key, slips.title, done.key, done.title) == ("M1", "Slips", "M2", "Done")
    forecasts = {p.reported: p.forecast for p in slips.points}
    assert forecasts[date(2025, 1, 31)] == date(2025, 4, 30)
    assert forecasts[date(2025, 3, 15)] == date(2025, 6, 30)
    assert forecasts[date(2025, 5, 20)] == date(2025, 8, 31)
    assert forecasts[date(2025, 6, 10)] == date(2025, 8, 31)
    # The completed milestone's line reaches the diagonal and stops there.
    assert done.points[-1].complete
    assert done.points[-1].reported == done.points[-1].forecast == date(2025, 3, 28)
    assert len(done.points) == 5  # 10 Jan, 31 Jan, 28 Feb, 15 Mar, 28 Mar


def test_the_table_has_the_same_data(objective):
    chart = trend.milestone_trend(objective)
    rows = {
        row.reported: [cell.text.replace("\u00a0", " ") for cell in row.cells] for row in chart.rows
    }
    assert rows[date(2025, 1, 31)] == ["30 Apr 2025", "31 Mar 2025"]
    assert rows[date(2025, 3, 28)] == ["30 Jun 2025", "Completed 28 Mar 2025"]
    assert rows[date(2025, 4, 30)] == ["30 Jun 2025", "Complete"]


def test_as_of_cuts_the_chart_at_that_day(objective):
    chart = trend.milestone_trend(objective, as_of=date(2025, 3, 20))
    assert chart.rows[-1].reported == date(2025, 3, 20)
    slips = chart.series[0]
    assert slips.points[-1].forecast == date(2025, 6, 30)
    assert not chart.series[1].points[-1].complete


def test_the_diagonal_is_at_45_degrees_and_points_sit_on_the_same_scale(objective):
    chart = trend.milestone_trend(objective)
    x1, y1, x2, y2 = chart.diagonal
    assert abs((x2 - x1) - (y1 - y2)) < 0.01
    done = chart.series[1].points[-1]
    # a completed point has forecast == reporting date, so it lies on the diagonal
    expected_y = y1 - (done.x - x1)
    assert abs(done.y - expected_y) < 0.2


def test_series_differ_in_marker_and_dash_not_only_colour(objective):
    slips, done = trend.milestone_trend(objective).series
    assert slips.marker != done.marker
    assert slips.dash != done.dash
    assert slips.colour != done.colour


def test_one_query_for_the_objective(objective):
    with CaptureQueriesContext(connection) as queries:
        trend.milestone_trend(objective)
    assert len(queries) == 1
    assert "historicalmilestone" in queries[0]["sql"]


def test_no_milestones_no_chart(admin_user):
    objective = factories.make_objective(user=admin_user)
    chart = trend.milestone_trend(objective)
    assert not chart.has_data
    html = render_to_string(
        "objectives/_trend.html", {"trend": chart, "shown": {"ref": objective.ref}}
    )
    assert "there is no trend to show" in html
    assert "<svg" not in html


def test_the_svg_is_accessible_and_has_no_inline_style(objective):
    chart = trend.milestone_trend(objective)
    html = render_to_string("objectives/_trend.html", {"trend": chart, "shown": {"ref": "1.1"}})
    assert 'role="img"' in html
    assert 'aria-labelledby="trend-title trend-desc"' in html
    assert '<title id="trend-title">Milestone trend analysis for objective 1.1</title>' in html
    assert "M1 \u2018Slips\u2019 (solid line with circles): first forecast 30 April 2025" in html
    assert "now forecast 31 August 2025, moved later at 2 reporting dates" in html
    assert "completed 28 March 2025" in html
    assert "style=" not in html
    assert "<script" not in html
    assert html.count('<th scope="row" class="govuk-table__header">') == len(chart.rows)


def test_titles_are_escaped_in_the_svg(admin_user):
    objective = factories.make_objective(user=admin_user)
    factories.make_milestone(objective, user=admin_user, title='</text><script>x</script>"')
    chart = trend.milestone_trend(objective)
    html = render_to_string("objectives/_trend.html", {"trend": chart, "shown": {"ref": "1"}})
    assert "<script>x" not in html
    assert "&lt;/text&gt;&lt;script&gt;" in html
