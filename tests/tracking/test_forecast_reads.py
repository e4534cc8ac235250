"""The likely finish takes what the page's read of the plan already found (tracking.forecasts,
``read``): the same reference class as reading it afresh, with no query of its own when the
first recorded days are kept. The plan is test_forecasts' (ten finished milestones, r50 = 0.4).
"""

from datetime import date, timedelta
from fractions import Fraction

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from milestones import services as milestone_services
from objectives import forecast
from objectives import services as objective_services
from objectives.forecast import Forecast
from tests.tracking.test_forecasts import FIRST, NINE_DONE, TARGET, TODAY, add_finished, plan
from tracking import forecasts, live, pastdays, selectors

__all__ = ["plan"]  # the fixture, shared with test_forecasts

TEN = Forecast(10, Fraction(2, 5), Fraction(7, 10))


def with_queries(fn):
    with CaptureQueriesContext(connection) as captured:
        result = fn()
    return result, len(captured)


def test_today_the_live_read_gives_the_class_with_no_query(plan, clock):
    with clock(TODAY):
        cache.clear()
        read = selectors.plan_drift(plan, TODAY)
        assert read.live and read.reference is not None and read.kept is not None
        first, cold = with_queries(lambda: forecasts.reference_class(plan, TODAY, read))
        again, warm = with_queries(lambda: forecasts.reference_class(plan, TODAY, read))
        afresh = forecasts.reference_class(plan, TODAY)
    assert first == again == afresh == TEN
    # The whole plan's read worked the class out (tracking.today), first recorded days included.
    assert cold == warm == 0


def test_the_live_read_finds_what_the_forecast_would_read(plan, clock, admin_user):
    """Finished milestones of a withdrawn objective count; a withdrawn milestone does not."""
    with clock(TODAY):
        objective = plan.objectives.get(ref="1.1")
        extra = add_finished(objective, first=FIRST, planned=30, taken=33, title="Withdrawn")
        milestone_services.milestone_withdraw(
            milestone=extra, user=admin_user, reason="Merged.", expected_version=None
        )
        objective_services.objective_withdraw(
            objective=objective, user=admin_user, reason="Done elsewhere.", expected_version=None
        )
        state = live.plan_state(plan, TODAY)
        assert sorted(state.finished) == sorted(forecasts._finished(plan, TODAY))
        assert len(state.finished) == 11  # the ten and the short step, not the withdrawn one
        assert state.kept == pastdays.kept(plan.pk)
        read = selectors.plan_drift(plan, TODAY)
        assert forecasts.reference_class(plan, TODAY, read) == TEN
        assert forecasts.plan_forecast(plan, TODAY, read.objectives, read=read) == (
            forecasts.plan_forecast(plan, TODAY, read.objectives)
        )


def test_a_read_of_one_objective_leaves_only_the_finished_milestones_to_read(plan, clock):
    with clock(TODAY):
        forecasts.reference_class(plan, TODAY)  # the first recorded days, kept
        objective = plan.objectives.get(ref="2.1")
        read = selectors.objective_plan_drift(objective, TODAY)
        assert read.live and read.finished is None
        result, count = with_queries(lambda: forecasts.reference_class(plan, TODAY, read))
    assert result == TEN
    assert count == 1


def test_a_past_day_uses_the_kept_days_the_page_read(plan, clock):
    day = NINE_DONE + timedelta(days=1)
    with clock(TODAY):
        cache.clear()
        read = selectors.plan_drift(plan, day)
        assert not read.live and read.kept is not None
        first, cold = with_queries(lambda: forecasts.reference_class(plan, day, read))
        again, warm = with_queries(lambda: forecasts.reference_class(plan, day, read))
    assert first == again == TEN
    assert cold == 1  # the milestones' history, once; no generation read
    assert warm == 0


def test_a_replayed_today_or_another_days_read_gives_what_a_fresh_read_does(
    plan, clock, admin_user
):
    with clock(TODAY):
        objective = plan.objectives.get(ref="2.1")
        quick = milestone_services.milestone_create(
            user=admin_user, objective=objective, title="Sign the lease", due_date=TARGET
        )
        milestone_services.milestone_complete(milestone=quick, user=admin_user, completed_on=TODAY)
    # The clock set back: today is replayed from history, and the lease was not yet recorded.
    with clock(NINE_DONE):
        read = selectors.plan_drift(plan, NINE_DONE)
        assert not read.live
        assert forecasts.reference_class(plan, NINE_DONE, read) == Forecast(9)
    with clock(TODAY):
        other_day = selectors.plan_drift(plan, TODAY + timedelta(days=1))
        assert forecasts.reference_class(plan, TODAY, other_day) == (
            forecasts.reference_class(plan, TODAY)
        )
        assert forecasts.reference_class(plan, TODAY).class_size == 11


@pytest.mark.parametrize("as_of", [TODAY, NINE_DONE + timedelta(days=1), date(2026, 1, 20)])
def test_the_pages_give_the_same_forecast_with_the_read(plan, clock, as_of):
    with clock(TODAY):
        read = selectors.plan_drift(plan, as_of)
        with_read = forecasts.plan_forecast(plan, as_of, read.objectives, read=read)
        cache.clear()
        without = forecasts.plan_forecast(plan, as_of, read.objectives)
    assert with_read == without


def test_todays_read_works_the_class_out_again_only_when_finished_milestones_change(
    plan, clock, admin_user, monkeypatch
):
    """Kept with the plan's entries (tracking.stamps): a progress update leaves the class as it
    was and it is not worked out again; a milestone finished changes it, and it is."""
    worked_out = []
    real = forecast.from_class
    monkeypatch.setattr(forecast, "from_class", lambda items: worked_out.append(1) or real(items))
    with clock(TODAY):
        cache.clear()
        assert selectors.plan_drift(plan, TODAY).reference == TEN
        assert len(worked_out) == 1
        objective = plan.objectives.get(ref="2.1")
        objective_services.progress_update_create(
            user=admin_user, objective=objective, reported_on=TODAY, rag="amber", summary="On."
        )
        read = selectors.plan_drift(plan, TODAY)
        assert read.reference == TEN and len(worked_out) == 1
        assert row_of(read, objective).state.last_reported_on == TODAY
        hub = objective.milestones.get(title="Hub opens")  # planned from 5 January to DUE
        milestone_services.milestone_complete(milestone=hub, user=admin_user, completed_on=TODAY)
        read = selectors.plan_drift(plan, TODAY)
        assert len(worked_out) == 2
        assert read.reference == forecasts.reference_class(plan, TODAY) != TEN
        assert read.reference.class_size == 11
        assert [m.complete for m in row_of(read, objective).milestones] == [True]


def row_of(read, objective):
    return next(row for row in read.objectives if row.id == objective.pk)


@pytest.mark.parametrize("open_only", [False, True])
def test_todays_read_works_out_who_is_likely_late_again_only_when_their_dates_change(
    plan, clock, admin_user, monkeypatch, open_only
):
    """Kept with the plan's entries beside the class: a progress update leaves the objectives
    likely to finish late as they were, and they are not worked out again; an open milestone
    moved earlier changes them, and they are. Always what a fresh forecast gives."""
    worked_out = []
    real = forecasts.late_by_objective
    monkeypatch.setattr(
        forecasts, "late_by_objective", lambda *args: worked_out.append(1) or real(*args)
    )

    def late_now():
        read = selectors.plan_drifts(plan, {TODAY}, open_only=open_only)[0][TODAY]
        late = forecasts.likely_late(plan, TODAY, read.objectives, read=read)
        afresh = forecasts.plan_forecast(plan, TODAY, read.objectives)
        assert late.late == afresh.late and late.stats == afresh.stats
        return [row.state.ref for row, _ in late.late]

    with clock(TODAY):
        cache.clear()
        assert late_now() == ["2.1"]  # the hub, due 21 July, likely 10 August: after the target
        assert len(worked_out) == 1
        objective = plan.objectives.get(ref="2.1")
        objective_services.progress_update_create(
            user=admin_user, objective=objective, reported_on=TODAY, rag="amber", summary="On."
        )
        assert late_now() == ["2.1"] and len(worked_out) == 1
        hub = objective.milestones.get(title="Hub opens")
        milestone_services.milestone_reschedule(
            milestone=hub, user=admin_user, due_date=TODAY + timedelta(days=10)
        )
        assert late_now() == [] and len(worked_out) == 2
