"""The past reads the same for ever: leavers, renames and withdrawals count from their own day
(and not before), read from history, through the API as through the selectors."""

import json
from datetime import date

import pytest
from django.contrib.auth import get_user_model

from milestones.models import Milestone
from objectives.history import save_with_history
from objectives.models import Objective
from tests import factories
from tracking import selectors

pytestmark = pytest.mark.django_db

User = get_user_model()
SET_UP = date(2026, 1, 5)
LEFT_ON = date(2026, 1, 20)


@pytest.fixture
def manager(clock):
    """An owner whose account was opened before the plan was set up."""
    with clock(date(2025, 12, 1)):
        return factories.make_manager("mo_manager")


@pytest.fixture
def plan(clock, admin_user, manager):
    with clock(SET_UP):
        plan = factories.make_plan(user=admin_user)
        objectives = [
            factories.make_objective(
                plan,
                user=admin_user,
                ref=ref,
                owner=manager,
                starts_on=date(2026, 1, 1),
                target_date=date(2026, 12, 31),
            )
            for ref in ("1.1", "1.2")
        ]
        for objective in objectives:
            factories.make_milestone(objective, user=admin_user, due_date=date(2026, 9, 30))
            factories.make_milestone(objective, user=admin_user, due_date=date(2026, 10, 30))
    return plan


def api(client, user, plan, day):
    client.force_login(user)
    response = client.get("/api/drift/", {"plan": plan.pk, "as_of": day.isoformat()})
    assert response.status_code == 200
    return json.loads(response.content)


def leave(clock, user, day, hour=12, minute=0):
    with clock(day, hour, minute):
        user.is_active = False
        user.save()


def test_a_leaver_is_red_owner_inactive_from_the_day_they_left_only(
    client, clock, plan, manager, leader
):
    leave(clock, manager, LEFT_ON)
    before = api(client, leader, plan, date(2026, 1, 19))
    on_the_day = api(client, leader, plan, LEFT_ON)
    assert [o["flags"] for o in before["objectives"]] == [[], []]
    assert before["summary"] == {"red": 0, "amber": 0, "green": 2, "complete": 0}
    assert [o["flags"] for o in on_the_day["objectives"]] == [["owner_inactive"]] * 2
    assert on_the_day["summary"]["red"] == 2


def test_leaving_late_in_the_evening_counts_for_that_day(clock, plan, manager):
    leave(clock, manager, LEFT_ON, hour=23, minute=30)
    rows = selectors.plan_drift(plan, LEFT_ON).objectives
    assert all(row.flags == ("owner_inactive",) for row in rows)
    rows = selectors.plan_drift(plan, date(2026, 1, 19)).objectives
    assert all(row.flags == () for row in rows)


def test_a_returning_leaver_is_red_only_while_away(clock, plan, manager):
    leave(clock, manager, LEFT_ON)
    with clock(date(2026, 2, 1)):
        manager.is_active = True
        manager.save()
    flags = {
        day: {row.flags for row in selectors.plan_drift(plan, day).objectives}
        for day in (date(2026, 1, 19), date(2026, 1, 25), date(2026, 2, 1))
    }
    assert flags == {
        date(2026, 1, 19): {()},
        date(2026, 1, 25): {("owner_inactive",)},
        date(2026, 2, 1): {()},
    }


def test_an_account_with_no_record_by_d_counts_as_its_earliest_record(clock, plan, manager):
    # The account's history starts after D (it was created inactive, later): D reads the
    # earliest record.
    with clock(date(2026, 2, 1)):
        latecomer = factories.make_manager("late_comer", active=False)
    with clock(date(2026, 2, 2)):
        objective = Objective.objects.get(plan=plan, ref="1.2")
        objective.owner = latecomer
        save_with_history(objective, user=None, reason="New lead", recorded_at=None)
    # Before the owner changed, 1.2 was the manager's; after, the latecomer's (inactive).
    rows = {r.ref: r for r in selectors.plan_drift(plan, date(2026, 2, 2)).objectives}
    assert rows["1.2"].flags == ("owner_inactive",)
    history = selectors.PlanHistory(plan, selectors.end_of_day(date(2026, 2, 2)), dated=True)
    early = history.account_at(latecomer.pk, selectors.end_of_day(date(2026, 1, 1)))
    assert early.is_active is False and early.username == "late_comer"


def test_a_rename_leaves_past_names_unchanged(client, clock, plan, manager, leader):
    with clock(date(2026, 2, 1)):
        manager.first_name, manager.last_name = "Morgan", "Newname"
        manager.save()
    before = selectors.plan_drift(plan, date(2026, 1, 31)).objectives
    after = selectors.plan_drift(plan, date(2026, 2, 1)).objectives
    assert {row.state.owner_name for row in before} == {"Mo_Manager Tester"}
    assert {row.state.owner_name for row in after} == {"Morgan Newname"}
    client.force_login(leader)
    page = client.get("/dashboard/", {"plan": plan.pk, "as_of": "2026-01-31"})
    assert page.status_code == 200
    assert "Mo_Manager Tester" in page.content.decode()
    assert "Morgan Newname" not in page.content.decode()


def withdraw_milestone(clock, milestone, day, on=None):
    with clock(day):
        milestone = Milestone.objects.get(pk=milestone.pk)
        milestone.withdrawn_on = on or day
        save_with_history(milestone, user=None, reason="No longer needed")


def test_a_withdrawn_milestone_leaves_the_picture_from_its_day_not_before(
    client, clock, plan, leader
):
    milestone = Milestone.objects.filter(objective__ref="1.1").order_by("due_date").first()
    withdraw_milestone(clock, milestone, date(2026, 2, 5))
    before = api(client, leader, plan, date(2026, 2, 4))
    after = api(client, leader, plan, date(2026, 2, 5))
    ids_before = [m["id"] for o in before["objectives"] for m in o["milestones"]]
    ids_after = [m["id"] for o in after["objectives"] for m in o["milestones"]]
    assert milestone.pk in ids_before
    assert milestone.pk not in ids_after
    assert len(ids_after) == len(ids_before) - 1


def test_a_milestone_withdrawn_from_a_later_day_stays_until_that_day(clock, plan):
    milestone = Milestone.objects.filter(objective__ref="1.1").order_by("due_date").first()
    withdraw_milestone(clock, milestone, date(2026, 2, 5), on=date(2026, 2, 10))
    ids = {
        day: [m.id for row in selectors.plan_drift(plan, day).objectives for m in row.milestones]
        for day in (date(2026, 2, 5), date(2026, 2, 10))
    }
    assert milestone.pk in ids[date(2026, 2, 5)]
    assert milestone.pk not in ids[date(2026, 2, 10)]


def test_an_objective_whose_milestones_are_all_withdrawn_has_no_milestones(clock, plan):
    for milestone in Milestone.objects.filter(objective__ref="1.1"):
        withdraw_milestone(clock, milestone, date(2026, 2, 5))
    rows = {r.ref: r for r in selectors.plan_drift(plan, date(2026, 2, 5)).objectives}
    assert rows["1.1"].flags == ("no_milestones",)


def test_a_withdrawn_objective_leaves_the_picture_from_its_day_not_before(
    client, clock, plan, leader
):
    with clock(date(2026, 2, 6)):
        objective = Objective.objects.get(plan=plan, ref="1.2")
        objective.status = Objective.Status.WITHDRAWN
        save_with_history(objective, user=None, reason="Merged into 1.1")
    before = api(client, leader, plan, date(2026, 2, 5))
    after = api(client, leader, plan, date(2026, 2, 6))
    assert [o["ref"] for o in before["objectives"]] == ["1.1", "1.2"]
    assert [o["ref"] for o in after["objectives"]] == ["1.1"]
    assert sum(after["summary"].values()) == 1
