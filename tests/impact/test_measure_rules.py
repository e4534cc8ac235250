"""The measure status rules, one by one, at their boundaries."""

from datetime import date, timedelta
from decimal import Decimal

import pytest

from impact.measure_rules import (
    BEHIND,
    NO_DATA,
    OFF_TRACK,
    ON_TRACK,
    MeasureSpec,
    Reading,
    count_statuses,
    measure_status,
    trajectory,
    worst,
)

# Up: 50 on 1 Jan 2025 to 70 on 31 Dec 2025 is a rise of 20 over 364 days; 10% of it is 2.
UP = MeasureSpec("up", Decimal(50), date(2025, 1, 1), Decimal(70), date(2025, 12, 31))
# Down: 100 to 60 over the same days; 10% of |60 - 100| is 4.
DOWN = MeasureSpec("down", Decimal(100), date(2025, 1, 1), Decimal(60), date(2025, 12, 31))
MIDDLE = date(2025, 7, 2)  # 182 days in: exactly half way
STALE = 42


def status(spec, value, on=MIDDLE, as_of=None, stale=STALE):
    as_of = as_of or on
    return measure_status(spec, [Reading(on, Decimal(value))], as_of, stale_after_days=stale)


def test_trajectory_is_a_straight_line_flat_before_and_after():
    assert trajectory(UP, MIDDLE) == 60
    assert trajectory(UP, date(2024, 6, 1)) == 50
    assert trajectory(UP, date(2026, 6, 1)) == 70
    assert trajectory(DOWN, MIDDLE) == 80


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("61", ON_TRACK),  # better than the line
        ("60", ON_TRACK),  # exactly on the line
        ("59.99", BEHIND),  # just worse
        ("58", BEHIND),  # worse by exactly 10% of |target - baseline|
        ("57.99", OFF_TRACK),  # worse by more
    ],
)
def test_up_measure_boundaries(value, expected):
    assert status(UP, value).status == expected


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("79", ON_TRACK),
        ("80", ON_TRACK),
        ("80.01", BEHIND),
        ("84", BEHIND),
        ("84.01", OFF_TRACK),
    ],
)
def test_down_measure_boundaries(value, expected):
    assert status(DOWN, value).status == expected


def test_no_value_up_to_d_is_no_data():
    later = Reading(date(2025, 8, 1), Decimal(70))
    result = measure_status(UP, [later], MIDDLE, stale_after_days=STALE)
    assert result.status == NO_DATA
    assert result.latest is None


def test_latest_value_older_than_stale_after_days_is_no_data():
    on_limit = MIDDLE + timedelta(days=STALE)
    assert status(UP, "60", as_of=on_limit).status == ON_TRACK
    assert status(UP, "60", as_of=on_limit + timedelta(days=1)).status == NO_DATA


def test_the_latest_value_up_to_d_is_compared_at_its_own_period_end():
    readings = [
        Reading(date(2025, 3, 31), Decimal(40)),  # far off track then
        Reading(MIDDLE, Decimal(60)),  # on the line at its own date
        Reading(date(2025, 9, 30), Decimal(10)),  # after D: not counted
    ]
    result = measure_status(UP, readings, MIDDLE + timedelta(days=20), stale_after_days=STALE)
    assert result.status == ON_TRACK
    assert result.latest.period_end == MIDDLE
    assert result.expected == 60


def test_a_value_after_the_target_date_is_compared_with_the_target():
    assert status(UP, "69.99", on=date(2026, 2, 1)).status == BEHIND
    assert status(UP, "70", on=date(2026, 2, 1)).status == ON_TRACK


def test_worst_and_counts():
    assert worst([ON_TRACK, NO_DATA, BEHIND]) == BEHIND
    assert worst([ON_TRACK, NO_DATA]) == NO_DATA
    assert worst([OFF_TRACK, BEHIND]) == OFF_TRACK
    assert worst([]) is None
    assert count_statuses([ON_TRACK, ON_TRACK, NO_DATA]) == {
        ON_TRACK: 2,
        BEHIND: 0,
        OFF_TRACK: 0,
        NO_DATA: 1,
    }
