"""A measure's chart: ``impact.charts`` works out the scales, the template draws the SVG."""

from datetime import date
from decimal import Decimal
from fractions import Fraction

from django.template.loader import render_to_string

from impact import charts
from impact.measure_rules import MeasureStatus
from impact.measure_selectors import MeasureAt, ValueRow

VALUES = (
    ValueRow(date(2025, 6, 30), Decimal("12.1"), Fraction(12), ""),
    ValueRow(date(2025, 9, 30), Decimal("11.05"), Fraction(11), ""),
)


def measure(values=VALUES, as_of=date(2026, 1, 1), name="Re-referrals <12 months & more"):
    status = MeasureStatus("on_track" if values else "no_data", None, None, None)
    return MeasureAt(
        1,
        1,
        name,
        "%",
        "down",
        Decimal("12.5"),
        date(2025, 4, 1),
        Decimal("8"),
        date(2027, 3, 31),
        tuple(values),
        status,
        as_of,
    )


def draw(m) -> str:
    return render_to_string(
        "impact/_measure_chart.svg.html", {"chart": charts.measure_chart(m, prefix="measure-1")}
    )


def test_the_scales_are_worked_out_before_drawing():
    chart = charts.measure_chart(measure(), prefix="measure-1")
    assert [t["label"]["text"] for t in chart["ticks"]] == ["8", "9", "10", "11", "12", "13"]
    assert [d["text"] for d in chart["dates"]] == ["Apr 2025", "Mar 2027"]
    # 556 wide from x 64 over 729 days; 204 high from y 40 over 8 to 13.
    assert chart["trajectory"] == "64.0,60.4 64.0,60.4 620.0,244.0 620.0,244.0"
    assert chart["dots"] == [{"x": "132.6", "y": "76.7"}, {"x": "202.8", "y": "119.6"}]
    svg = draw(measure())
    assert '<polyline points="132.6,76.7 202.8,119.6" fill="none"' in svg
    assert '<circle cx="132.6" cy="76.7" r="4" fill="#1d70b8"/>' in svg


def test_the_chart_is_accessible_and_escaped():
    svg = draw(measure())
    assert svg.startswith("<svg")
    assert 'role="img" aria-labelledby="measure-1-title measure-1-desc"' in svg
    assert (
        '<title id="measure-1-title">Re-referrals &lt;12 months &amp; more: actual values '
        "against the trajectory</title>"
    ) in svg
    assert "baseline 12.5 % on 1 April 2025, target 8 % by 31 March 2027" in svg
    assert "<12" not in svg
    assert "style=" not in svg


def test_without_values_there_is_no_line_of_actual_values():
    svg = draw(measure(values=()))
    assert "No values recorded yet." in svg
    assert svg.count("<polyline") == 1  # the trajectory only
    assert "<circle" not in svg
    assert draw(measure()).count("<polyline") == 2


def test_the_day_shown_is_marked_only_before_the_chart_ends():
    assert ">1 Jan 2026</text>" in draw(measure())
    assert 'stroke-dasharray="2 3"' in draw(measure())
    late = measure(as_of=date(2027, 3, 31))
    assert 'stroke-dasharray="2 3"' not in draw(late)
