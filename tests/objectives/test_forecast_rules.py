"""The likely finish (docs/drift-rules.md, "Likely finish"), rule by rule, without a database."""

from datetime import date, timedelta
from fractions import Fraction

import pytest

from objectives import forecast
from objectives.forecast import Likely, MilestoneRecord

D = date(2026, 6, 1)
START = date(2026, 1, 1)


def finished(planned: int, taken: int, *, first: date = START) -> MilestoneRecord:
    """A milestone first recorded on ``first``, agreed ``planned`` days later, done ``taken``
    days after it was first recorded."""
    return MilestoneRecord(first, first + timedelta(days=planned), first + timedelta(days=taken))


def test_overrun_is_time_taken_over_time_planned_less_one():
    assert forecast.overrun(finished(20, 30)) == Fraction(1, 2)
    assert forecast.overrun(finished(20, 20)) == 0
    assert forecast.overrun(finished(20, 10)) == Fraction(-1, 2)


def test_planned_duration_of_13_days_is_left_out_and_14_counts():
    assert not forecast.in_class(finished(13, 20), D)
    assert forecast.in_class(finished(14, 20), D)


def test_only_milestones_completed_on_or_before_d_are_in_the_class():
    on_d = finished(20, (D - START).days)
    after_d = finished(20, (D - START).days + 1)
    open_ = MilestoneRecord(START, START + timedelta(days=20), None)
    assert forecast.in_class(on_d, D)
    assert not forecast.in_class(after_d, D)
    assert not forecast.in_class(open_, D)


def test_nine_in_the_class_is_no_forecast_and_ten_is_one():
    nine = [finished(20, 30)] * 9
    assert forecast.reference_class(nine, D) == forecast.Forecast(9, None, None)
    assert not forecast.reference_class(nine, D).enough
    assert forecast.reference_class(nine, D).likely(D + timedelta(days=10), D) is None
    ten = forecast.reference_class([*nine, finished(20, 30)], D)
    assert ten.enough and ten.class_size == 10 and ten.r50 == Fraction(1, 2)


def test_short_and_later_milestones_do_not_make_up_the_ten():
    nine = [finished(20, 30)] * 9
    assert forecast.reference_class([*nine, finished(13, 30)], D).class_size == 9
    assert forecast.reference_class([*nine, finished(20, 30, first=D)], D).class_size == 9


@pytest.mark.parametrize(
    ("n", "p50", "p80"),
    [(10, 5, 8), (11, 6, 9), (1, 1, 1), (2, 1, 2), (5, 3, 4), (35, 18, 28), (100, 50, 80)],
)
def test_percentiles_are_nearest_rank(n, p50, p80):
    values = [Fraction(i) for i in range(1, n + 1)]
    assert forecast.nearest_rank(values, 50) == p50
    assert forecast.nearest_rank(values, 80) == p80


def test_percentiles_are_taken_of_the_sorted_overruns():
    # Overruns 0.0, 0.1, ..., 0.9 given in reverse: r50 is the 5th (0.4), r80 the 8th (0.7).
    class_ = [finished(10 * 2, 20 + 2 * i) for i in reversed(range(10))]
    result = forecast.reference_class(class_, D)
    assert result.r50 == Fraction(4, 10)
    assert result.r80 == Fraction(7, 10)


def test_likely_finish_scales_the_days_remaining_and_rounds_up():
    due = D + timedelta(days=10)
    assert forecast.likely_finish(due, D, Fraction(1, 2)) == D + timedelta(days=15)
    assert forecast.likely_finish(due, D, Fraction(1, 3)) == D + timedelta(days=14)  # 13.33
    assert forecast.likely_finish(due, D, Fraction(0)) == due


def test_an_early_class_never_brings_the_finish_forward():
    due = D + timedelta(days=10)
    assert forecast.likely_finish(due, D, Fraction(-1, 2)) == due


def test_remaining_is_at_least_one_day():
    # Due today, or overdue: one day remaining, scaled.
    assert forecast.likely_finish(D, D, Fraction(0)) == D + timedelta(days=1)
    assert forecast.likely_finish(D - timedelta(days=30), D, Fraction(0)) == D + timedelta(days=1)
    assert forecast.likely_finish(D, D, Fraction(3, 2)) == D + timedelta(days=3)  # ceil(2.5)
    assert forecast.likely_finish(D + timedelta(days=1), D, Fraction(0)) == D + timedelta(days=1)


def test_a_forecast_gives_both_finishes():
    stats = forecast.Forecast(10, Fraction(1, 2), Fraction(1))
    due = D + timedelta(days=20)
    assert stats.likely(due, D) == Likely(D + timedelta(days=30), D + timedelta(days=40))


def test_an_objective_finishes_with_its_latest_open_milestone():
    a = Likely(date(2026, 7, 1), date(2026, 9, 1))
    b = Likely(date(2026, 8, 1), date(2026, 8, 15))
    assert forecast.latest([a, b]) == Likely(date(2026, 8, 1), date(2026, 9, 1))
    assert forecast.latest([]) is None


def test_ratio_for_people_and_json():
    assert forecast.ratio(Fraction(1, 3)) == 0.3333
    assert forecast.ratio(None) is None


def test_a_finish_beyond_the_calendar_is_the_last_day():
    late = date(9999, 12, 20)
    assert forecast.likely_finish(late, late, Fraction(30)) == date.max
    assert forecast.likely_finish(date.max, D, Fraction(10**9)) == date.max


def test_a_class_packed_to_keep_reads_back_the_same():
    records = [
        MilestoneRecord(date(2026, 1, 1), date(2026, 1, 31), date(2026, 2, 10)),
        MilestoneRecord(date(2026, 1, 1), date(2026, 3, 1), date(2025, 12, 20)),  # before first
        MilestoneRecord(date(1, 1, 1), date(9999, 12, 31), date(9999, 12, 31)),  # the calendar
    ]
    items = forecast.class_items(records, date(9999, 12, 31))
    assert len(items) == 3
    assert forecast.unpacked(forecast.packed(items)) == sorted(items)
    # The same milestones read in another order pack the same (kept entries compare equal).
    assert forecast.packed(reversed(items)) == forecast.packed(items)
    assert forecast.from_class(forecast.unpacked(forecast.packed(items))) == (
        forecast.from_class(items)
    )
    assert forecast.packed(()) == b"" and forecast.unpacked(b"") == []
