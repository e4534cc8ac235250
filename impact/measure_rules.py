"""The status of a measure of impact at a date D (docs/drift-rules.md, "Measures of impact at D").

Pure functions of plain values: no database, no clock. Arithmetic is exact (fractions), so a
value exactly on a boundary always falls the same side of it.

At D, with the values whose period ended on or before D:
- ``no_data``: there is no such value, or the latest ended more than ``stale_after_days``
  before D (exactly ``stale_after_days`` still counts, as for a stale objective);
- otherwise the latest value is compared with the trajectory, the straight line from
  (``baseline_on``, ``baseline_value``) to (``target_on``, ``target_value``), at that value's
  ``period_end`` (before the baseline date the line is the baseline; after the target date, the
  target). The shortfall is how far the value is on the wrong side of the line (below it when
  higher is better, above it when lower is better):
  - ``on_track``: no shortfall (at or better than the line);
  - ``behind``: a shortfall of at most 10% of |target − baseline|;
  - ``off_track``: a larger shortfall.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from fractions import Fraction

ON_TRACK = "on_track"
BEHIND = "behind"
OFF_TRACK = "off_track"
NO_DATA = "no_data"
STATUSES = (ON_TRACK, BEHIND, OFF_TRACK, NO_DATA)
WORST_FIRST = (OFF_TRACK, BEHIND, NO_DATA, ON_TRACK)
LABELS = {
    ON_TRACK: "On track",
    BEHIND: "Behind",
    OFF_TRACK: "Off track",
    NO_DATA: "No recent data",
}
UP = "up"
DOWN = "down"
BEHIND_SHARE = Fraction(1, 10)

Number = Decimal | int | Fraction


@dataclass(frozen=True)
class MeasureSpec:
    direction: str
    baseline_value: Number
    baseline_on: date
    target_value: Number
    target_on: date


@dataclass(frozen=True)
class Reading:
    period_end: date
    value: Number


@dataclass(frozen=True)
class MeasureStatus:
    status: str
    latest: Reading | None
    expected: Fraction | None  # the trajectory at the latest value's period_end
    shortfall: Fraction | None  # > 0 when worse than the trajectory

    @property
    def label(self) -> str:
        return LABELS[self.status]


def _f(value: Number) -> Fraction:
    return Fraction(value)


def trajectory(spec: MeasureSpec, on: date) -> Fraction:
    """The straight line from baseline to target at ``on`` (flat before and after)."""
    start, end = _f(spec.baseline_value), _f(spec.target_value)
    if on <= spec.baseline_on:
        return start
    if on >= spec.target_on:
        return end
    elapsed = (on - spec.baseline_on).days
    span = (spec.target_on - spec.baseline_on).days
    return start + (end - start) * Fraction(elapsed, span)


def shortfall(spec: MeasureSpec, value: Number, on: date) -> Fraction:
    """How much worse than the trajectory ``value`` is at ``on`` (0 or less: at or better)."""
    expected = trajectory(spec, on)
    value = _f(value)
    return expected - value if spec.direction == UP else value - expected


def latest_reading(readings: Iterable[Reading], as_of: date) -> Reading | None:
    found = [r for r in readings if r.period_end <= as_of]
    return max(found, key=lambda r: r.period_end) if found else None


def measure_status(
    spec: MeasureSpec, readings: Iterable[Reading], as_of: date, *, stale_after_days: int
) -> MeasureStatus:
    latest = latest_reading(readings, as_of)
    if latest is None or (as_of - latest.period_end).days > stale_after_days:
        return MeasureStatus(NO_DATA, latest, None, None)
    expected = trajectory(spec, latest.period_end)
    gap = shortfall(spec, latest.value, latest.period_end)
    allowed = BEHIND_SHARE * abs(_f(spec.target_value) - _f(spec.baseline_value))
    if gap <= 0:
        status = ON_TRACK
    elif gap <= allowed:
        status = BEHIND
    else:
        status = OFF_TRACK
    return MeasureStatus(status, latest, expected, gap)


def count_statuses(statuses: Iterable[str]) -> dict[str, int]:
    counts = dict.fromkeys(STATUSES, 0)
    for status in statuses:
        counts[status] += 1
    return counts


def worst(statuses: Iterable[str]) -> str | None:
    """The worst status among several (off track, behind, no recent data, on track), or None."""
    found = set(statuses)
    return next((s for s in WORST_FIRST if s in found), None)
