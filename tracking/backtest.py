"""The likely finish against the owners' own forecasts, replayed over the past year.

For each milestone completed in the year to today, and each of 90, 60 and 30 days before its
completion (day T), the record is replayed to the end of T: the owner's forecast is the
``due_date`` recorded by then, the likely finish is worked out as of T exactly as the pages do
(``objectives.forecast`` on the milestones as they stood at T). A milestone counts at T when it
was recorded and still open then and the plan had a forecast at T; both forecasts are judged on
the same milestones. One read of the plan's milestone history, whatever its size.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from objectives import forecast
from objectives.models import Plan

from . import history
from .forecasts import milestones_from, plan_milestone_records

HORIZONS = (90, 60, 30)
YEAR = 365
WITHIN_DAYS = 14


@dataclass(frozen=True)
class Horizon:
    """How both forecasts fared at one horizon (days before completion)."""

    days: int
    compared: int  # milestones with both forecasts at T
    not_recorded: int  # not yet recorded, or not open, at T
    no_forecast: int  # open at T, but the plan had no forecast then
    owner_errors: tuple[int, ...]
    likely_errors: tuple[int, ...]

    @staticmethod
    def _mae(errors) -> float | None:
        return sum(errors) / len(errors) if errors else None

    @staticmethod
    def _within(errors) -> float | None:
        return sum(1 for e in errors if e <= WITHIN_DAYS) / len(errors) if errors else None

    @property
    def owner_mae(self) -> float | None:
        return self._mae(self.owner_errors)

    @property
    def likely_mae(self) -> float | None:
        return self._mae(self.likely_errors)

    @property
    def owner_within(self) -> float | None:
        return self._within(self.owner_errors)

    @property
    def likely_within(self) -> float | None:
        return self._within(self.likely_errors)


@dataclass(frozen=True)
class Backtest:
    plan: Plan
    start: date  # completions after this day count
    end: date  # up to and including this day
    completed: int
    horizons: list[Horizon]


def backtest(plan: Plan, today: date) -> Backtest:
    """Replay the year to ``today`` for ``plan``: one query of its milestones' history."""
    grouped = plan_milestone_records(plan, history.end_of_day(today))
    start = today - timedelta(days=YEAR)
    done = []  # (row, completed_on)
    for row in grouped.values():
        last = row.records[-1]
        if last["history_type"] == history.DELETED or last["withdrawn_on"] is not None:
            continue
        if last["completed_on"] is not None and start < last["completed_on"] <= today:
            done.append((row, last["completed_on"]))
    classes: dict[date, forecast.Forecast] = {}

    def class_at(day: date) -> forecast.Forecast:
        if day not in classes:
            classes[day] = forecast.reference_class(milestones_from(grouped, day), day)
        return classes[day]

    horizons = []
    for days in HORIZONS:
        owner, likely, not_recorded, no_forecast = [], [], 0, 0
        for row, completed_on in done:
            day = completed_on - timedelta(days=days)
            then = row.at(history.end_of_day(day))
            if (
                then is None
                or then["history_type"] == history.DELETED
                or (then["withdrawn_on"] is not None and then["withdrawn_on"] <= day)
                or (then["completed_on"] is not None and then["completed_on"] <= day)
            ):
                not_recorded += 1
                continue
            found = class_at(day).likely(then["due_date"], day)
            if found is None:
                no_forecast += 1
                continue
            owner.append(abs((then["due_date"] - completed_on).days))
            likely.append(abs((found.finish - completed_on).days))
        horizons.append(
            Horizon(days, len(owner), not_recorded, no_forecast, tuple(owner), tuple(likely))
        )
    return Backtest(plan, start, today, len(done), horizons)
