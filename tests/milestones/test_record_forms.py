"""The owner's forms obey the rules of the record: a refused POST says the allowed range and
why, and changes nothing (rows and history). The clock is frozen at 10 March 2026; the plan
starts on 1 January 2025 and the milestone was added on 10 March 2026."""

from datetime import date

import pytest

from milestones.models import Milestone
from objectives.models import Objective, ProgressUpdate

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        list(Objective.objects.order_by("pk").values()),
        list(Milestone.objects.order_by("pk").values()),
        list(ProgressUpdate.objects.order_by("pk").values()),
        Objective.history.count(),
        Milestone.history.count(),
        ProgressUpdate.history.count(),
    )


@pytest.fixture
def owner(client, manager):
    client.force_login(manager)
    return client


def before_the_plan(objective, milestone):
    """Every date-bearing form an owner can reach, with a date before the plan existed."""
    return {
        f"/objectives/{objective.pk}/updates/new/": (
            {
                "rag": "green",
                "summary": "Fine",
                "reported_on_day": "31",
                "reported_on_month": "12",
                "reported_on_year": "2024",
            },
            "The date of the update must be on or after 1 January 2025, when the plan starts",
        ),
        f"/objectives/{objective.pk}/milestones/new/": (
            {
                "title": "Backdated",
                "due_date_day": "31",
                "due_date_month": "12",
                "due_date_year": "2024",
            },
            "The due date must be on or after 1 January 2025, when the plan starts",
        ),
        f"/milestones/{milestone.pk}/reforecast/": (
            {
                "expected_version": str(milestone.version),
                "due_date_day": "1",
                "due_date_month": "1",
                "due_date_year": "1990",
            },
            "The new forecast date must be on or after 1 January 2025, when the plan starts",
        ),
        f"/milestones/{milestone.pk}/complete/": (
            {
                "expected_version": str(milestone.version),
                "completed_on_day": "1",
                "completed_on_month": "1",
                "completed_on_year": "1990",
            },
            "The completion date must be on or after 1 January 2025, when the plan starts",
        ),
    }


def test_dates_before_the_plan_change_nothing(owner, objective, milestone):
    before = snapshot()
    for url, (data, message) in before_the_plan(objective, milestone).items():
        response = owner.post(url, data)
        assert response.status_code == 200, url
        assert message in response.content.decode(), url
    assert snapshot() == before


def test_an_owner_cannot_forecast_yesterday(owner, milestone):
    before = snapshot()
    response = owner.post(
        f"/milestones/{milestone.pk}/reforecast/",
        {
            "expected_version": str(milestone.version),
            "due_date_day": "9",
            "due_date_month": "3",
            "due_date_year": "2026",
        },
    )
    assert "must be today (10 March 2026) or later" in response.content.decode()
    assert snapshot() == before


def test_an_owner_cannot_complete_before_the_milestone_was_added(owner, milestone):
    before = snapshot()
    response = owner.post(
        f"/milestones/{milestone.pk}/complete/",
        {
            "expected_version": str(milestone.version),
            "completed_on_day": "9",
            "completed_on_month": "3",
            "completed_on_year": "2026",
        },
    )
    assert (
        "The completion date must be on or after 10 March 2026, when this milestone was added"
        in response.content.decode()
    )
    assert 'name="reason"' not in response.content.decode()
    assert snapshot() == before


def test_an_administrator_completes_earlier_with_a_reason(client, admin_user, milestone):
    client.force_login(admin_user)
    page = client.get(f"/milestones/{milestone.pk}/complete/").content.decode()
    assert 'name="reason"' in page
    data = {
        "expected_version": str(milestone.version),
        "completed_on_day": "2",
        "completed_on_month": "3",
        "completed_on_year": "2026",
    }
    response = client.post(f"/milestones/{milestone.pk}/complete/", data)
    assert "Give a reason for recording a completion before 10 March 2026" in (
        response.content.decode()
    )
    response = client.post(
        f"/milestones/{milestone.pk}/complete/", {**data, "reason": "Evidence dated 2 March"}
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.completed_on == date(2026, 3, 2)


def test_the_objective_page_lists_open_milestones_before_completion(owner, objective, milestone):
    page = owner.get(f"/objectives/{objective.pk}/edit/").content.decode()
    assert "can be marked complete only when each of its milestones is complete or withdrawn" in (
        page
    )
    assert "1 milestone is still open" in page
    assert milestone.title in page
    assert 'name="closing_summary"' in page
    assert 'value="withdrawn"' not in page


def test_completing_an_objective_with_open_milestones_is_refused(owner, objective, milestone):
    before = snapshot()
    response = owner.post(
        f"/objectives/{objective.pk}/edit/",
        {
            "expected_version": str(objective.version),
            "description": "",
            "status": "complete",
            "closing_summary": "All done",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "cannot be complete while 1 milestone is still open" in html
    assert snapshot() == before


def test_completing_an_objective_needs_a_closing_summary(owner, objective, milestone, manager):
    from milestones import services

    services.milestone_complete(milestone=milestone, user=manager, completed_on=date(2026, 3, 10))
    objective.refresh_from_db()
    data = {"expected_version": str(objective.version), "description": "", "status": "complete"}
    response = owner.post(f"/objectives/{objective.pk}/edit/", data)
    assert "Write a closing summary of what the objective achieved" in response.content.decode()
    response = owner.post(
        f"/objectives/{objective.pk}/edit/", {**data, "closing_summary": "Ten recruited."}
    )
    assert response.status_code == 302
    objective.refresh_from_db()
    assert (objective.status, objective.closing_summary) == ("complete", "Ten recruited.")


def test_a_missing_version_is_refused_like_a_stale_one(owner, objective, milestone):
    before = snapshot()
    posts = {
        f"/objectives/{objective.pk}/edit/": {"description": "x", "status": "in_progress"},
        f"/milestones/{milestone.pk}/reforecast/": {
            "due_date_day": "1",
            "due_date_month": "6",
            "due_date_year": "2026",
            "reason": "Later",
        },
        f"/milestones/{milestone.pk}/complete/": {
            "completed_on_day": "10",
            "completed_on_month": "3",
            "completed_on_year": "2026",
        },
    }
    for url, data in posts.items():
        response = owner.post(url, data)
        assert response.status_code == 409, url
        assert "Someone else changed this" in response.content.decode(), url
    assert snapshot() == before


def test_a_withdrawn_milestone_cannot_be_changed_by_its_owner(
    owner, milestone, admin_user, manager
):
    from milestones import services

    services.milestone_withdraw(
        milestone=milestone, user=admin_user, reason="Duplicate", expected_version=None
    )
    milestone.refresh_from_db()
    before = snapshot()
    response = owner.post(
        f"/milestones/{milestone.pk}/reforecast/",
        {
            "expected_version": str(milestone.version),
            "due_date_day": "1",
            "due_date_month": "6",
            "due_date_year": "2026",
            "reason": "Later",
        },
    )
    assert "withdrawn on 10 March 2026" in response.content.decode()
    assert snapshot() == before
