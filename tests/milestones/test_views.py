"""Owners add, re-forecast and complete milestones in the browser: rules, errors and history."""

from datetime import date

import pytest

from milestones.models import Milestone

pytestmark = pytest.mark.django_db


@pytest.fixture
def owner(client, manager):
    client.force_login(manager)
    return client


def reforecast(milestone, day, month, year, reason="", version=None):
    return {
        "expected_version": str(version if version is not None else milestone.version),
        "due_date_day": str(day),
        "due_date_month": str(month),
        "due_date_year": str(year),
        "reason": reason,
    }


def complete(milestone, day, month, year, version=None):
    return {
        "expected_version": str(version if version is not None else milestone.version),
        "completed_on_day": str(day),
        "completed_on_month": str(month),
        "completed_on_year": str(year),
    }


def history_count(milestone):
    return Milestone.history.filter(id=milestone.pk).count()


# --- Re-forecast ---------------------------------------------------------------------------


def test_the_reforecast_page_says_a_later_date_needs_a_reason_before_submitting(owner, milestone):
    html = owner.get(f"/milestones/{milestone.pk}/reforecast/").content.decode()
    assert "If you move the date later than 1 April 2026, you must say why" in html
    assert "Needed if the new date is later than 1 April 2026" in html
    assert f'name="expected_version" value="{milestone.version}"' in html


def test_moving_a_date_later_without_a_reason_is_refused_and_saves_nothing(owner, milestone):
    response = owner.post(
        f"/milestones/{milestone.pk}/reforecast/", reforecast(milestone, 1, 5, 2026)
    )
    assert response.status_code == 200  # the form again, with its errors
    html = response.content.decode()
    assert "There is a problem" in html
    assert 'href="#id_reason"' in html
    assert "Give a reason for moving the date later than 1 April 2026" in html
    assert 'id="id_reason-error"' in html
    assert 'value="5"' in html and 'value="2026"' in html  # the input is kept
    milestone.refresh_from_db()
    assert milestone.due_date == date(2026, 4, 1)
    assert history_count(milestone) == 1


def test_moving_a_date_later_with_a_reason_is_recorded_with_who_and_why(owner, milestone, manager):
    response = owner.post(
        f"/milestones/{milestone.pk}/reforecast/",
        reforecast(milestone, 1, 5, 2026, reason="Agency staff withdrew offers"),
    )
    assert response.status_code == 302
    assert response["Location"] == f"/objectives/{milestone.objective_id}/"
    milestone.refresh_from_db()
    assert milestone.due_date == date(2026, 5, 1)
    assert milestone.baseline_date == date(2026, 4, 1)
    assert history_count(milestone) == 2
    record = milestone.history.first()
    assert record.history_user == manager
    assert record.history_change_reason == "Agency staff withdrew offers"
    page = owner.get(response["Location"]).content.decode()
    assert "is now forecast for 1 May 2026" in page  # the success banner
    assert "govuk-notification-banner--success" in page
    assert "Agency staff withdrew offers" in page
    assert "Forecast date changed from 1 April 2026 to 1 May 2026 (30 days later)" in page


def test_moving_a_date_earlier_needs_no_reason(owner, milestone):
    response = owner.post(
        f"/milestones/{milestone.pk}/reforecast/", reforecast(milestone, 20, 3, 2026)
    )
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.due_date == date(2026, 3, 20)


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("31", "2", "2026", "New forecast date must be a real date"),
        ("x", "3", "2026", "New forecast date must be a real date"),
        ("1", "March", "2026", "New forecast date must be a real date"),
        ("1", "13", "2026", "New forecast date must be a real date"),
        ("", "", "", "Enter the new forecast date"),
        ("1", "", "2026", "New forecast date must include a month"),
        ("1", "5", "26", "Year must include 4 numbers"),
        ("1", "4", "2026", "The new forecast date is the same as the current one."),
        ("1", "5", "9" * 5000, "Year must include 4 numbers"),
    ],
)
def test_bad_dates_get_a_clear_answer_and_save_nothing(owner, milestone, day, month, year, message):
    data = reforecast(milestone, day, month, year, reason="Delay")
    response = owner.post(f"/milestones/{milestone.pk}/reforecast/", data)
    assert response.status_code == 200  # the form again, with its errors
    html = response.content.decode()
    assert "There is a problem" in html
    assert message in html
    assert "govuk-error-message" in html
    milestone.refresh_from_db()
    assert milestone.due_date == date(2026, 4, 1)
    assert history_count(milestone) == 1


def test_a_very_long_reason_is_refused(owner, milestone):
    data = reforecast(milestone, 1, 5, 2026, reason="x" * 2001)
    response = owner.post(f"/milestones/{milestone.pk}/reforecast/", data)
    assert response.status_code == 200  # the form again, with its errors
    assert "Reason must be 2,000 characters or fewer" in response.content.decode()
    assert history_count(milestone) == 1


def test_html_in_a_reason_is_stored_as_typed_and_shown_escaped(owner, milestone):
    reason = '<script>alert("x")</script><b>late</b>'
    owner.post(f"/milestones/{milestone.pk}/reforecast/", reforecast(milestone, 1, 5, 2026, reason))
    assert milestone.history.first().history_change_reason == reason
    html = owner.get(f"/objectives/{milestone.objective_id}/").content.decode()
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;late&lt;/b&gt;" in html
    assert "<script>alert" not in html


def test_a_complete_milestone_cannot_be_reforecast(owner, milestone, manager):
    from milestones import services

    services.milestone_complete(milestone=milestone, user=manager, completed_on=date(2026, 3, 10))
    milestone.refresh_from_db()
    page = owner.get(f"/milestones/{milestone.pk}/reforecast/").content.decode()
    assert "its date can no longer change" in page
    response = owner.post(
        f"/milestones/{milestone.pk}/reforecast/", reforecast(milestone, 1, 5, 2026, "x")
    )
    assert response.status_code == 200  # the form again, with its errors
    assert "This milestone is complete" in response.content.decode()


# --- Complete ------------------------------------------------------------------------------


def test_the_completion_date_defaults_to_today(owner, milestone):
    html = owner.get(f"/milestones/{milestone.pk}/complete/").content.decode()
    assert 'name="completed_on_day" type="text" inputmode="numeric" value="10"' in html
    assert 'name="completed_on_month" type="text" inputmode="numeric" value="3"' in html


def test_completing_a_milestone(owner, milestone, manager):
    response = owner.post(f"/milestones/{milestone.pk}/complete/", complete(milestone, 10, 3, 2026))
    assert response.status_code == 302
    milestone.refresh_from_db()
    assert milestone.completed_on == date(2026, 3, 10)
    assert history_count(milestone) == 2
    assert milestone.history.first().history_user == manager
    page = owner.get(response["Location"]).content.decode()
    assert "marked as complete on 10 March 2026" in page
    assert "Milestone completed" in page


@pytest.mark.parametrize(
    ("day", "month", "year", "message"),
    [
        ("11", "3", "2026", "Completion date cannot be in the future"),
        ("30", "2", "2026", "Completion date must be a real date"),
        ("aa", "bb", "cccc", "Completion date must be a real date"),
        ("", "", "", "Enter the completion date"),
    ],
)
def test_bad_completion_dates_save_nothing(owner, milestone, day, month, year, message):
    response = owner.post(
        f"/milestones/{milestone.pk}/complete/", complete(milestone, day, month, year)
    )
    assert response.status_code == 200  # the form again, with its errors
    assert message in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.completed_on is None
    assert history_count(milestone) == 1


def test_a_milestone_cannot_be_completed_twice(owner, milestone):
    owner.post(f"/milestones/{milestone.pk}/complete/", complete(milestone, 10, 3, 2026))
    milestone.refresh_from_db()
    response = owner.post(f"/milestones/{milestone.pk}/complete/", complete(milestone, 10, 3, 2026))
    assert response.status_code == 200  # the form again, with its errors
    assert "This milestone is already complete" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.completed_on == date(2026, 3, 10)


# --- Add -----------------------------------------------------------------------------------


def test_adding_a_milestone_makes_its_date_the_baseline(owner, objective, manager):
    response = owner.post(
        f"/objectives/{objective.pk}/milestones/new/",
        {
            "title": "Induction programme running",
            "due_date_day": "30",
            "due_date_month": "6",
            "due_date_year": "2026",
        },
    )
    assert response.status_code == 302
    milestone = objective.milestones.get()
    assert milestone.baseline_date == milestone.due_date == date(2026, 6, 30)
    assert milestone.history.get().history_user == manager
    page = owner.get(response["Location"]).content.decode()
    assert "Milestone \u2018Induction programme running\u2019 added, due 30 June 2026" in page


@pytest.mark.parametrize(
    ("title", "day", "message"),
    [
        ("", "30", "Enter what the milestone is"),
        ("   ", "30", "Enter what the milestone is"),
        ("x" * 301, "30", "Milestone must be 300 characters or fewer"),
        ("Induction", "31", "Due date must be a real date"),
    ],
)
def test_bad_milestones_are_refused(owner, objective, title, day, message):
    response = owner.post(
        f"/objectives/{objective.pk}/milestones/new/",
        {"title": title, "due_date_day": day, "due_date_month": "6", "due_date_year": "2026"},
    )
    assert response.status_code == 200  # the form again, with its errors
    html = response.content.decode()
    assert message in html
    assert "There is a problem" in html
    assert not objective.milestones.exists()


def test_a_milestone_title_with_html_is_shown_escaped(owner, objective):
    owner.post(
        f"/objectives/{objective.pk}/milestones/new/",
        {
            "title": "<img src=x onerror=alert(1)>",
            "due_date_day": "30",
            "due_date_month": "6",
            "due_date_year": "2026",
        },
    )
    assert objective.milestones.get().title == "<img src=x onerror=alert(1)>"
    html = owner.get(f"/objectives/{objective.pk}/").content.decode()
    assert "<img src=x" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html


def test_a_milestone_address_leads_to_its_objective(owner, milestone):
    response = owner.get(f"/milestones/{milestone.pk}/")
    assert response.status_code == 302
    assert response["Location"] == f"/objectives/{milestone.objective_id}/#milestone-{milestone.pk}"
