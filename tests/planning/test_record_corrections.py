"""Administrators' corrections and withdrawals: a reason, an "Are you sure?" page that sums up
what will change, then the change; and plan set-up that keeps dates inside the plan."""

from datetime import date

import pytest

from milestones import services as milestone_services
from milestones.models import Milestone
from objectives.models import Objective
from tests import factories

TODAY = date(2026, 3, 10)

pytestmark = pytest.mark.django_db


def counts():
    return (
        Objective.history.count(),
        Milestone.history.count(),
        list(Milestone.objects.order_by("pk").values()),
        list(Objective.objects.order_by("pk").values()),
    )


@pytest.fixture
def setup(clock, staff_admin, manager):
    with clock(date(2026, 1, 5)):
        plan = factories.make_plan(
            user=staff_admin, starts_on=date(2025, 4, 1), ends_on=date(2027, 3, 31)
        )
        objective = factories.make_objective(
            plan,
            user=staff_admin,
            ref="1.1",
            owner=manager,
            starts_on=date(2025, 4, 1),
            target_date=date(2026, 12, 31),
        )
        done = factories.make_milestone(
            objective, user=staff_admin, title="Panel set up", due_date=date(2026, 2, 1)
        )
        still_open = factories.make_milestone(
            objective, user=staff_admin, title="Audit repeated", due_date=date(2026, 6, 1)
        )
    with clock(date(2026, 2, 3)):
        milestone_services.milestone_complete(
            milestone=done, user=manager, completed_on=date(2026, 2, 3)
        )
    done.refresh_from_db()
    return plan, objective, done, still_open


def test_correcting_a_completion_asks_first_then_records_the_reason(clock, admin_client, setup):
    _, objective, done, _ = setup
    url = f"/manage/milestones/{done.pk}/correct-completion/"
    data = {
        "version": str(done.version),
        "action": "change",
        "completed_on_day": "30",
        "completed_on_month": "1",
        "completed_on_year": "2026",
        "reason": "Mistyped: the panel first met on 30 January",
        "next": "objective",
    }
    with clock(TODAY):
        assert admin_client.get(url).status_code == 200
        before = counts()
        page = admin_client.post(url, data)
        html = page.content.decode()
        assert page.status_code == 200
        assert "Are you sure?" in html
        assert "3 February 2026" in html and "30 January 2026" in html
        assert counts() == before  # only asked so far
        response = admin_client.post(url, {**data, "confirm": "yes"})
    assert response.status_code == 302
    assert response["Location"] == f"/objectives/{objective.pk}/"
    done.refresh_from_db()
    assert done.completed_on == date(2026, 1, 30)
    assert done.history.first().history_change_reason.startswith("Mistyped")


def test_reopening_a_completion(clock, admin_client, setup):
    _, _, done, _ = setup
    url = f"/manage/milestones/{done.pk}/correct-completion/"
    data = {"version": str(done.version), "action": "reopen", "reason": "Not finished"}
    with clock(TODAY):
        assert "Not complete (reopened)" in admin_client.post(url, data).content.decode()
        assert admin_client.post(url, {**data, "confirm": "yes"}).status_code == 302
    done.refresh_from_db()
    assert done.completed_on is None


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"action": "reopen", "reason": ""}, "Give a reason for correcting the completion"),
        ({"action": "change", "reason": "x"}, "Enter the correct completion date"),
        (
            {
                "action": "change",
                "reason": "x",
                "completed_on_day": "11",
                "completed_on_month": "3",
                "completed_on_year": "2026",
            },
            "today (10 March 2026) or in the past",
        ),
        (
            {
                "action": "change",
                "reason": "x",
                "completed_on_day": "31",
                "completed_on_month": "3",
                "completed_on_year": "2025",
            },
            "on or after 1 April 2025, when the plan starts",
        ),
    ],
)
def test_a_bad_correction_changes_nothing(clock, admin_client, setup, data, message):
    _, _, done, _ = setup
    url = f"/manage/milestones/{done.pk}/correct-completion/"
    with clock(TODAY):
        before = counts()
        for confirm in ("", "yes"):
            response = admin_client.post(
                url, {"version": str(done.version), **data, "confirm": confirm}
            )
            assert response.status_code == 200
            assert message in response.content.decode()
    assert counts() == before


def test_withdrawing_a_milestone_keeps_it_struck_through_with_its_reason(
    clock, admin_client, client, leader, setup
):
    _, objective, _, still_open = setup
    url = f"/manage/milestones/{still_open.pk}/withdraw/"
    data = {"version": str(still_open.version), "reason": "Duplicates the regional audit"}
    with clock(TODAY):
        before = counts()
        assert (
            "Give a reason for withdrawing it"
            in admin_client.post(
                url, {"version": str(still_open.version), "reason": " "}
            ).content.decode()
        )
        assert "Are you sure?" in admin_client.post(url, data).content.decode()
        assert counts() == before
        assert admin_client.post(url, {**data, "confirm": "yes"}).status_code == 302
        still_open.refresh_from_db()
        assert still_open.withdrawn_on == TODAY
        client.force_login(leader)
        page = client.get(f"/objectives/{objective.pk}/").content.decode()
    assert f"<del>{still_open.title}</del>" in page
    assert "Duplicates the regional audit" in page
    assert Milestone.objects.filter(pk=still_open.pk).exists()  # nothing is deleted


def test_withdrawing_an_objective(clock, admin_client, setup):
    _, objective, _, _ = setup
    url = f"/manage/objectives/{objective.pk}/withdraw/"
    data = {"version": str(objective.version), "reason": "Merged into 2.1 by the board"}
    with clock(TODAY):
        assert "Are you sure?" in admin_client.post(url, data).content.decode()
        assert admin_client.post(url, {**data, "confirm": "yes"}).status_code == 302
        page = admin_client.get(f"/objectives/{objective.pk}/").content.decode()
    objective.refresh_from_db()
    assert objective.status == Objective.Status.WITHDRAWN
    assert "This objective was withdrawn on 10 March 2026" in page
    assert "Merged into 2.1 by the board" in page


def test_a_stale_or_missing_version_is_refused(clock, admin_client, setup):
    _, objective, done, still_open = setup
    with clock(TODAY):
        before = counts()
        for url, data in {
            f"/manage/milestones/{still_open.pk}/withdraw/": {"reason": "x", "confirm": "yes"},
            f"/manage/objectives/{objective.pk}/withdraw/": {"reason": "x", "confirm": "yes"},
            f"/manage/milestones/{done.pk}/correct-completion/": {
                "action": "reopen",
                "reason": "x",
                "confirm": "yes",
            },
        }.items():
            for version in (None, "999"):
                posted = data if version is None else {**data, "version": version}
                response = admin_client.post(url, posted)
                assert response.status_code == 409, url
                assert "Someone else changed" in response.content.decode(), url
    assert counts() == before


def test_links_for_administrators_only(clock, admin_client, client, manager, setup):
    _, objective, done, still_open = setup
    with clock(TODAY):
        setup_page = admin_client.get(f"/manage/objectives/{objective.pk}/").content.decode()
        detail = admin_client.get(f"/objectives/{objective.pk}/").content.decode()
        client.force_login(manager)
        owners_view = client.get(f"/objectives/{objective.pk}/").content.decode()
    for page in (setup_page, detail):
        assert f"/manage/milestones/{done.pk}/correct-completion/" in page
        assert f"/manage/milestones/{still_open.pk}/withdraw/" in page
        assert f"/manage/objectives/{objective.pk}/withdraw/" in page
    assert "/withdraw/" not in owners_view


# --- Plan set-up keeps dates inside the plan ---------------------------------------------


def _objective_data(**dates):
    data = {
        "ref": "3.1",
        "title": "Early help",
        "starts_on_day": "1",
        "starts_on_month": "4",
        "starts_on_year": "2025",
        "target_date_day": "31",
        "target_date_month": "3",
        "target_date_year": "2027",
    }
    data.update(dates)
    return data


@pytest.mark.parametrize(
    ("dates", "message"),
    [
        (
            {"target_date_day": "1", "target_date_month": "4"},
            "The target date must be on or before 31 March 2027, when the plan ends",
        ),
        (
            {"starts_on_day": "31", "starts_on_month": "3"},
            "The start date must be on or after 1 April 2025, when the plan starts",
        ),
    ],
)
def test_objective_dates_outside_the_plan_are_refused(clock, admin_client, setup, dates, message):
    plan, _, _, _ = setup
    with clock(TODAY):
        before = Objective.history.count()
        response = admin_client.post(
            f"/manage/plans/{plan.pk}/objectives/new/", _objective_data(**dates)
        )
        assert message in response.content.decode()
        assert Objective.history.count() == before
        ok = admin_client.post(f"/manage/plans/{plan.pk}/objectives/new/", _objective_data())
    assert ok.status_code == 302


def test_a_milestone_baseline_after_the_target_is_refused(clock, admin_client, setup):
    _, objective, _, _ = setup
    url = f"/manage/objectives/{objective.pk}/milestones/new/"
    with clock(TODAY):
        before = Milestone.history.count()
        response = admin_client.post(
            url,
            {
                "title": "After target",
                "due_date_day": "1",
                "due_date_month": "1",
                "due_date_year": "2027",
            },
        )
        assert "on or before 31 December 2026, the objective" in response.content.decode()
        assert Milestone.history.count() == before
        ok = admin_client.post(
            url,
            {
                "title": "On target",
                "due_date_day": "31",
                "due_date_month": "12",
                "due_date_year": "2026",
            },
        )
    assert ok.status_code == 302


def test_set_up_edit_forms_refuse_a_missing_version(clock, admin_client, setup, manager):
    _, objective, _, still_open = setup
    with clock(TODAY):
        before = counts()
        for url, data in {
            f"/manage/objectives/{objective.pk}/edit/": {
                **_objective_data(ref="1.1"),
                "title": "Changed",
                "status": "in_progress",
                "reason": "Agreed",
            },
            f"/manage/milestones/{still_open.pk}/edit/": {
                "title": "Changed",
                "due_date_day": "1",
                "due_date_month": "6",
                "due_date_year": "2026",
            },
            f"/manage/milestones/{still_open.pk}/rebaseline/": {
                "baseline_date_day": "1",
                "baseline_date_month": "7",
                "baseline_date_year": "2026",
                "reason": "Agreed",
            },
            f"/manage/objectives/{objective.pk}/owner/": {
                "owner": str(factories.make_manager("new_owner").pk),
                "reason": "Moved",
            },
        }.items():
            response = admin_client.post(url, data)
            assert response.status_code == 409, url
            assert "Someone else changed" in response.content.decode(), url
    assert counts() == before
