"""Knock-on as of any day: the rule read from history for past days and from the live rows for
today agrees on the API, the dashboard, the objective page and the board pack, and a backdated
link changes a past day already kept.

The plan starts on 5 January 2026. 1.1 'Open the hub' is due 1 April; 2.3 'Recruit staff' is
due 13 April (20 April from the 20th); 2.3 'Train staff' is due 1 March. The hub waits for the
recruits from 12 January to 2 February, and for the training from 26 January.
"""

from datetime import date

import pytest

from milestones.dependencies import milestone_dependency_add, milestone_dependency_remove
from milestones.services import milestone_reschedule
from tests import factories
from tracking import live, selectors
from tracking.replay import PlanHistory, end_of_day

pytestmark = pytest.mark.django_db

START = date(2026, 1, 5)
TODAY = date(2026, 2, 9)
# day -> (knock_on_days of 'Open the hub', what it was linked to, by title)
EXPECTED = {
    date(2026, 1, 11): (0, []),
    date(2026, 1, 12): (12, ["Recruit staff"]),
    date(2026, 1, 19): (12, ["Recruit staff"]),
    date(2026, 1, 20): (19, ["Recruit staff"]),
    date(2026, 1, 26): (19, ["Recruit staff", "Train staff"]),
    date(2026, 2, 2): (0, ["Train staff"]),
    TODAY: (0, ["Train staff"]),
}


@pytest.fixture
def world(clock, admin_user, manager, other_manager):
    with clock(START):
        plan = factories.make_plan(user=admin_user, starts_on=START)
        hub_objective = factories.make_objective(
            plan, user=admin_user, ref="1.1", owner=manager, starts_on=START
        )
        staff_objective = factories.make_objective(
            plan, user=admin_user, ref="2.3", owner=other_manager, starts_on=START
        )
        make = factories.make_milestone
        hub = make(hub_objective, user=admin_user, title="Open the hub", due_date=date(2026, 4, 1))
        recruit = make(
            staff_objective, user=admin_user, title="Recruit staff", due_date=date(2026, 4, 13)
        )
        train = make(
            staff_objective, user=admin_user, title="Train staff", due_date=date(2026, 3, 1)
        )
        later = make(
            staff_objective, user=admin_user, title="Move offices", due_date=date(2026, 4, 30)
        )
    with clock(date(2026, 1, 12)):
        link = milestone_dependency_add(
            user=manager, milestone=hub, depends_on=recruit, reason="Needs the staff"
        )
    with clock(date(2026, 1, 20)):
        milestone_reschedule(
            milestone=recruit,
            user=admin_user,
            due_date=date(2026, 4, 20),
            reason="Agency late",
            expected_version=recruit.version,
        )
    with clock(date(2026, 1, 26)):
        milestone_dependency_add(
            user=manager, milestone=hub, depends_on=train, reason="Trained staff"
        )
    with clock(date(2026, 2, 2)):
        milestone_dependency_remove(
            user=manager, dependency=link, reason="Agency staff instead", expected_version=1
        )
    ids = {"Open the hub": hub.pk, "Recruit staff": recruit.pk, "Train staff": train.pk}
    return {"plan": plan, "hub": hub, "ids": ids, "later": later, "objective": hub_objective}


def hub_in(result, hub_id):
    for row in result.objectives:
        for m in row.milestones:
            if m.id == hub_id:
                return row, m
    raise AssertionError("the hub is not in the picture")


def test_each_day_reads_the_links_and_dates_as_they_stood(clock, world):
    ids = world["ids"]
    with clock(TODAY):
        for day, (days, linked) in EXPECTED.items():
            row, hub = hub_in(selectors.plan_drift(world["plan"], day), world["hub"].pk)
            assert hub.knock_on_days == days, day
            assert hub.depends_on == tuple(sorted(ids[t] for t in linked)), day
            assert ("knock_on" in row.flags) == (days > 0), day
            assert hub.rag == "green", day  # its own rag is left alone


def test_today_from_the_live_rows_is_todays_history(clock, world, django_assert_num_queries):
    plan = world["plan"]
    with clock(TODAY):
        with django_assert_num_queries(3):
            rules, states = live.plan_state(plan, TODAY)
        replayed = PlanHistory(plan, end_of_day(TODAY)).state_at(TODAY)

    def links(objectives):
        return {m.id: m.predecessors for o in objectives for m in o.milestones}

    assert links(states) == links(replayed[1])
    assert any(links(states).values())


def test_the_api_the_dashboard_and_the_objective_page_agree(clock, client, world, leader):
    client.force_login(leader)
    plan, hub_id = world["plan"], world["hub"].pk
    with clock(TODAY):
        for day, (days, linked) in EXPECTED.items():
            query = {"plan": plan.pk, "as_of": day.isoformat()}
            data = client.get("/api/drift/", query).json()
            [objective] = [o for o in data["objectives"] if o["ref"] == "1.1"]
            [hub] = [m for m in objective["milestones"] if m["id"] == hub_id]
            assert hub["knock_on_days"] == days
            assert hub["depends_on"] == sorted(world["ids"][t] for t in linked)
            assert ("knock_on" in objective["flags"]) == (days > 0)

            board = client.get("/dashboard/", {**query, "flag": "knock_on"}).content.decode()
            assert ('data-ref="1.1"' in board) == (days > 0), day
            assert 'data-ref="2.3"' not in board

            page = client.get(f"/objectives/{world['objective'].pk}/", {"as_of": day}).content
            sentence = (
                f"Waiting for 2.3 \u2018Recruit staff\u2019, due "
                f"{'20' if day >= date(2026, 1, 20) else '13'} April 2026, "
                f"{days} days after this milestone"
            )
            assert (sentence in page.decode()) == (days > 0), day


def test_the_board_pack_words_the_knock_on(clock, client, world, leader):
    client.force_login(leader)
    with clock(TODAY):
        pack = client.get(
            "/dashboard/report/", {"plan": world["plan"].pk, "as_of": "2026-01-20"}
        ).content.decode()
    assert "Waiting for 2.3 \u2018Recruit staff\u2019, due 20 April 2026, 19 days" in pack


def test_a_backdated_link_changes_a_past_day_already_kept(clock, world, admin_user):
    plan, hub_id = world["plan"], world["hub"].pk
    day = date(2026, 1, 20)
    with clock(TODAY):
        assert hub_in(selectors.plan_drift(plan, day), hub_id)[1].knock_on_days == 19
        milestone_dependency_add(
            user=admin_user,
            milestone=world["hub"],
            depends_on=world["later"],
            reason="Recorded late: agreed at the January board",
            recorded_at=factories.london(date(2026, 1, 15)),
        )
        _, hub = hub_in(selectors.plan_drift(plan, day), hub_id)
    assert (hub.knock_on_days, hub.waiting_for.title) == (29, "Move offices")
