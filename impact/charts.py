"""A measure's chart, drawn on the server as SVG: its actual values against the trajectory.

Plain data in, SVG markup out (``SafeString``) with ``role="img"``, a ``<title>`` and a
``<desc>`` in words; every text is escaped and only presentation attributes are used (the
Content-Security-Policy forbids inline styles). The page shows a table of the same data.
"""

from __future__ import annotations

import math
from datetime import date
from fractions import Fraction

from django.utils.dateformat import format as format_date
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .selectors import MeasureAt, number

FONT = 'font-family="Arial, Helvetica, sans-serif"'
TEXT = "#0b0c0c"
SECONDARY = "#505a5f"
GRID = "#b1b4b6"
ACTUAL = "#1d70b8"
TRAJECTORY = "#505a5f"
WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 64, 20, 40, 56


def _text(x, y, content, *, size=13, anchor="start", fill=TEXT) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" {FONT} font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}">{escape(content)}</text>'
    )


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


def measure_chart(m: MeasureAt, *, prefix: str) -> SafeString:
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
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {WIDTH} {HEIGHT}" width="100%" '
        f'role="img" aria-labelledby="{prefix}-title {prefix}-desc" focusable="false" '
        f'class="app-chart" preserveAspectRatio="xMinYMin meet">',
        f'<title id="{prefix}-title">{escape(m.name)}: actual values against the '
        "trajectory</title>",
        f'<desc id="{prefix}-desc">{escape(desc)}</desc>',
    ]
    for tick in ticks:
        ty = y(tick)
        parts.append(
            f'<line x1="{LEFT}" y1="{ty:.1f}" x2="{WIDTH - RIGHT}" y2="{ty:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_text(LEFT - 8, ty + 4, number(tick), anchor="end", fill=SECONDARY))
    for day, anchor in ((first, "start"), (last, "end")):
        parts.append(_text(x(day), HEIGHT - BOTTOM + 20, format_date(day, "M Y"), anchor=anchor))
    # the trajectory: flat before the baseline date and after the target date
    parts.append(
        f'<polyline points="{x(first):.1f},{y(m.baseline_value):.1f} '
        f"{x(m.baseline_on):.1f},{y(m.baseline_value):.1f} "
        f'{x(m.target_on):.1f},{y(m.target_value):.1f} {x(last):.1f},{y(m.target_value):.1f}" '
        f'fill="none" stroke="{TRAJECTORY}" stroke-width="2" stroke-dasharray="6 4"/>'
    )
    if m.values:
        points = " ".join(f"{x(v.period_end):.1f},{y(v.value):.1f}" for v in m.values)
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{ACTUAL}" stroke-width="3"/>'
        )
        for v in m.values:
            parts.append(
                f'<circle cx="{x(v.period_end):.1f}" cy="{y(v.value):.1f}" r="4" fill="{ACTUAL}"/>'
            )
    if m.as_of < last:
        parts.append(
            f'<line x1="{x(m.as_of):.1f}" y1="{TOP}" x2="{x(m.as_of):.1f}" y2="{HEIGHT - BOTTOM}" '
            f'stroke="{TEXT}" stroke-width="1" stroke-dasharray="2 3"/>'
        )
        parts.append(_text(x(m.as_of), TOP - 6, format_date(m.as_of, "j M Y"), anchor="middle"))
    legend_y = HEIGHT - 12
    parts.append(
        f'<line x1="{LEFT}" y1="{legend_y - 4}" x2="{LEFT + 28}" y2="{legend_y - 4}" '
        f'stroke="{ACTUAL}" stroke-width="3"/>'
    )
    parts.append(_text(LEFT + 34, legend_y, "Actual values"))
    parts.append(
        f'<line x1="{LEFT + 160}" y1="{legend_y - 4}" x2="{LEFT + 188}" y2="{legend_y - 4}" '
        f'stroke="{TRAJECTORY}" stroke-width="2" stroke-dasharray="6 4"/>'
    )
    parts.append(_text(LEFT + 194, legend_y, "Trajectory from baseline to target"))
    parts.append("</svg>")
    return mark_safe("".join(parts))  # noqa: S308 (every text above is escaped)
