"""Server-drawn SVG charts: accessible, escaped, no inline style or script."""

from datetime import date

from dashboard import charts
from dashboard.selectors import OwnerRedAmber, ThemeSlip

POINTS = [
    (date(2026, 1, 31), {"red": 2, "amber": 3, "green": 5, "complete": 0}),
    (date(2026, 2, 28), {"red": 4, "amber": 1, "green": 4, "complete": 1}),
]


def test_trend_chart_is_an_accessible_image():
    svg = str(charts.rag_trend(POINTS))
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


def test_text_is_escaped():
    slips = [ThemeSlip('<script>alert("x")</script> & co', 4, 2, 30, 20)]
    svg = str(charts.slip_by_theme(slips))
    assert "<script>" not in svg
    assert "&lt;script&gt;" in svg
    loads = [OwnerRedAmber("eve", "Eve <b>Bold</b>", False, 2, 1, 5)]
    svg = str(charts.owners_most_red(loads))
    assert "<b>" not in svg
    assert "(has left)" in svg
    assert "2 red, 1 amber" in svg


def test_empty_charts_say_so():
    assert "No month ends to show." in str(charts.rag_trend([]))
    assert "No open milestone is later than agreed." in str(charts.slip_by_theme([]))
    assert "No owner has a red or amber objective." in str(charts.owners_most_red([]))


def test_long_labels_wrap():
    slips = [ThemeSlip("Engaging young people: Bright Futures, Big Minds", 4, 1, 9, 9)]
    svg = str(charts.slip_by_theme(slips))
    assert ">Engaging young people: Bright</text>" in svg
    assert ">Futures, Big Minds</text>" in svg
