"""What a measure's chart shows, as plain data: its actual values against the trajectory.

``measure_chart`` works out the scales (coordinates as the text the SVG shows, one decimal
place), ticks and labels; the template ``impact/_measure_chart.svg.html`` draws the SVG with
``role="img"``, a ``<title>`` and a ``<desc>`` in words, every text escaped by the template
engine and only presentation attributes (the Content-Security-Policy forbids inline styles). The
page shows a table of the same data.
"""

from __future__ import annotations

import math
from datetime import date
from fractions import Fraction

from django.utils.dateformat import format as format_date

from kit.formatting import number

from .measure_selectors import MeasureAt

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 20, 40, 56
TEMPLATES = ("impact/_measure_chart.svg.html", "includes/_chart_text.svg.html")


def _n(value: float) -> str:
    return f"{value:.1f}"


def _text(x, y, content, *, anchor="start", muted=False) -> dict:
    """A text's position and look (``muted``: the secondary text colour)."""
    return {"x": _n(x), "y": _n(y), "text": content, "size": 13, "anchor": anchor, "muted": muted}


def _ticks(low: float, high: float, count: int = 5) -> list[float]:
    """Round values for the axis, from at or below ``low`` to at or above ``high``."""
    if high <= low:
        low, high = low - 1, high + 1
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    value = math.floor(low / step) * step
    ticks = [value]
    while ticks[-1] < high - step * 1e-9:
        ticks.append(ticks[-1] + step)
    return [round(t, 6) for t in ticks]


def measure_chart(m: MeasureAt, *, prefix: str) -> dict:
    """Actual values (a line with dots) against the straight trajectory (a dashed line)."""
    first = min([m.baseline_on, *(v.period_end for v in m.values)])
    last = max([m.target_on, *(v.period_end for v in m.values), m.as_of])
    span = max((last - first).days, 1)
    numbers = [float(m.baseline_value), float(m.target_value), *(float(v.value) for v in m.values)]
    ticks = _ticks(min(numbers), max(numbers))
    low, high = ticks[0], ticks[-1]
    plot_w = WIDTH - LEFT - RIGHT
    plot_h = HEIGHT - TOP - BOTTOM

    def x(day: date) -> float:
        return LEFT + plot_w * (day - first).days / span

    def y(value) -> float:
        value = (
            float(value) if not isinstance(value, Fraction) else value.numerator / value.denominator
        )
        return TOP + plot_h * (1 - (value - low) / (high - low or 1))

    def point(day: date, value) -> str:
        return f"{_n(x(day))},{_n(y(value))}"

    unit = f" {m.unit}" if m.unit else ""
    latest = m.latest
    desc = (
        f"{m.name}: baseline {number(m.baseline_value)}{unit} "
        f"on {format_date(m.baseline_on, 'j F Y')}, "
        f"target {number(m.target_value)}{unit} by {format_date(m.target_on, 'j F Y')} "
        f"({m.direction_label.lower()}). "
        + (
            f"Latest value {number(latest.value)}{unit} for the period ending "
            f"{format_date(latest.period_end, 'j F Y')}: {m.status_label.lower()}."
            if latest
            else "No values recorded yet."
        )
    )
    as_of_x = _n(x(m.as_of))
    legend_y = HEIGHT - 12
    return {
        "prefix": prefix,
        "width": WIDTH,
        "height": HEIGHT,
        "name": m.name,
        "desc": desc,
        "left": LEFT,
        "right": WIDTH - RIGHT,
        "top": TOP,
        "bottom": HEIGHT - BOTTOM,
        "ticks": [
            {"y": _n(y(t)), "label": _text(LEFT - 8, y(t) + 4, number(t), anchor="end", muted=True)}
            for t in ticks
        ],
        "dates": [
            _text(x(day), HEIGHT - BOTTOM + 20, format_date(day, "M Y"), anchor=anchor)
            for day, anchor in ((first, "start"), (last, "end"))
        ],
        # the trajectory: flat before the baseline date and after the target date
        "trajectory": " ".join(
            (
                point(first, m.baseline_value),
                point(m.baseline_on, m.baseline_value),
                point(m.target_on, m.target_value),
                point(last, m.target_value),
            )
        ),
        "actual": " ".join(point(v.period_end, v.value) for v in m.values),
        "dots": [{"x": _n(x(v.period_end)), "y": _n(y(v.value))} for v in m.values],
        "as_of": (
            {
                "x": as_of_x,
                "label": _text(x(m.as_of), TOP - 6, format_date(m.as_of, "j M Y"), anchor="middle"),
            }
            if m.as_of < last
            else None
        ),
        "legend": {
            "line_y": legend_y - 4,
            "actual": (LEFT, LEFT + 28, _text(LEFT + 34, legend_y, "Actual values")),
            "trajectory": (
                LEFT + 160,
                LEFT + 188,
                _text(LEFT + 194, legend_y, "Trajectory from baseline to target"),
            ),
        },
    }
