"""What the dashboard's charts show, as plain data for the templates that draw them as SVG.

Each function takes the selectors' data and returns the chart's scales already worked out:
coordinates (as the text the SVG shows, one decimal place), ticks, labels and each mark's RAG
status. The templates ``dashboard/_rag_trend_chart.svg.html`` and
``dashboard/_bars_chart.svg.html`` draw them: no JavaScript, printable, readable by screen
readers (``role="img"``, a ``<title>`` and a ``<desc>`` saying in words what the chart shows),
every text escaped by the template engine. Colour is never the only cue: each RAG status also
has its own fill pattern, bars carry their numbers, and the page shows a table of the same data
under each chart. Only presentation attributes are used (the Content-Security-Policy forbids
inline styles).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import date

from django.utils.dateformat import format as format_date

from . import rows
from .colours import RAG_COLOURS

STYLES = RAG_COLOURS  # one colour per status everywhere (dashboard.colours)
RAG_ORDER = ("red", "amber", "green", "complete")
# Every template that draws a chart (with what they include): the key a drawn chart is kept
# under in the cache holds their digest, so a changed template draws anew.
TEMPLATES = (
    "dashboard/_rag_trend_chart.svg.html",
    "dashboard/_bars_chart.svg.html",
    "dashboard/_chart_patterns.svg.html",
    "dashboard/_chart_legend.svg.html",
    "includes/_chart_text.svg.html",
)
# Part of every chart's key with the templates' digest: raise it when the way the scales are
# worked out here changes, so that charts drawn before are not shown.
SCALES = "v2"


def _n(value: float) -> str:
    return f"{value:.1f}"


def _text(x, y, content, *, size=14, anchor="start", muted=False) -> dict:
    """A text's position and look (``muted``: the secondary text colour)."""
    return {"x": _n(x), "y": _n(y), "text": content, "size": size, "anchor": anchor, "muted": muted}


def _wrap(label: str, width: int) -> list[str]:
    """Split a label into at most two lines of about ``width`` characters."""
    if len(label) <= width:
        return [label]
    cut = label.rfind(" ", 0, width + 1)
    cut = cut if cut > 0 else width
    first, rest = label[:cut].rstrip(), label[cut:].strip()
    if len(rest) > width:
        rest = rest[: width - 1].rstrip() + "…"
    return [first, rest]


def _label(x: float, y: float, row_h: int, label: str) -> list[dict]:
    """A bar's label, right-aligned before the bar, on one line or two smaller ones."""
    lines = _wrap(label, 30)
    if len(lines) == 1:
        return [_text(x, y + row_h / 2 + 5, label, anchor="end")]
    return [
        _text(x, y + row_h / 2 - 2, lines[0], size=12, anchor="end"),
        _text(x, y + row_h / 2 + 11, lines[1], size=12, anchor="end"),
    ]


def _nice_max(value: int) -> int:
    """A round number at least ``value`` for the top of an axis."""
    if value <= 5:
        return 5
    for step in (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        top = -(-value // step) * step
        if top / step <= 6:
            return top
    return value


def _legend(x: float, y: float, statuses=RAG_ORDER) -> list[dict]:
    """A patterned box and the status's name, for each status in a row."""
    items = []
    for status in statuses:
        name = STYLES[status]["name"]
        label = _text(x + 22, y + 1, name)
        items.append({"status": status, "x": _n(x), "y": _n(y - 12), "label": label})
        x += 40 + 8 * len(name)
    return items


class Chart(Mapping):
    """A chart's scales, worked out on first reading, and its ``key``: what it is drawn from and
    the templates that draw it, the key the dashboard keeps it drawn under (``{% cache %}``).
    A chart found drawn in the cache is never worked out."""

    def __init__(self, kind: str, inputs: tuple, build: Callable[[], dict]):
        self.key = f"{rows.template_digest(*TEMPLATES)}:{SCALES}:{kind}{inputs!r}"
        self._build = build
        self._chart: dict | None = None

    def _worked_out(self) -> dict:
        if self._chart is None:
            self._chart = {**self._build(), "key": self.key}
        return self._chart

    def __getitem__(self, name):
        return self.key if name == "key" else self._worked_out()[name]

    def __iter__(self):
        return iter(self._worked_out())

    def __len__(self) -> int:
        return len(self._worked_out())


def _chart(prefix: str, width: int, height: int, title: str, desc: str, legend: list) -> dict:
    return {
        "prefix": prefix,
        "width": width,
        "height": height,
        "title": title,
        "desc": desc,
        "colours": STYLES,
        "legend": legend,
    }


def rag_trend(points: list[tuple[date, dict[str, int]]], *, prefix: str = "trend") -> Chart:
    """Stacked bars: how many objectives were red, amber, green and complete at each month end."""
    shown = tuple((day, tuple(counts.get(r, 0) for r in RAG_ORDER)) for day, counts in points)
    return Chart("trend", (shown, prefix), lambda: _rag_trend(points, prefix))


def _rag_trend(points: list[tuple[date, dict[str, int]]], prefix: str) -> dict:
    width, height = 720, 340
    left, right, top, bottom = 48, 16, 44, 52
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(counts.values()) for _, counts in points]
    top_value = _nice_max(max(totals, default=0))
    if points:
        first, last = points[0], points[-1]
        words = ", ".join(f"{last[1][r]} {STYLES[r]['name'].lower()}" for r in RAG_ORDER)
        desc = (
            f"Stacked bars for each month end from {format_date(first[0], 'F Y')} to "
            f"{format_date(last[0], 'F Y')}. At the last month end: {words}. "
            "The table below gives every figure."
        )
    else:
        desc = "No month ends to show."
    chart = _chart(
        prefix, width, height, "Objectives by status at each month end", desc, _legend(left, 18)
    )
    # Horizontal grid lines with their values.
    chart["grid"] = [
        {
            "y": _n(top + plot_h - plot_h * i / 5),
            "label": _text(
                left - 6,
                top + plot_h - plot_h * i / 5 + 5,
                f"{top_value * i / 5:g}",
                size=12,
                anchor="end",
                muted=True,
            ),
        }
        for i in range(6)
    ]
    chart["left"], chart["right"], chart["axis_y"] = left, left + plot_w, top + plot_h
    slot = plot_w / max(len(points), 1)
    bar = slot * 0.64
    chart["bars"] = bars = []
    for i, (day, counts) in enumerate(points):
        x = left + slot * i + (slot - bar) / 2
        y = top + plot_h
        segments = []
        for status in RAG_ORDER:
            n = counts.get(status, 0)
            if not n:
                continue
            h = plot_h * n / top_value
            y -= h
            segment = {"status": status, "x": _n(x), "y": _n(y), "width": _n(bar), "height": _n(h)}
            if h >= 16:
                # A white box behind the number keeps it readable over any pattern.
                segment["box"] = {"x": _n(x + bar / 2 - 13), "y": _n(y + h / 2 - 8)}
                segment["number"] = _text(
                    x + bar / 2, y + h / 2 + 5, str(n), size=12, anchor="middle"
                )
            segments.append(segment)
        month = _text(
            x + bar / 2, top + plot_h + 18, format_date(day, "M"), size=12, anchor="middle"
        )
        year = (
            _text(
                x + bar / 2,
                top + plot_h + 34,
                format_date(day, "Y"),
                size=12,
                anchor="middle",
                muted=True,
            )
            if i == 0 or day.month == 1
            else None
        )
        bars.append({"segments": segments, "month": month, "year": year})
    return chart


def horizontal_bars(
    rows: list[tuple[str, list[tuple[str, int]], str]],
    *,
    title: str,
    desc: str,
    prefix: str,
    legend: tuple[str, ...] = (),
    label_width: int = 250,
) -> Chart:
    """Horizontal bars, one per row: (label, [(status, value), ...] stacked, text after the bar)."""
    inputs = (rows, title, desc, prefix, legend, label_width)
    return Chart("bars", inputs, lambda: _horizontal_bars(*inputs))


def _horizontal_bars(rows, title, desc, prefix, legend, label_width) -> dict:
    width = 720
    row_h = 30
    top = 40 if legend else 12
    height = top + row_h * max(len(rows), 1) + 12
    plot_left = label_width + 12
    plot_w = width - plot_left - 150
    biggest = max((sum(v for _, v in parts) for _, parts, _ in rows), default=0)
    scale = plot_w / biggest if biggest else 0
    chart = _chart(prefix, width, height, title, desc, _legend(plot_left, 20, legend))
    chart["rows"] = drawn = []
    for i, (label, parts, after) in enumerate(rows):
        y = top + row_h * i
        x = plot_left
        segments = []
        for status, value in parts:
            if value <= 0:
                continue
            w = max(value * scale, 2)
            segments.append({"status": status, "x": _n(x), "width": _n(w)})
            x += w
        drawn.append(
            {
                "label": _label(label_width, y, row_h, label),
                "y": y + 4,
                "segments": segments,
                "after": _text(x + 8, y + 19, after, size=13),
            }
        )
    chart["bar_height"] = row_h - 8
    chart["empty"] = None if rows else _text(plot_left, top + 19, "Nothing to show", muted=True)
    chart["axis"] = {"x": plot_left, "y1": top - 2, "y2": height - 10}
    return chart


def slip_by_theme(slips, *, prefix: str = "slip") -> Chart:
    """Total days open milestones are later than agreed, for each theme."""
    rows = [
        (
            s.theme,
            [("amber", s.slip_days)],
            f"{s.slip_days} days ({s.slipped} of {s.open_milestones} late)",
        )
        for s in slips
    ]
    worst = slips[0] if slips and slips[0].slip_days else None
    desc = (
        f"Bars for {len(slips)} themes. The most slipped is {worst.theme}, with {worst.slip_days} "
        f"days across {worst.slipped} open milestones. The table below gives every figure."
        if worst
        else "No open milestone is later than agreed."
    )
    return horizontal_bars(
        rows, title="Slip in days by theme", desc=desc, prefix=prefix, label_width=260
    )


def owners_most_red(loads, *, prefix: str = "owners") -> Chart:
    """Owners with the most red objectives (amber stacked after red)."""
    rows = [
        (
            o.name + ("" if o.active else " (has left)"),
            [("red", o.red), ("amber", o.amber)],
            f"{o.red} red, {o.amber} amber",
        )
        for o in loads
    ]
    desc = (
        f"Bars for {len(loads)} owners, most red first. {loads[0].name} owns {loads[0].red} red "
        f"and {loads[0].amber} amber objectives. The table below gives every figure."
        if loads
        else "No owner has a red or amber objective."
    )
    return horizontal_bars(
        rows,
        title="Owners with the most red objectives",
        desc=desc,
        prefix=prefix,
        legend=("red", "amber"),
        label_width=220,
    )
