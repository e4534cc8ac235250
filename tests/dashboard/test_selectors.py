"""dashboard.selectors: dates, filters, groupings, and the cache never serving stale data."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from dashboard import selectors
from objectives import selectors as objective_selectors
from tests import factories

from .conftest import TODAY, cached

pytestmark = pytest.mark.django_db


def test_month_ends():
    assert selectors.month_ends(date(2026, 4, 10), 3) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
    ]
    assert selectors.month_ends(date(2026, 3, 31), 2) == [date(2026, 2, 28), date(2026, 3, 31)]
    assert selectors.month_ends(date(2024, 3, 1), 1) == [date(2024, 2, 29)]
    assert len(selectors.month_ends(date(2026, 1, 15))) == 12


def test_day_label():
    assert selectors.day_label(date(2026, 3, 13), date(2026, 4, 10)) == "13 March"
    assert selectors.day_label(date(2025, 12, 23), date(2026, 1, 20)) == "23 December 2025"


def test_cached_drift_equals_the_objectives_selector(clock, story):
    with clock(TODAY):
        for day in (TODAY, date(2026, 3, 13), date(2026, 2, 1), date(2026, 1, 5)):
            cached, _ = selectors.plan_drift(story.plan, day)
            fresh = objective_selectors.plan_drift(story.plan, day)
            assert cached.objectives == fresh.objectives
            assert cached.rules == fresh.rules


def test_many_days_from_one_read_equal_one_day_at_a_time(clock, story):
    days = {TODAY, *selectors.month_ends(TODAY), date(2026, 3, 13), date(2026, 1, 5)}
    with clock(TODAY):
        many = objective_selectors.plan_drifts(story.plan, days)
        for day in days:
            assert (
                many[day].objectives == objective_selectors.plan_drift(story.plan, day).objectives
            )


def test_dashboard_data(clock, story):
    with clock(TODAY):
        data = selectors.dashboard(story.plan, TODAY, selectors.Filters())
    assert data.earlier == date(2026, 3, 13)
    assert [h.change for h in data.headlines] == [-1, 0, 0, 1]
    assert [p.day for p in data.trend][-1] == date(2026, 3, 31)
    assert (
        data.trend[-1].counts
        == objective_selectors.plan_drift(story.plan, date(2026, 3, 31)).summary
    )
    slips = {s.theme: s for s in data.theme_slips}
    assert slips["Workforce"].slip_days == 14
    assert slips["Edge of care"].slipped == 0
    assert data.owner_loads[0].red == 1
    assert ("none", "No theme") in data.theme_options
    assert data.owner_options[0] == ("none", "No named owner")


@cached
@pytest.mark.usefixtures("role_groups")
def test_the_cache_notices_new_history_and_accounts(clock, story, admin_user):
    with clock(TODAY):
        first, token = selectors.plan_drift(story.plan, TODAY)
        again, same = selectors.plan_drift(story.plan, TODAY)
        assert again is first and same == token
        factories.make_update(story.overdue, user=admin_user, reported_on=TODAY)
        after, new_token = selectors.plan_drift(story.plan, TODAY)
        assert new_token != token
        assert after is not first
        row = next(r for r in after.objectives if r.ref == "2.1")
        assert row.state.last_reported_on == TODAY
        nat = get_user_model().objects.get(username="nat_manager")
        nat.first_name = "Natalie"
        nat.save()
        renamed, _ = selectors.plan_drift(story.plan, TODAY)
        row = next(r for r in renamed.objectives if r.ref == "2.1")
        assert row.state.owner_name == "Natalie Tester"


def test_filters():
    f = selectors.Filters(theme="Workforce", rag="red")
    assert f.active
    assert f.params() == {"theme": "Workforce", "rag": "red"}
    assert not selectors.Filters().active


def test_nothing_is_cached_inside_a_transaction(clock, story):
    """Writes in an open transaction may be rolled back: reads made there are never kept."""
    with clock(TODAY):
        first, _ = selectors.plan_drift(story.plan, TODAY)
        again, _ = selectors.plan_drift(story.plan, TODAY)
    assert again is not first
    assert again.objectives == first.objectives


def test_colour_since():
    from types import SimpleNamespace as Row

    ends = [
        (date(2026, 1, 31), {1: "red", 2: "green", 3: "amber"}),
        (date(2026, 2, 28), {1: "red", 2: "red", 3: "amber"}),
        (date(2026, 3, 31), {1: "red", 2: "red", 3: "green"}),
    ]
    rows = [
        Row(id=1, rag="red"),
        Row(id=2, rag="red"),
        Row(id=3, rag="amber"),
        Row(id=4, rag="green"),
    ]
    assert selectors.colour_since(rows, ends) == {
        1: "since Jan 2026 or earlier",
        2: "since end of Feb 2026",
        3: "new since 31 Mar 2026",
    }


def test_the_table_says_how_long_each_has_been_red_or_amber(clock, story):
    with clock(TODAY):
        data = selectors.dashboard(story.plan, TODAY, selectors.Filters())
    since = {row.ref: text for row, text in data.table}
    assert since["2.1"] == "since end of Mar 2026"  # overdue from 2 March
    assert since["1.1"] == "since end of Feb 2026"  # amber (stale, then slipped) from February
    assert since["1.3"] == ""  # complete


def test_on_a_month_end_since_looks_at_the_month_ends_before_it(clock, story):
    with clock(TODAY):
        data = selectors.dashboard(story.plan, date(2026, 3, 31), selectors.Filters())
    since = {row.ref: text for row, text in data.table}
    assert since["2.1"] == "new since 28 Feb 2026"  # amber (stale) then; overdue from 2 March
