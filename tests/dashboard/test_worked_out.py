"""What the dashboard works out from the whole plan (how long each objective has been red or
amber, slip by theme, owners with red or amber objectives, milestones due soon, the objectives
likely to finish late as drawn) is kept with
today's read of the plan (``tracking.stamps.StampedRead.derived``): the same as worked out
afresh after each kind of write, and not worked out again after a progress update."""

from datetime import UTC, date, datetime, timedelta

import pytest
from django.core.cache import cache

from dashboard import selectors
from dashboard.filters import Filters
from milestones import services as milestone_services
from objectives import drift
from objectives import services as objective_services
from tests.tracking.test_forecasts import TODAY as FORECAST_TODAY
from tests.tracking.test_forecasts import plan as forecast_plan

from .conftest import FOUR_WEEKS_EARLIER, TODAY

__all__ = ["forecast_plan"]  # the fixture, shared with test_forecasts
pytestmark = pytest.mark.django_db


def summaries(plan, filters=None, as_of=TODAY) -> tuple:
    data = selectors.dashboard(plan, as_of, filters or Filters())
    due_soon = [
        (row.id, row.ref, row.title, m.id, m.title, m.due_date, m.days_to_go)
        for row, m in data.due_soon
    ]
    # The rows the items hold are the page's own, never those kept with the read.
    assert all(row is next(r for r in data.rows if r.id == row.id) for row, _ in data.due_soon)
    drawn = str(data.due_soon_section)
    since = [(row.id, words) for row, words in data.table]
    worked_out = since, data.theme_slips, data.owners_red_or_amber, due_soon, drawn
    data.keep_worked_out()  # as the page does once it is drawn
    return worked_out


def afresh(plan, filters=None, as_of=TODAY) -> tuple:
    cache.clear()
    return summaries(plan, filters, as_of)


def test_what_is_kept_is_what_is_worked_out_afresh_after_each_write(
    clock, story, admin_user, manager, other_manager
):
    recruitment = story.slipping.milestones.get(title="Recruitment campaign")
    writes = {
        "progress update": lambda: objective_services.progress_update_create(
            user=other_manager, objective=story.overdue, reported_on=TODAY, rag="green", summary="."
        ),
        # due 14 April (soon, and 14 days late) moved to 30 April: no longer soon, later still
        "milestone moved later": lambda: milestone_services.milestone_reschedule(
            milestone=recruitment, user=manager, due_date=date(2026, 4, 30), reason="Panel late"
        ),
        "milestone due soon": lambda: milestone_services.milestone_create(
            user=admin_user, objective=story.formula, title="Check links", due_date=TODAY
        ),
        "milestone finished": lambda: milestone_services.milestone_complete(
            milestone=recruitment, user=manager, completed_on=TODAY
        ),
        "new owner": lambda: objective_services.objective_assign_owner(
            objective=story.unowned, user=admin_user, owner=manager, reason="Taken on."
        ),
        "new title": lambda: objective_services.objective_update(
            objective=story.formula, user=admin_user, title="Links checked"
        ),
        "withdrawn": lambda: objective_services.objective_withdraw(
            objective=story.overdue, user=admin_user, reason="Merged.", expected_version=None
        ),
    }
    with clock(TODAY):
        first = afresh(story.plan)
        assert first[1] and first[2] and first[3]  # slip, owners and due soon to compare
        seen = [first]
        for name, write in writes.items():
            write()
            kept = summaries(story.plan)
            # Filtered, due soon is of the rows shown, and "since" of every objective alike.
            red = Filters(rag=drift.RED)
            assert summaries(story.plan, red) == afresh(story.plan, red), name
            # Last, so that the next write starts from the whole plan's read, kept.
            assert kept == afresh(story.plan), name
            seen.append(kept)
    # Each write but the progress update changed something compared.
    assert all(before != after for before, after in zip(seen[1:], seen[2:], strict=False))


def test_a_progress_update_works_none_of_them_out_again(clock, story, manager, monkeypatch):
    worked_out = []

    def counted(name, real):
        def work(*args):
            worked_out.append(name)
            return real(*args)

        monkeypatch.setattr(selectors, name, work)

    for name in ("colour_since", "theme_slips", "owners_red_amber"):
        counted(name, getattr(selectors, name))
    with clock(TODAY):
        cache.clear()
        first = summaries(story.plan)
        assert sorted(worked_out) == ["colour_since", "owners_red_amber", "theme_slips"]
        objective_services.progress_update_create(
            user=manager, objective=story.slipping, reported_on=TODAY, rag="amber", summary="."
        )
        assert summaries(story.plan)[1:] == first[1:]
        assert len(worked_out) == 3
        recruitment = story.slipping.milestones.get(title="Recruitment campaign")
        milestone_services.milestone_reschedule(
            milestone=recruitment, user=manager, due_date=date(2026, 4, 30), reason="Panel late"
        )
        again = summaries(story.plan)
        assert again[1] != first[1]  # more slip in Workforce
        assert "theme_slips" in worked_out[3:]


def test_the_likely_finish_as_kept_is_drawn_afresh(clock, admin_user, forecast_plan):
    """test_forecasts' plan: 2.1's hub, due 21 July, is likely to finish after its target."""
    plan = forecast_plan

    def late_section() -> str:
        data = selectors.dashboard(plan, FORECAST_TODAY, Filters())
        drawn = str(data.late_section)
        data.keep_worked_out()
        return drawn

    def afresh_section() -> str:
        cache.clear()
        return late_section()

    objective = plan.objectives.get(ref="2.1")
    writes = {
        "progress update": lambda: objective_services.progress_update_create(
            user=admin_user,
            objective=objective,
            reported_on=FORECAST_TODAY,
            rag="amber",
            summary=".",
        ),
        "new title": lambda: objective_services.objective_update(
            objective=objective, user=admin_user, title="Open the family hub"
        ),
        "milestone moved earlier": lambda: milestone_services.milestone_reschedule(
            milestone=objective.milestones.get(title="Hub opens"),
            user=admin_user,
            due_date=FORECAST_TODAY + timedelta(days=10),
        ),
    }
    with clock(FORECAST_TODAY):
        shown = [afresh_section()]
        assert "2.1" in shown[0]
        for name, write in writes.items():
            write()
            kept = late_section()
            assert kept == afresh_section(), name
            shown.append(kept)
    assert shown[1] == shown[0]  # a progress update shows nothing new in the list
    assert "Open the family hub" in shown[2] and "2.1" not in shown[3]


def test_a_past_day_s_are_worked_out_once_and_kept_with_the_day(
    clock, story, admin_user, manager, monkeypatch
):
    """Nothing written now changes a day that is over: kept beside the plan's kept days, worked
    out again only when a write dated on or before it makes the kept days new."""
    worked_out = []
    for name in ("colour_since", "theme_slips", "owners_red_amber"):
        real = getattr(selectors, name)
        monkeypatch.setattr(
            selectors, name, lambda *args, real=real: worked_out.append(1) or real(*args)
        )
    past = FOUR_WEEKS_EARLIER
    with clock(TODAY):
        first = afresh(story.plan, as_of=past)
        assert len(worked_out) == 3 and first[1] and first[2]
        objective_services.progress_update_create(
            user=manager, objective=story.slipping, reported_on=TODAY, rag="red", summary="."
        )
        assert summaries(story.plan, as_of=past) == first and len(worked_out) == 3
        # Recorded as of before the day: the day as it stood changes, and is worked out again.
        objective_services.progress_update_create(
            user=admin_user,
            objective=story.overdue,
            reported_on=date(2026, 3, 2),
            rag="green",
            summary="Started.",
            recorded_at=datetime(2026, 3, 2, 12, tzinfo=UTC),
        )
        again = summaries(story.plan, as_of=past)
        assert len(worked_out) == 6
        assert again == afresh(story.plan, as_of=past)
