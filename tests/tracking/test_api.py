"""``/api/drift/`` against its contract: shape, errors, access and query count."""

import re
from contextlib import nullcontext
from datetime import date

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from milestones import services as milestone_services
from objectives import services as objective_services
from objectives.history import save_with_history
from tests import factories
from tests.factories import london

pytestmark = pytest.mark.django_db

URL = "/api/drift/"
ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
TODAY = date(2026, 4, 10)


@pytest.fixture
def plan_with_history(clock, admin_user, manager, other_manager):
    """One plan, its history spread over several days: a themed, owned objective with a
    slipped milestone and a finished one, an unowned objective, and an objective with no
    milestones that is completed on 20 March."""
    with clock(date(2026, 1, 5)):
        plan = factories.make_plan(user=admin_user, name="Children's services plan")
        theme = factories.make_theme(plan, user=admin_user, name="Stabilising the workforce")
        owned = factories.make_objective(
            plan,
            user=admin_user,
            ref="1.1",
            title="Reduce agency social workers",
            theme=theme,
            owner=manager,
            starts_on=date(2026, 1, 1),
            target_date=date(2026, 12, 31),
        )
        slipping = factories.make_milestone(
            owned, user=admin_user, title="Recruitment campaign", due_date=date(2026, 3, 31)
        )
        finished = factories.make_milestone(
            owned, user=admin_user, title="Workforce strategy", due_date=date(2026, 2, 28)
        )
        unowned = factories.make_objective(
            plan,
            user=admin_user,
            ref="1.2",
            title="Virtual school training",
            starts_on=date(2026, 1, 1),
            target_date=date(2026, 12, 31),
        )
        factories.make_milestone(unowned, user=admin_user, due_date=date(2026, 11, 30))
        done = factories.make_objective(
            plan,
            user=admin_user,
            ref="1.3",
            title="Joint audits",
            owner=other_manager,
            starts_on=date(2026, 1, 1),
            target_date=date(2026, 12, 31),
        )
    with clock(date(2026, 2, 1)):
        milestone_services.milestone_reschedule(
            milestone=slipping, user=manager, due_date=date(2026, 4, 14), reason="Advert delayed"
        )
    with clock(date(2026, 3, 2)):
        milestone_services.milestone_complete(
            milestone=finished, user=manager, completed_on=date(2026, 3, 2)
        )
    with clock(date(2026, 3, 20)):
        objective_services.objective_update(
            objective=done, user=admin_user, status="complete", closing_summary="All delivered."
        )
        factories.make_update(owned, user=manager, reported_on=date(2026, 3, 20))
    return plan


def get_json(client, user, *, clock=None, **params):
    client.force_login(user)
    with clock(TODAY) if clock else nullcontext():
        response = client.get(URL, params)
    assert response["Content-Type"].startswith("application/json")
    return response


# --- shape ---------------------------------------------------------------------------------------


def test_shape_is_exactly_the_contract(client, clock, leader, plan_with_history):
    response = get_json(client, leader, clock=clock, plan=plan_with_history.pk)
    assert response.status_code == 200
    body = response.json()
    assert set(body) == {"plan", "as_of", "summary", "forecast", "objectives", "board"}
    assert body["board"] is None  # no board meeting is recorded in this plan
    assert body["plan"] == {"id": plan_with_history.pk, "name": "Children's services plan"}
    assert body["as_of"] == "2026-04-10"
    assert set(body["summary"]) == {"red", "amber", "green", "complete"}
    for row in body["objectives"]:
        assert set(row) == {
            "id",
            "ref",
            "title",
            "theme",
            "owner",
            "target_date",
            "rag",
            "flags",
            "milestones",
            "measures",  # added by the findings-to-impact work (new keys may be added)
            "likely_finish",
            "likely_finish_80",
        }
        assert ISO_DATE.match(row["target_date"])
        assert isinstance(row["flags"], list)
        for m in row["milestones"]:
            assert set(m) == {
                "id",
                "title",
                "baseline_date",
                "due_date",
                "completed_on",
                "slip_days",
                "overdue_days",
                "replans",
                "rag",
                "likely_finish",
                "likely_finish_80",
                "depends_on",  # added with dependencies (new keys may be added)
                "knock_on_days",
            }
            assert isinstance(m["depends_on"], list) and m["knock_on_days"] >= 0
            assert ISO_DATE.match(m["baseline_date"])
            assert ISO_DATE.match(m["due_date"])
            assert m["completed_on"] is None or ISO_DATE.match(m["completed_on"])


def test_values_as_worked_out_by_hand(client, clock, leader, plan_with_history):
    body = get_json(client, leader, clock=clock, plan=plan_with_history.pk).json()
    # On 10 April: 1.1 has a milestone slipped 14 days (amber, not yet overdue) and a finished
    # one; 1.2 has no owner (red) and nothing reported since 1 January (stale); 1.3 is complete.
    assert body["summary"] == {"red": 1, "amber": 1, "green": 0, "complete": 1}
    assert [(row["ref"], row["rag"]) for row in body["objectives"]] == [
        ("1.2", "red"),
        ("1.1", "amber"),
        ("1.3", "complete"),
    ]
    unowned, owned, done = body["objectives"]
    assert unowned["owner"] is None
    assert unowned["theme"] is None
    assert set(unowned["flags"]) == {"no_owner", "stale"}
    assert owned["owner"] == "mo_manager"
    assert owned["theme"] == "Stabilising the workforce"
    assert owned["title"] == "Reduce agency social workers"
    assert owned["target_date"] == "2026-12-31"
    assert owned["flags"] == ["slipped"]
    by_title = {m["title"]: m for m in owned["milestones"]}
    assert by_title["Recruitment campaign"] == {
        "id": by_title["Recruitment campaign"]["id"],
        "title": "Recruitment campaign",
        "baseline_date": "2026-03-31",
        "due_date": "2026-04-14",
        "completed_on": None,
        "slip_days": 14,
        "overdue_days": 0,
        "replans": 1,
        "rag": "amber",
        "likely_finish": None,  # too few finished milestones for a forecast
        "likely_finish_80": None,
        "depends_on": [],
        "knock_on_days": 0,
    }
    assert by_title["Workforce strategy"] == {
        "id": by_title["Workforce strategy"]["id"],
        "title": "Workforce strategy",
        "baseline_date": "2026-02-28",
        "due_date": "2026-02-28",
        "completed_on": "2026-03-02",
        "slip_days": 2,
        "overdue_days": 0,
        "replans": 0,
        "rag": "complete",
        "likely_finish": None,  # complete: no likely finish
        "likely_finish_80": None,
        "depends_on": [],
        "knock_on_days": 0,
    }
    assert (done["rag"], done["flags"]) == ("complete", [])


def test_as_of_in_the_past_gives_the_past_picture(client, clock, leader, plan_with_history):
    body = get_json(
        client, leader, clock=clock, plan=plan_with_history.pk, as_of="2026-01-20"
    ).json()
    assert body["as_of"] == "2026-01-20"
    # On 20 January nothing had slipped, nothing was finished and 1.3 was not yet complete.
    assert [(row["ref"], row["rag"]) for row in body["objectives"]] == [
        ("1.2", "red"),
        ("1.3", "amber"),  # no milestones
        ("1.1", "green"),
    ]
    owned = body["objectives"][2]
    assert owned["flags"] == []
    for m in owned["milestones"]:
        assert m["due_date"] == m["baseline_date"]
        assert (m["completed_on"], m["slip_days"], m["replans"], m["rag"]) == (
            None,
            0,
            0,
            "green",
        )


def test_as_of_before_a_completion_shows_the_milestone_open(
    client, clock, leader, plan_with_history
):
    body = get_json(
        client, leader, clock=clock, plan=plan_with_history.pk, as_of="2026-03-01"
    ).json()
    owned = next(row for row in body["objectives"] if row["ref"] == "1.1")
    finished = next(m for m in owned["milestones"] if m["title"] == "Workforce strategy")
    assert (finished["completed_on"], finished["overdue_days"], finished["rag"]) == (
        None,
        1,
        "red",
    )
    assert "overdue_milestone" in owned["flags"]


def test_completion_dated_after_as_of_is_not_shown(client, clock, leader, admin_user):
    # A backfilled completion: its history record is dated 5 March, but it says the work was
    # done on 10 March. On 7 March the milestone is open (completed_on > D), so the API shows
    # no completion date rather than one in the future of D.
    with clock(date(2026, 1, 5)):
        plan = factories.make_plan(user=admin_user)
        objective = factories.make_objective(
            plan, user=admin_user, owner=leader, target_date=date(2026, 12, 31)
        )
        milestone = factories.make_milestone(objective, user=admin_user, due_date=date(2026, 3, 6))
    # The services no longer let a completion be dated after its own record (Rules of the
    # record), but rows written before the rules may carry one: the read side must cope.
    with clock(date(2026, 3, 10)):
        milestone.completed_on = date(2026, 3, 10)
        save_with_history(milestone, user=admin_user, recorded_at=london(date(2026, 3, 5)))
    body = get_json(client, leader, clock=clock, plan=plan.pk, as_of="2026-03-07").json()
    (m,) = body["objectives"][0]["milestones"]
    assert (m["completed_on"], m["overdue_days"], m["rag"]) == (None, 1, "red")
    body = get_json(client, leader, clock=clock, plan=plan.pk, as_of="2026-03-10").json()
    (m,) = body["objectives"][0]["milestones"]
    assert (m["completed_on"], m["slip_days"], m["rag"]) == ("2026-03-10", 4, "complete")


def test_as_of_defaults_to_today_in_london(client, clock, leader, plan_with_history):
    # 00:30 on 16 July in London is still 15 July in UTC.
    client.force_login(leader)
    with clock(london(date(2026, 7, 16), 0, 30)):
        body = client.get(URL).json()
    assert body["as_of"] == "2026-07-16"


def test_plan_may_be_left_out_when_there_is_only_one(client, clock, manager, plan_with_history):
    response = get_json(client, manager, clock=clock)
    assert response.status_code == 200
    assert response.json()["plan"]["id"] == plan_with_history.pk


def test_plan_must_be_chosen_when_there_are_two(client, clock, leader, plan_with_history):
    factories.make_plan(user=leader)
    response = get_json(client, leader, clock=clock)
    assert response.status_code == 400
    assert set(response.json()) == {"error"}
    assert response.json()["error"]


def test_each_of_two_plans_can_be_chosen(client, clock, leader, admin_user, plan_with_history):
    with clock(date(2026, 1, 5)):
        other = factories.make_plan(user=admin_user, name="Second plan")
        factories.make_objective(other, user=admin_user, ref="7.1", target_date=date(2026, 9, 1))
    body = get_json(client, leader, clock=clock, plan=other.pk).json()
    assert body["plan"] == {"id": other.pk, "name": "Second plan"}
    assert [row["ref"] for row in body["objectives"]] == ["7.1"]
    body = get_json(client, leader, clock=clock, plan=plan_with_history.pk).json()
    assert sorted(row["ref"] for row in body["objectives"]) == ["1.1", "1.2", "1.3"]


# --- errors --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "as_of",
    ["2026-02-31", "yesterday", "9999-12-31", "2026-13-01", "0001-01-01", "31/03/2026", "2026-"],
)
def test_bad_as_of_is_a_400_with_an_error(client, clock, leader, plan_with_history, as_of):
    response = get_json(client, leader, clock=clock, plan=plan_with_history.pk, as_of=as_of)
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"error"}
    assert isinstance(body["error"], str)
    assert body["error"]


@pytest.mark.parametrize("plan", ["999999", "abc", "1.5", "-1", "99999999999999999999999"])
def test_unknown_or_malformed_plan_is_a_400_with_an_error(
    client, clock, leader, plan_with_history, plan
):
    response = get_json(client, leader, clock=clock, plan=plan)
    assert response.status_code == 400
    assert set(response.json()) == {"error"}
    assert response.json()["error"]


def test_no_plan_at_all_is_a_400_with_an_error(client, leader):
    response = get_json(client, leader)
    assert response.status_code == 400
    assert response.json()["error"]


# --- access ------------------------------------------------------------------------------------


def test_not_signed_in_gets_no_data(client, plan_with_history):
    response = client.get(URL, {"plan": plan_with_history.pk})
    if response.status_code == 302:
        assert response["Location"].startswith("/accounts/login/")
    else:
        assert response.status_code in (401, 403)
    content = response.content.decode()
    assert "objectives" not in content
    assert "Reduce agency social workers" not in content


@pytest.mark.parametrize("role", ["leader", "manager", "admin_user"])
def test_every_signed_in_role_gets_the_drift(request, client, clock, plan_with_history, role):
    user = request.getfixturevalue(role)
    response = get_json(client, user, clock=clock, plan=plan_with_history.pk)
    assert response.status_code == 200
    assert len(response.json()["objectives"]) == 3


def test_a_signed_in_account_with_no_role_gets_no_data(client, clock, plan_with_history):
    nobody = factories.make_user("no_role", roles=())
    response = get_json(client, nobody, clock=clock, plan=plan_with_history.pk)
    assert response.status_code == 403
    assert "objectives" not in response.json()


def test_only_get_is_allowed(client, leader, plan_with_history):
    client.force_login(leader)
    response = client.post(URL, {"plan": plan_with_history.pk})
    assert response.status_code == 405


# --- queries do not grow with the plan ----------------------------------------------------------


def count_queries(client, plan, as_of="2026-03-15"):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(URL, {"plan": plan.pk, "as_of": as_of})
    assert response.status_code == 200
    return len(queries), response.json()


def test_query_count_does_not_grow_with_the_plan(client, clock, admin_user, leader):
    owners = [factories.make_manager(f"owner{i}") for i in range(5)]
    small = factories.make_plan_with_history(
        clock, admin=admin_user, owners=owners, count=10, name="Small"
    )
    large = factories.make_plan_with_history(
        clock, admin=admin_user, owners=owners, count=200, name="Large"
    )
    client.force_login(leader)
    client.get(URL, {"plan": small.pk})  # warm up anything cached per process
    small_count, small_body = count_queries(client, small)
    large_count, large_body = count_queries(client, large)
    assert len(small_body["objectives"]) == 10
    assert len(large_body["objectives"]) == 200
    assert sum(len(row["milestones"]) for row in large_body["objectives"]) == 400
    assert {m["replans"] for row in large_body["objectives"] for m in row["milestones"]} == {0, 1}
    assert small_count == large_count <= 15  # a past day replayed from history
    today = []
    for plan in (small, large):
        cache.clear()
        with clock(TODAY):
            today.append([count_queries(client, plan, TODAY.isoformat())[0] for _ in "12"])
    # Today, with nothing kept: the session, the plan, the stamps (with the kept days'
    # generation), the live read's two (its third, what milestones wait for, only when one
    # waits for something: none here), the finished milestones' first recorded days, the
    # impact's measures and the board's next meeting. Again with nothing written:
    # each objective's part is kept under its stamp (tracking.api_body) and the board's next
    # meeting under the plan's marks (tracking.plan_marks), so only the session, the plan and
    # the stamps.
    assert today[0] == today[1] == [8, 3]
