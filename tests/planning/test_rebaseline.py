"""Re-baselining a milestone: administrators only, always with a reason, kept in history."""

from datetime import date

import pytest

from milestones import services as milestone_services
from planning import selectors
from tracking import selectors as objective_selectors

pytestmark = pytest.mark.django_db


def _data(milestone, day: date, reason="Board agreed a new date", **extra):
    return {
        "baseline_date_day": str(day.day),
        "baseline_date_month": str(day.month),
        "baseline_date_year": str(day.year),
        "reason": reason,
        "version": milestone.version,
        **extra,
    }


def test_rebaseline_records_old_and_new_baseline_and_the_reason(
    admin_client, milestone, staff_admin
):
    url = f"/manage/milestones/{milestone.pk}/rebaseline/"
    response = admin_client.post(url, _data(milestone, date(2026, 9, 30)))
    assert response.status_code == 302
    assert response.url == f"/manage/objectives/{milestone.objective_id}/#milestones"
    milestone.refresh_from_db()
    assert milestone.baseline_date == date(2026, 9, 30)
    assert milestone.due_date == date(2026, 6, 30)
    record = milestone.history.latest("history_date")
    assert record.history_change_reason == "Board agreed a new date"
    assert record.history_user == staff_admin
    assert record.prev_record.baseline_date == date(2026, 6, 30)
    changes = selectors.baseline_history(milestone)
    assert [(c.old_baseline, c.new_baseline, c.reason) for c in changes] == [
        (None, date(2026, 6, 30), "Milestone added"),
        (date(2026, 6, 30), date(2026, 9, 30), "Board agreed a new date"),
    ]
    page = " ".join(admin_client.get(url).content.decode().split())
    assert "30 Jun 2026 to 30 Sep 2026" in page
    assert "Board agreed a new date" in page


def test_rebaseline_changes_the_slip_the_dashboard_sees(admin_client, milestone):
    milestone_services.milestone_reschedule(
        milestone=milestone, user=None, due_date=date(2026, 9, 30), reason="Delay"
    )
    milestone.refresh_from_db()
    drift = objective_selectors.plan_drift(milestone.objective.plan)
    assert drift.objectives[0].milestones[0].slip_days == 92
    admin_client.post(
        f"/manage/milestones/{milestone.pk}/rebaseline/", _data(milestone, date(2026, 9, 30))
    )
    drift = objective_selectors.plan_drift(milestone.objective.plan)
    assert drift.objectives[0].milestones[0].slip_days == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"reason": "  "}, "Give a reason for re-baselining"),
        ({"baseline_date_month": "2", "baseline_date_day": "30"}, "must be a real date"),
        ({"baseline_date_year": ""}, "must include a year"),
        ({"baseline_date_year": "26"}, "Year must include 4 numbers"),
        (
            {"baseline_date_day": "30", "baseline_date_month": "6", "baseline_date_year": "2026"},
            "The new baseline date is the same as the current one",
        ),
    ],
)
def test_rebaseline_errors_change_nothing(admin_client, milestone, data, message):
    url = f"/manage/milestones/{milestone.pk}/rebaseline/"
    response = admin_client.post(url, {**_data(milestone, date(2026, 12, 31)), **data})
    assert response.status_code == 200
    page = response.content.decode()
    assert message in page
    assert "govuk-error-summary" in page
    milestone.refresh_from_db()
    assert milestone.baseline_date == date(2026, 6, 30)
    assert milestone.history.count() == 1


def test_rebaseline_refuses_a_stale_page(admin_client, milestone, staff_admin):
    loaded = milestone.version
    milestone_services.milestone_reschedule(
        milestone=milestone, user=staff_admin, due_date=date(2026, 5, 1)
    )
    response = admin_client.post(
        f"/manage/milestones/{milestone.pk}/rebaseline/",
        {**_data(milestone, date(2026, 12, 31)), "version": loaded},
    )
    assert "Someone else changed this milestone" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.baseline_date == date(2026, 6, 30)


def test_rebaseline_from_the_objective_page_returns_there(admin_client, milestone):
    url = f"/manage/milestones/{milestone.pk}/rebaseline/?next=objective"
    page = admin_client.get(url).content.decode()
    assert 'name="next" value="objective"' in page
    response = admin_client.post(
        f"/manage/milestones/{milestone.pk}/rebaseline/",
        _data(milestone, date(2026, 12, 31), next="objective"),
    )
    assert response.url == f"/objectives/{milestone.objective_id}/"


def test_next_cannot_redirect_elsewhere(admin_client, milestone):
    response = admin_client.post(
        f"/manage/milestones/{milestone.pk}/rebaseline/",
        _data(milestone, date(2026, 12, 31), next="https://evil.example/"),
    )
    assert response.url.startswith("/manage/objectives/")


def test_a_completed_milestone_keeps_its_baseline(admin_client, milestone, staff_admin):
    milestone_services.milestone_complete(
        milestone=milestone,
        user=staff_admin,
        completed_on=date(2025, 1, 2),
        reason="Finished before it was put on the system",
    )
    milestone.refresh_from_db()
    url = f"/manage/milestones/{milestone.pk}/rebaseline/"
    page = admin_client.get(url).content.decode()
    assert "Its baseline is part of the record and cannot change" in page
    assert 'name="reason"' not in page
    setup = admin_client.get(f"/manage/objectives/{milestone.objective_id}/").content.decode()
    assert url not in setup
    response = admin_client.post(url, _data(milestone, date(2026, 12, 31)))
    assert response.status_code == 200
    assert "cannot change" in response.content.decode()
    milestone.refresh_from_db()
    assert milestone.baseline_date == date(2026, 6, 30)


def test_objective_page_offers_rebaseline_to_administrators_only(
    client, admin_client, milestone, manager
):
    link = f"/manage/milestones/{milestone.pk}/rebaseline/?next=objective"
    page = admin_client.get(f"/objectives/{milestone.objective_id}/").content.decode()
    assert link in page
    client.force_login(manager)  # the objective's owner, who may re-forecast but not re-baseline
    page = client.get(f"/objectives/{milestone.objective_id}/").content.decode()
    assert link not in page
