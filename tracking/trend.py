"""Milestone trend analysis: each milestone's forecast date at each reporting date.

The x axis is the reporting date (month ends from the objective's start to D, plus every date
on which a milestone changed); the y axis is the date then forecast. Both axes use the same
scale, so the diagonal is where a forecast equals the reporting date: a line that rises has
slipped, a flat line is holding its date, and a line that reaches the diagonal is complete (or
has run out of time). Drawn on the server as SVG with a table of the same data; no JavaScript.

The due dates come from the milestones' history (``tracking.history``): one query for the
objective (or none, when the caller hands in the rows ``tracking.timeline.load_records`` already
read), replayed to the end of each reporting date.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.utils import timezone
from django.utils.dateformat import format as format_date

from milestones.models import Milestone

from . import history
from .history import DELETED

# Series styles: colour (at least 3:1 against white), marker shape and dash pattern. The three
# cycle at different lengths, so neighbouring lines differ in more than colour.
COLOURS = ("#1d70b8", "#00703c", "#4c2c92", "#d53880", "#0b0c0c", "#a15600", "#00796b", "#505a5f")
MARKERS = ("circle", "square", "triangle", "diamond", "triangle-down", "cross", "plus")
MARKER_NAMES = {
    "circle": "circles",
    "square": "squares",
    "triangle": "triangles",
    "diamond": "diamonds",
    "triangle-down": "downward triangles",
    "cross": "crosses",
    "plus": "plus signs",
}
DASHES = ("", "8 4", "2 4", "12 4 3 4")
DASH_NAMES = {
    "": "solid line",
    "8 4": "dashed line",
    "2 4": "dotted line",
    "12 4 3 4": "dash-dot line",
}

# Geometry of the drawing, in SVG user units.
LEFT, TOP, PLOT, RIGHT, BOTTOM = 96, 24, 480, 24, 56
LEGEND_ROW = 26
MARKER_SIZE = 4.5


def month_end(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def month_ends(start: date, end: date) -> list[date]:
    ends = []
    current = month_end(start)
    while current <= end:
        ends.append(current)
        current = month_end(current + timedelta(days=1))
    return ends


def short_date(value: date) -> str:
    """ "3 Mar 2026", kept on one line in narrow table cells."""
    return format_date(value, "j\u00a0M\u00a0Y")


@dataclass(frozen=True)
class Point:
    reported: date
    forecast: date
    complete: bool = False
    x: float = 0.0
    y: float = 0.0
    marker: str = ""  # SVG path data for the marker


@dataclass
class Series:
    key: str
    milestone_id: int
    title: str
    colour: str
    marker: str
    dash: str
    points: list[Point] = field(default_factory=list)
    path: str = ""
    legend_y: float = 0.0
    legend_marker: str = ""

    @property
    def style_description(self) -> str:
        return f"{DASH_NAMES[self.dash]} with {MARKER_NAMES[self.marker]}"


@dataclass(frozen=True)
class Cell:
    text: str
    complete: bool = False


@dataclass(frozen=True)
class Row:
    reported: date
    cells: tuple[Cell, ...]


@dataclass(frozen=True)
class Tick:
    pos: float
    label: str


@dataclass
class TrendChart:
    as_of: date
    series: list[Series]
    rows: list[Row]
    width: int = 0
    height: int = 0
    left: int = LEFT
    top: int = TOP
    size: int = PLOT
    x_ticks: list[Tick] = field(default_factory=list)
    y_ticks: list[Tick] = field(default_factory=list)
    diagonal: tuple[float, float, float, float] = (0, 0, 0, 0)
    as_of_x: float = 0.0
    description: str = ""

    @property
    def bottom(self) -> int:
        return self.top + self.size

    @property
    def right(self) -> int:
        return self.left + self.size

    @property
    def legend_top(self) -> int:
        return self.bottom + BOTTOM

    @property
    def x_label_y(self) -> int:
        return self.bottom + 44

    @property
    def x_label_x(self) -> float:
        return self.left + self.size / 2

    @property
    def y_label_x(self) -> int:
        return 16

    @property
    def y_label_y(self) -> float:
        return self.top + self.size / 2

    @property
    def has_data(self) -> bool:
        return bool(self.rows) and any(s.points for s in self.series)


def _local_day(moment) -> date:
    return timezone.localtime(moment).date()


def read_rows(objective_id: int) -> list[dict]:
    """This objective's milestone history, oldest first: one query."""
    return history.records(
        Milestone, "title", "due_date", "completed_on", filter={"objective_id": objective_id}
    )


def milestone_trend(
    objective, as_of: date | None = None, rows: list[dict] | None = None
) -> TrendChart:
    """The trend of every milestone of ``objective`` up to the end of ``as_of`` (today)."""
    as_of = as_of or timezone.localdate()
    rows = read_rows(objective.pk) if rows is None else rows
    cutoff = history.end_of_day(as_of)
    rows = [row for row in rows if row["history_date"] < cutoff]
    by_milestone = history.by_row(rows)

    reporting = set(month_ends(objective.starts_on, as_of))
    reporting |= {_local_day(row["history_date"]) for row in rows}
    reporting.add(as_of)
    dates = sorted(reporting)

    series = []
    ordered = sorted(by_milestone.items(), key=lambda item: (item[1].dates[0], item[0]))
    for index, (milestone_id, recorded) in enumerate(ordered):
        latest_title = next(
            (r["title"] for r in reversed(recorded.records) if r["history_type"] != DELETED), ""
        )
        one = Series(
            key=f"M{index + 1}",
            milestone_id=milestone_id,
            title=latest_title,
            colour=COLOURS[index % len(COLOURS)],
            marker=MARKERS[index % len(MARKERS)],
            dash=DASHES[index % len(DASHES)],
        )
        one.points = _points(recorded, dates)
        series.append(one)

    first_seen = min((s.points[0].reported for s in series if s.points), default=None)
    if first_seen is not None:
        dates = [d for d in dates if d >= first_seen]
    table = (
        [Row(reported=day, cells=tuple(_cell(s, day) for s in series)) for day in dates]
        if first_seen is not None
        else []
    )
    chart = TrendChart(as_of=as_of, series=series, rows=table)
    if chart.has_data:
        _lay_out(chart, dates)
    return chart


def _points(recorded: history.Row, dates: list[date]) -> list[Point]:
    """The milestone as it stood at the end of each reporting date, until it was complete."""
    points = []
    for day in dates:
        state = recorded.at(history.end_of_day(day))
        if state is None or state["history_type"] == DELETED:
            continue
        completed_on = state["completed_on"]
        if completed_on is not None and completed_on <= day:
            points.append(Point(day, completed_on, complete=True))
            break
        points.append(Point(day, state["due_date"]))
    return points


def _cell(series: Series, day: date) -> Cell:
    for point in series.points:
        if point.reported == day:
            if point.complete:
                return Cell(f"Completed {short_date(point.forecast)}", complete=True)
            return Cell(short_date(point.forecast))
    if series.points and series.points[-1].complete and day > series.points[-1].reported:
        return Cell("Complete", complete=True)
    return Cell("")


def _month_ticks(lo: date, hi: date) -> tuple[list[date], int]:
    months = (hi.year - lo.year) * 12 + hi.month - lo.month + 1
    step = next((s for s in (1, 2, 3, 6, 12, 24, 60) if months / s <= 8), 120)
    first = date(lo.year, lo.month, 1)
    if first < lo:
        first = (first + timedelta(days=32)).replace(day=1)
    ticks = []
    current = first
    while current <= hi:
        if (current.month - 1) % min(step, 12) == 0:
            ticks.append(current)
        current = (current + timedelta(days=32)).replace(day=1)
    if step > 12:
        ticks = [t for t in ticks if t.year % (step // 12) == 0]
    return ticks, step


def _marker_path(shape: str, x: float, y: float, r: float = MARKER_SIZE) -> str:
    if shape == "circle":
        return (
            f"M{x - r:.1f} {y:.1f}a{r:.1f} {r:.1f} 0 1 0 {2 * r:.1f} 0"
            f"a{r:.1f} {r:.1f} 0 1 0 {-2 * r:.1f} 0Z"
        )
    if shape == "square":
        s = r * 0.9
        return f"M{x - s:.1f} {y - s:.1f}h{2 * s:.1f}v{2 * s:.1f}h{-2 * s:.1f}Z"
    if shape in ("triangle", "triangle-down"):
        up = 1 if shape == "triangle" else -1
        tip, base = y - up * r * 1.15, y + up * r * 0.75
        return f"M{x:.1f} {tip:.1f}L{x + r:.1f} {base:.1f}L{x - r:.1f} {base:.1f}Z"
    if shape == "diamond":
        d = r * 1.25
        return f"M{x:.1f} {y - d:.1f}L{x + d:.1f} {y:.1f}L{x:.1f} {y + d:.1f}L{x - d:.1f} {y:.1f}Z"
    if shape == "cross":
        a = r * 0.9
        return (
            f"M{x - a:.1f} {y - a:.1f}L{x + a:.1f} {y + a:.1f}"
            f"M{x + a:.1f} {y - a:.1f}L{x - a:.1f} {y + a:.1f}"
        )
    # plus
    return f"M{x - r:.1f} {y:.1f}H{x + r:.1f}M{x:.1f} {y - r:.1f}V{y + r:.1f}"


def _lay_out(chart: TrendChart, dates: list[date]) -> None:
    forecasts = [p.forecast for s in chart.series for p in s.points]
    lo = min([dates[0], *forecasts])
    hi = max([chart.as_of, *forecasts])
    lo = date(lo.year, lo.month, 1)
    hi = month_end(hi)
    span = max((hi - lo).days, 1)
    scale = PLOT / span

    def x(day: date) -> float:
        return LEFT + (day - lo).days * scale

    def y(day: date) -> float:
        return TOP + PLOT - (day - lo).days * scale

    for one in chart.series:
        placed = []
        for point in one.points:
            px, py = x(point.reported), y(point.forecast)
            placed.append(
                Point(
                    point.reported,
                    point.forecast,
                    point.complete,
                    round(px, 1),
                    round(py, 1),
                    _marker_path(one.marker, px, py),
                )
            )
        one.points = placed
        one.path = "M" + "L".join(f"{p.x:.1f} {p.y:.1f}" for p in placed)

    ticks, step = _month_ticks(lo, hi)
    fmt = "Y" if step >= 12 else "M Y"
    chart.x_ticks = [Tick(round(x(t), 1), format_date(t, fmt)) for t in ticks]
    chart.y_ticks = [Tick(round(y(t), 1), format_date(t, fmt)) for t in ticks]
    chart.diagonal = (x(lo), y(lo), x(hi), y(hi))
    chart.as_of_x = round(x(chart.as_of), 1)
    chart.width = LEFT + PLOT + RIGHT
    for index, one in enumerate(chart.series):
        one.legend_y = chart.legend_top + index * LEGEND_ROW + LEGEND_ROW / 2
        one.legend_marker = _marker_path(one.marker, LEFT + 20, one.legend_y)
    chart.height = chart.legend_top + len(chart.series) * LEGEND_ROW + 8
    chart.description = describe(chart)


def describe(chart: TrendChart) -> str:
    """A text summary of the chart for people who cannot see it."""
    first, last = chart.rows[0].reported, chart.rows[-1].reported
    parts = [
        f"Forecast date of each milestone (up the chart) at each reporting date from "
        f"{format_date(first, 'j F Y')} to {format_date(last, 'j F Y')} (along the chart), with "
        "a diagonal line where the forecast equals the reporting date. A rising line has slipped; "
        "a line that reaches the diagonal is complete or out of time."
    ]
    for one in chart.series:
        if not one.points:
            continue
        start, end = one.points[0], one.points[-1]
        pairs = zip(one.points, one.points[1:], strict=False)
        later = sum(1 for a, b in pairs if b.forecast > a.forecast)
        text = (
            f"{one.key} \u2018{one.title}\u2019 ({one.style_description}): first forecast "
            f"{format_date(start.forecast, 'j F Y')}"
        )
        if end.complete:
            text += f", completed {format_date(end.forecast, 'j F Y')}"
        else:
            text += f", now forecast {format_date(end.forecast, 'j F Y')}"
        if later:
            text += f", moved later at {later} reporting date{'s' if later != 1 else ''}"
        parts.append(text + ".")
    return " ".join(parts)
