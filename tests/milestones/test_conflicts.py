"""No lost updates: a form loaded at an old version is refused with the current values.

Each accepted change leaves exactly one history record. The threaded test runs on PostgreSQL
(CI runs the suite on SQLite and PostgreSQL); the sequential ones run on both.
"""

import threading
from datetime import date

import pytest
from django.db import connection
from django.test import Client

from milestones import services
from milestones.models import Milestone
from objectives.history import StaleEditError
from tests import factories

pytestmark = pytest.mark.django_db


def login(user):
    client = Client()
    client.force_login(user)
    return client


def reforecast_data(version, day, month, year, reason=""):
    return {
        "expected_version": str(version),
        "due_date_day": str(day),
        "due_date_month": str(month),
        "due_date_year": str(year),
        "reason": reason,
    }


def test_a_stale_reforecast_gets_a_conflict_with_the_current_values(milestone, manager, admin_user):
    first, second = login(admin_user), login(manager)
    url = f"/milestones/{milestone.pk}/reforecast/"
    loaded_at = milestone.version
    assert first.get(url).status_code == 200
    assert second.get(url).status_code == 200

    accepted = first.post(url, reforecast_data(loaded_at, 12, 5, 2026, "Agency delay"))
    assert accepted.status_code == 302

    refused = second.post(url, reforecast_data(loaded_at, 1, 6, 2026, "Recruitment freeze"))
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "Someone else changed this milestone while you were editing it" in html
    assert "12 May 2026" in html  # the forecast date as it is now
    assert "Your change has not been saved" in html
    assert "Alice_Admin Tester" in html  # who changed it
    assert 'value="Recruitment freeze"' in html or "Recruitment freeze</textarea>" in html
    milestone.refresh_from_db()
    assert milestone.due_date == date(2026, 5, 12)
    assert milestone.version == loaded_at + 1
    assert f'name="expected_version" value="{milestone.version}"' in html
    assert Milestone.history.filter(id=milestone.pk).count() == 2

    # The fresh version lets the person retry on purpose.
    retried = second.post(url, reforecast_data(milestone.version, 1, 6, 2026, "Recruitment freeze"))
    assert retried.status_code == 302
    milestone.refresh_from_db()
    assert milestone.due_date == date(2026, 6, 1)
    assert Milestone.history.filter(id=milestone.pk).count() == 3


def test_a_stale_completion_is_refused(milestone, manager, admin_user):
    url = f"/milestones/{milestone.pk}/complete/"
    loaded_at = milestone.version
    services.milestone_reschedule(
        milestone=milestone, user=admin_user, due_date=date(2026, 3, 1), reason=""
    )
    response = login(manager).post(
        url,
        {
            "expected_version": str(loaded_at),
            "completed_on_day": "1",
            "completed_on_month": "3",
            "completed_on_year": "2026",
        },
    )
    assert response.status_code == 409
    assert "1 March 2026" in response.content.decode()  # the forecast date as it is now
    milestone.refresh_from_db()
    assert milestone.completed_on is None


def test_a_completion_by_someone_else_shows_the_milestone_is_complete(
    milestone, manager, admin_user
):
    url = f"/milestones/{milestone.pk}/reforecast/"
    loaded_at = milestone.version
    services.milestone_complete(
        milestone=milestone, user=admin_user, completed_on=date(2026, 3, 10)
    )
    response = login(manager).post(url, reforecast_data(loaded_at, 1, 6, 2026, "Delay"))
    assert response.status_code == 409
    html = response.content.decode()
    assert "10 March 2026" in html  # completed, as it is now
    milestone.refresh_from_db()
    assert milestone.due_date == date(2026, 4, 1)


def test_a_stale_form_with_errors_still_reports_the_conflict(milestone, manager, admin_user):
    url = f"/milestones/{milestone.pk}/reforecast/"
    loaded_at = milestone.version
    services.milestone_reschedule(
        milestone=milestone, user=admin_user, due_date=date(2026, 5, 1), reason="Delay"
    )
    response = login(manager).post(url, reforecast_data(loaded_at, 31, 2, 2026))
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this milestone" in html
    assert "New forecast date must be a real date" in html


def test_a_form_without_its_version_is_refused(milestone, manager):
    data = reforecast_data(1, 1, 5, 2026, "Delay")
    del data["expected_version"]
    response = login(manager).post(f"/milestones/{milestone.pk}/reforecast/", data)
    assert response.status_code == 409  # refused like a form read before someone else's change
    assert "Someone else changed this milestone" in response.content.decode()
    assert f'name="expected_version" value="{milestone.version}"' in response.content.decode()
    assert Milestone.history.filter(id=milestone.pk).count() == 1


def test_a_stale_objective_edit_gets_a_conflict(objective, manager, admin_user):
    first, second = login(admin_user), login(manager)
    url = f"/objectives/{objective.pk}/edit/"
    loaded_at = objective.version
    data = {"expected_version": str(loaded_at), "status": "in_progress", "reason": ""}
    assert first.post(url, {**data, "description": "Admin's words"}).status_code == 302
    response = second.post(url, {**data, "description": "Manager's words", "status": "complete"})
    assert response.status_code == 409
    html = response.content.decode()
    assert "Someone else changed this objective while you were editing it" in html
    assert "Admin&#x27;s words" in html  # the current value
    assert "Manager&#x27;s words" in html  # their input, kept
    objective.refresh_from_db()
    assert objective.description == "Admin's words"
    assert objective.status == "in_progress"
    assert objective.history.count() == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="row locks need PostgreSQL; SQLite runs the rest"
)
@pytest.mark.django_db(transaction=True)
def test_concurrent_reforecasts_one_wins_the_others_see_a_conflict(admin_user, manager):
    objective = factories.make_objective(user=admin_user, owner=manager)
    milestone = factories.make_milestone(objective, user=admin_user, due_date=date(2026, 4, 1))
    version = milestone.version
    before = Milestone.history.filter(id=milestone.pk).count()
    start = threading.Barrier(6)
    outcomes: list[str] = []
    lock = threading.Lock()

    def edit(day: int):
        try:
            start.wait()
            services.milestone_reschedule(
                milestone=milestone,
                user=manager,
                due_date=date(2026, 5, day),
                reason=f"Attempt {day}",
                expected_version=version,
            )
            result = "saved"
        except StaleEditError:
            result = "stale"
        except Exception as error:  # noqa: BLE001 - reported in the assertion below
            result = f"error: {error!r}"
        finally:
            connection.close()
        with lock:
            outcomes.append(result)

    threads = [threading.Thread(target=edit, args=(day,)) for day in range(1, 7)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["saved"] + ["stale"] * 5, outcomes
    milestone.refresh_from_db()
    assert milestone.version == version + 1
    assert Milestone.history.filter(id=milestone.pk).count() == before + 1
