from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine

LONDON = ZoneInfo("Europe/London")


def london(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """An aware datetime at ``hour:minute`` London time on ``day``."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


@pytest.fixture
def clock():
    """``with clock(date(2026, 3, 1)):`` freezes time at noon London time on that day.

    Pass ``hour`` and ``minute`` for another time of day, or an aware datetime instead of a date.
    """

    def at(when, hour: int = 12, minute: int = 0):
        moment = when if isinstance(when, datetime) else london(when, hour, minute)
        assert moment.tzinfo is not None
        return time_machine.travel(moment, tick=False)

    return at
