"""Server-drawn SVG charts: accessible, escaped, no inline style or script; drawn by templates
from the data ``dashboard.charts`` works out, and kept drawn under a key of what they show."""

import re
from datetime import date

import pytest
from django.core.cache import cache
from django.core.cache.utils import make_template_fragment_key
from django.template.loader import get_template, render_to_string

from dashboard import charts, selectors
from dashboard.filters import Filters
from dashboard.selectors import OwnerRedAmber, ThemeSlip
from milestones import services as milestone_services

from .conftest import TODAY

POINTS = [
    (date(2026, 1, 31), {"red": 2, "amber": 3, "green": 5, "complete": 0}),
    (date(2026, 2, 28), {"red": 4, "amber": 1, "green": 4, "complete": 1}),
]
TREND = "dashboard/_rag_trend_chart.svg.html"
BARS = "dashboard/_bars_chart.svg.html"


def draw(template: str, chart: dict) -> str:
    return render_to_string(template, {"chart": chart})


def test_trend_chart_is_an_accessible_image():
    svg = draw(TREND, charts.rag_trend(POINTS))
    assert svg.startswith("<svg")
    assert 'role="img"' in svg
    assert 'aria-labelledby="trend-title trend-desc"' in svg
    assert '<title id="trend-title">Objectives by status at each month end</title>' in svg
    assert "At the last month end: 4 red, 1 amber, 4 green, 1 complete." in svg
    # Every status has its own pattern as well as its colour, and a legend in words.
    for status in ("red", "amber", "green", "complete"):
        assert f'id="trend-{status}"' in svg
    for word in ("Red", "Amber", "Green", "Complete"):
        assert f">{word}</text>" in svg
    assert "style=" not in svg
    assert "<script" not in svg


def test_trend_chart_scales_are_worked_out_before_drawing():
    chart = charts.rag_trend(POINTS)
    # 720 by 340, the plot 656 by 244 from (48, 44): two slots of 328, bars 64% wide.
    # 10 objectives at most: the axis goes to 10, in fifths.
    assert [line["label"]["text"] for line in chart["grid"]] == ["0", "2", "4", "6", "8", "10"]
    first = chart["bars"][0]
    assert [s["status"] for s in first["segments"]] == ["red", "amber", "green"]
    assert first["segments"][0] == {
        "status": "red",
        "x": "107.0",
        "y": "239.2",
        "width": "209.9",
        "height": "48.8",
        "box": {"x": "199.0", "y": "255.6"},
        "number": {
            "x": "212.0",
            "y": "268.6",
            "text": "2",
            "size": 12,
            "anchor": "middle",
            "muted": False,
        },
    }
    assert (first["month"]["text"], first["year"]["text"]) == ("Jan", "2026")
    assert chart["bars"][1]["year"] is None
    svg = draw(TREND, chart)
    assert (
        '<rect x="107.0" y="239.2" width="209.9" height="48.8" fill="url(#trend-red)" '
        'stroke="#ffffff" stroke-width="1"/>'
    ) in svg


def test_text_is_escaped():
    slips = [ThemeSlip('<script>alert("x")</script> & co', 4, 2, 30, 20)]
    svg = draw(BARS, charts.slip_by_theme(slips))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    loads = [OwnerRedAmber("eve", "Eve <b>Bold</b>", False, 2, 1, 5)]
    svg = draw(BARS, charts.owners_most_red(loads))
    assert "<b>" not in svg
    assert "(has left)" in svg
    assert "2 red, 1 amber" in svg


def test_empty_charts_say_so():
    assert "No month ends to show." in draw(TREND, charts.rag_trend([]))
    assert "No open milestone is later than agreed." in draw(BARS, charts.slip_by_theme([]))
    assert "No owner has a red or amber objective." in draw(BARS, charts.owners_most_red([]))
    assert ">Nothing to show</text>" in draw(BARS, charts.owners_most_red([]))


def test_long_labels_wrap():
    slips = [ThemeSlip("Engaging young people: Bright Futures, Big Minds", 4, 1, 9, 9)]
    svg = draw(BARS, charts.slip_by_theme(slips))
    assert ">Engaging young people: Bright</text>" in svg
    assert ">Futures, Big Minds</text>" in svg


def _included(name: str) -> set[str]:
    """The template and every template it includes, all the way down."""
    found = {name}
    for other in re.findall(r'{% include "([^"]+)"', get_template(name).template.source):
        found |= _included(other)
    return found


def test_the_key_a_chart_is_kept_under_covers_every_template_that_draws_it():
    assert _included(TREND) | _included(BARS) == set(charts.TEMPLATES)
    digest = charts.rows.template_digest(*charts.TEMPLATES)
    assert charts.rag_trend(POINTS)["key"].startswith(digest)
    assert charts.slip_by_theme([])["key"].startswith(digest)


def test_the_key_changes_with_what_the_chart_shows():
    keys = {
        charts.rag_trend(POINTS)["key"],
        charts.rag_trend(POINTS[:1])["key"],
        charts.rag_trend(POINTS, prefix="pack-trend")["key"],
        charts.slip_by_theme([ThemeSlip("A", 4, 2, 30, 20)])["key"],
        charts.slip_by_theme([ThemeSlip("A", 4, 2, 31, 20)])["key"],
    }
    assert len(keys) == 5
    assert charts.rag_trend(POINTS)["key"] == charts.rag_trend(list(POINTS))["key"]


def _slip_svg(html: str) -> str:
    return re.search(r'<svg[^>]*aria-labelledby="slip-title slip-desc".*?</svg>', html, re.S)[0]


@pytest.mark.django_db
def test_the_dashboard_keeps_its_charts_drawn_and_shows_each_change(
    client, clock, leader, admin_user, story
):
    """A chart is kept drawn under what it shows: a change draws it anew."""
    client.force_login(leader)
    with clock(TODAY):
        before = _slip_svg(client.get("/dashboard/").content.decode())
        shown = selectors.dashboard(story.plan, TODAY, Filters()).theme_slips
        key = make_template_fragment_key("dashboard-chart", [charts.slip_by_theme(shown)["key"]])
        assert cache.get(key) == before
        assert _slip_svg(client.get("/dashboard/").content.decode()) == before  # from the cache
        milestone = story.overdue.milestones.get()
        milestone_services.milestone_reschedule(
            milestone=milestone, user=admin_user, due_date=date(2026, 5, 29), reason="Venue late"
        )
        after = _slip_svg(client.get("/dashboard/").content.decode())
    assert after != before
    assert "Edge of care" in after
