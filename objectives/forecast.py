"""The likely finish (docs/drift-rules.md, "Likely finish"): a reference-class forecast from
the plan's own record, after the Green Book's optimism bias. Pure: no database, no clock.

Owners' forecasts tend to be optimistic; the milestones the plan has already finished say by
how much. The overruns are kept as exact fractions so that a finish a whole number of days
away never rounds up by a day through floating point. It is a forecast shown beside the
record: never a flag, never a change to a colour.
"""

from __future__ import annotations

import functools
import struct
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from fractions import Fraction
from typing import NamedTuple

MIN_PLANNED_DAYS = 14  # shorter milestones say little about overrun
MIN_CLASS_SIZE = 10  # fewer finished milestones than this: no forecast
LIKELY, LIKELY_80 = 50, 80  # the percentiles of overrun used
NOT_ENOUGH = "not enough finished milestones yet"


class MilestoneRecord(NamedTuple):
    """A milestone as it stood at D: the day it was first recorded, its agreed date and the day
    it was completed (None while open)."""

    first_recorded: date
    baseline_date: date
    completed_on: date | None


class Likely(NamedTuple):
    """A likely finish (the 50th percentile of overrun) and the finish 4 in 5 beat (the 80th)."""

    finish: date
    finish_80: date


def planned_days(milestone: MilestoneRecord) -> int:
    return (milestone.baseline_date - milestone.first_recorded).days


def overrun(milestone: MilestoneRecord) -> Fraction:
    """(completed − first recorded) / (baseline − first recorded) − 1: 0 when on time, 0.5 when
    it took half as long again as planned, negative when early."""
    taken = (milestone.completed_on - milestone.first_recorded).days
    return Fraction(taken, planned_days(milestone)) - 1


def in_class(milestone: MilestoneRecord, as_of: date) -> bool:
    """Completed on or before D with a planned duration of at least ``MIN_PLANNED_DAYS``."""
    return (
        milestone.completed_on is not None
        and milestone.completed_on <= as_of
        and planned_days(milestone) >= MIN_PLANNED_DAYS
    )


def nearest_rank(ordered: list, percent: int):
    """The value at position ceil(percent/100 × n) (counting from 1) of the sorted list."""
    if not ordered:
        raise ValueError("No values to take a percentile of.")
    position = -(-percent * len(ordered) // 100)  # ceil in whole numbers
    return ordered[max(position, 1) - 1]


@dataclass(frozen=True)
class Forecast:
    """The reference class at D: its size and, with at least ``MIN_CLASS_SIZE`` in it, the
    50th and 80th percentiles of overrun (None otherwise)."""

    class_size: int
    r50: Fraction | None = None
    r80: Fraction | None = None

    @property
    def enough(self) -> bool:
        return self.r50 is not None

    def likely(self, due_date: date, as_of: date) -> Likely | None:
        """An open milestone's likely finish at D, or None without a forecast."""
        if not self.enough:
            return None
        (n50, d50), (n80, d80) = self._whole_numbers
        return Likely(_finish(due_date, as_of, n50, d50), _finish(due_date, as_of, n80, d80))

    @functools.cached_property
    def _whole_numbers(self) -> tuple[tuple[int, int], tuple[int, int]]:
        """The two percentiles as (numerator, denominator): read once, not per milestone."""
        return (self.r50.numerator, self.r50.denominator), (
            self.r80.numerator,
            self.r80.denominator,
        )


ClassItem = tuple[float, int, int]  # (days taken / days planned, days taken, days planned)


def class_items(milestones: Iterable[MilestoneRecord], as_of: date) -> tuple[ClassItem, ...]:
    """The milestones in the reference class at D (``in_class``, written out: this runs for
    every milestone of the plan), each as (days taken / days planned, days taken, days
    planned): all ``from_class`` needs, and plain numbers, quick to keep and to read back."""
    items = []
    for first, baseline, completed in milestones:
        if completed is None or completed > as_of:
            continue
        planned = (baseline - first).days
        if planned >= MIN_PLANNED_DAYS:
            taken = (completed - first).days
            items.append((taken / planned, taken, planned))
    return tuple(items)


_DAYS = struct.Struct("<ii")  # days taken, days planned


def packed(items: Iterable[ClassItem]) -> bytes:
    """``class_items`` as bytes (the days taken and planned of each): an objective's milestones
    kept as one object rather than three or four for each milestone, which a page reading every
    objective of a plan back on each request pays for in unpickling and garbage collection.
    Sorted, so that the same milestones pack the same whatever order they were read in (a read
    of one objective and of the whole plan may give them in different orders)."""
    return b"".join(_DAYS.pack(taken, planned) for _, taken, planned in sorted(items))


def unpacked(data: bytes) -> list[ClassItem]:
    """The ``class_items`` that ``packed`` made ``data`` of."""
    return [(taken / planned, taken, planned) for taken, planned in _DAYS.iter_unpack(data)]


def from_class(items: Iterable[ClassItem]) -> Forecast:
    """The forecast of a reference class given by ``class_items``."""
    # Sorted by a float of the ratio (exact enough to order ratios of whole days; far quicker
    # than fractions); the chosen ones give their overrun exactly.
    ordered = sorted(items)
    if len(ordered) < MIN_CLASS_SIZE:
        return Forecast(len(ordered))

    def chosen(percent: int) -> Fraction:
        _, taken, planned = nearest_rank(ordered, percent)
        return Fraction(taken, planned) - 1

    return Forecast(len(ordered), chosen(LIKELY), chosen(LIKELY_80))


def reference_class(milestones: Iterable[MilestoneRecord], as_of: date) -> Forecast:
    """The forecast the plan's milestones (as they stood at D) support at D."""
    return from_class(class_items(milestones, as_of))


def likely_finish(due_date: date, as_of: date, r: Fraction) -> date:
    """D + ceil(remaining × (1 + max(0, r))), remaining = max(1, due_date − D) days: an owner
    who finishes early is not assumed to, and an overdue milestone still needs a day."""
    # In whole numbers: with r = n/d (d > 0), remaining × (1 + max(0, r)) is
    # remaining × (d + max(0, n)) / d, and ceil(a / d) is −(−a // d). Exact, and quicker than
    # arithmetic on fractions for every open milestone of the plan.
    return _finish(due_date, as_of, r.numerator, r.denominator)


def _finish(due_date: date, as_of: date, n: int, d: int) -> date:
    """``likely_finish`` with r = n/d."""
    remaining = max(1, (due_date - as_of).days)
    try:
        return as_of + timedelta(days=-(-remaining * (d + max(0, n)) // d))
    except OverflowError:  # beyond the calendar (a day asked for near year 9999)
        return date.max


def latest(likely: Iterable[Likely]) -> Likely | None:
    """An objective's likely finish: the latest of its open milestones' (None with none)."""
    found = list(likely)
    if len(found) < 2:
        return found[0] if found else None
    return Likely(max(x.finish for x in found), max(x.finish_80 for x in found))


def ratio(value: Fraction | None) -> float | None:
    """An overrun for people and JSON: a decimal to 4 places."""
    return None if value is None else round(float(value), 4)
