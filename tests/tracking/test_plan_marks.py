"""Reads of what a plan records outside its objectives (board meetings, challenges, measures
and their values, findings and their links) are kept under the plan's marks of those tables
(tracking.plan_marks), read beside today's stamps: a progress update leaves them kept, and a
new record of any of them shows at once."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from board import selectors as board_selectors
from board import services as board_services
from board import update_cycle
from impact import measure_selectors, value_services
from impact import selectors as impact_selectors
from impact import services as impact_services
from tests import factories
from tracking import plan_marks, selectors

D = date(2026, 5, 11)
MARKED = (
    "board_historicalboardmeeting",
    "board_historicalchallenge",
    "impact_historicalfinding",
    "impact_historicalmeasure",
    "impact_historicalmeasurevalue",
    "impact_historicalobjectivefinding",
    "objectives_historicaltheme",
)


@pytest.fixture
def world(db, clock, admin_user):
    cache.clear()
    with clock(D - timedelta(days=30)):
        plan = factories.make_plan(user=admin_user)
        objectives = [factories.make_objective(plan, user=admin_user) for _ in range(3)]
        for objective in objectives:
            factories.make_milestone(objective, user=admin_user)
        measure = factories.make_measure(objectives[0], user=admin_user)
    return plan, objectives, measure


def today(plan):
    return selectors.plan_drift(plan, D)


def tables_read(queries) -> set[str]:
    return {name for name in MARKED for q in queries if f'FROM "{name}"' in q["sql"]}


def test_todays_read_carries_a_mark_for_each_table_registered(world, clock):
    plan, _, _ = world
    with clock(D):
        marks = today(plan).plan_marks
    assert set(marks) == set(MARKED)
    assert marks["impact_historicalmeasure"].startswith("1:")  # one record, then its id
    assert marks["board_historicalboardmeeting"] == "0:0"


def test_a_progress_update_leaves_the_kept_reads_kept(world, clock, admin_user):
    plan, objectives, _ = world
    with clock(D):
        drift = today(plan)
        update_cycle.update_cycle(plan, D, plan_drift=drift)
        board_selectors.board_state(plan, D, plan_marks=drift.plan_marks)
        measure_selectors.plan_measures(plan, D, plan_marks=drift.plan_marks)
        impact_selectors.findings_register(plan, D, drift=drift)
        factories.make_update(objectives[1], user=admin_user, reported_on=D)
        drift = today(plan)
        with CaptureQueriesContext(connection) as queries:
            assert update_cycle.update_cycle(plan, D, plan_drift=drift) is None
            assert board_selectors.board_state(plan, D, plan_marks=drift.plan_marks)
            assert measure_selectors.plan_measures(plan, D, plan_marks=drift.plan_marks)
            assert impact_selectors.findings_register(plan, D, drift=drift) == []
    assert tables_read(queries.captured_queries) == set()
    assert not any('"board_challenge"' in q["sql"] for q in queries.captured_queries)


def test_a_board_meeting_recorded_shows_at_once(world, clock, admin_user):
    plan, _, _ = world
    with clock(D):
        assert update_cycle.update_cycle(plan, D, plan_drift=today(plan)) is None
        board_services.board_meeting_create(
            user=admin_user, plan=plan, held_on=D + timedelta(days=10), name="Improvement board"
        )
        cycle = update_cycle.update_cycle(plan, D, plan_drift=today(plan))
    assert cycle is not None and cycle.meeting.held_on == D + timedelta(days=10)


def test_a_challenge_raised_counts_at_once(world, clock, admin_user):
    plan, objectives, _ = world
    with clock(D):
        drift = today(plan)
        assert (
            board_selectors.board_state(plan, D, plan_marks=drift.plan_marks).open_challenges == 0
        )
        board_services.challenge_raise(user=admin_user, objective=objectives[2], question="Why?")
        drift = today(plan)
        assert (
            board_selectors.board_state(plan, D, plan_marks=drift.plan_marks).open_challenges == 1
        )


def test_a_measure_value_and_a_finding_show_at_once(world, clock, admin_user):
    plan, objectives, measure = world
    with clock(D):
        drift = today(plan)
        before = measure_selectors.plan_measures(plan, D, plan_marks=drift.plan_marks)
        assert before[objectives[0].pk][0].latest is None
        assert impact_selectors.findings_register(plan, D, drift=drift) == []
        value_services.measure_value_create(
            user=admin_user, measure=measure, period_end=D - timedelta(days=1), value=Decimal("55")
        )
        finding = factories.make_finding(plan, user=admin_user)
        impact_services.finding_set_objectives(
            user=admin_user, finding=finding, objectives=[objectives[1]]
        )
        drift = today(plan)
        after = measure_selectors.plan_measures(plan, D, plan_marks=drift.plan_marks)
        findings = impact_selectors.findings_register(plan, D, drift=drift)
    assert after[objectives[0].pk][0].latest.value == Decimal("55")
    assert [f.id for f in findings] == [finding.pk]
    assert [o.id for o in findings[0].objectives] == [objectives[1].pk]


def test_without_marks_nothing_is_kept(world, clock):
    plan, _, _ = world
    calls = []
    with clock(D):
        for _ in range(2):
            plan_marks.kept(
                None, ("board_historicalboardmeeting",), ("x",), lambda: calls.append(1)
            )
            plan_marks.kept({}, ("board_historicalboardmeeting",), ("x",), lambda: calls.append(1))
    assert len(calls) == 4


def test_the_dashboard_shows_a_new_challenge_after_a_kept_read(world, clock, client, admin_user):
    plan, objectives, _ = world
    client.force_login(factories.make_leader())
    with clock(D):
        assert "No open challenges to owners" in client.get("/dashboard/").content.decode()
        board_services.challenge_raise(user=admin_user, objective=objectives[0], question="How?")
        page = client.get("/dashboard/").content.decode()
    assert "1 open challenge" in page


def test_the_theme_filter_follows_a_theme_reordered(world, clock, admin_user):
    from dashboard import selectors as dashboard_selectors
    from objectives import services

    plan, objectives, _ = world
    with clock(D - timedelta(days=20)):
        first = factories.make_theme(plan, user=admin_user, name="Early help", order=1)
        second = factories.make_theme(plan, user=admin_user, name="Care leavers", order=2)
        for objective, theme in zip(objectives, (first, second, second), strict=False):
            services.objective_update(objective=objective, user=admin_user, theme=theme)

    def options():
        filters = dashboard_selectors.Filters()
        return [name for name, _ in dashboard_selectors.dashboard(plan, D, filters).theme_options]

    with clock(D):
        assert options() == ["Early help", "Care leavers"]
        services.theme_update(theme=second, user=admin_user, order=0)
        assert options() == ["Care leavers", "Early help"]


def test_a_past_days_page_keeps_its_other_reads_too(world, clock, client, admin_user):
    plan, objectives, _ = world
    client.force_login(factories.make_leader())
    url = f"/dashboard/?as_of={(D - timedelta(days=5)).isoformat()}"
    with clock(D):
        board_services.challenge_raise(user=admin_user, objective=objectives[0], question="How?")
        client.get(url)
        with CaptureQueriesContext(connection) as queries:
            page = client.get(url).content.decode()
    assert "No open challenges to owners" in page  # raised after that day
    reads = [q["sql"] for q in queries.captured_queries if "history_type" in q["sql"]]
    assert not [sql for sql in reads if any(name in sql for name in MARKED)]
