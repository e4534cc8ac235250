"""The days a dashboard compares: month ends for the trend, and how a day is written."""

from __future__ import annotations

import calendar
from datetime import date, timedelta

from django.utils.dateformat import format as format_date

TREND_MONTHS = 12


def month_ends(as_of: date, count: int = TREND_MONTHS) -> list[date]:
    """The last ``count`` month ends on or before ``as_of``, oldest first."""
    last_day = calendar.monthrange(as_of.year, as_of.month)[1]
    end = as_of if as_of.day == last_day else as_of.replace(day=1) - timedelta(days=1)
    ends = []
    while len(ends) < count:
        ends.append(end)
        end = end.replace(day=1) - timedelta(days=1)
    return ends[::-1]


def day_label(day: date, reference: date | None = None) -> str:
    """ "29 October" when in the same year as ``reference``, else "29 October 2025"."""
    if reference is not None and day.year == reference.year:
        return format_date(day, "j F")
    return format_date(day, "j F Y")
