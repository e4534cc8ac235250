"""dashboard.selectors: dates, filters and groupings."""

from datetime import date

import pytest

from dashboard import selectors
from tracking import selectors as objective_selectors

from .conftest import TODAY

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
    assert data.owners_most_red[0].red == 1
    assert ("none", "No theme") in data.theme_options
    assert data.owner_options[0] == ("none", "No named owner")


def test_filters():
    f = selectors.Filters(theme="Workforce", rag="red")
    assert f.active
    assert f.params() == {"theme": "Workforce", "rag": "red"}
    assert not selectors.Filters().active


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
        Row(id=5, rag="red"),  # added in April
    ]
    assert selectors.colour_since(rows, ends) == {
        1: "since Jan 2026 or earlier",
        2: "since end of Feb 2026",
        3: "turned amber after 31 Mar 2026",
        5: "New since 31 Mar 2026",
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
    # amber (stale) then; overdue from 2 March
    assert since["2.1"] == "turned red after 28 Feb 2026"
