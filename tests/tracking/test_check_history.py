from datetime import date

import pytest
import time_machine
from django.contrib.auth import get_user_model
from django.core.management import call_command

from milestones.models import Milestone
from objectives.models import Objective
from tests import factories

pytestmark = pytest.mark.django_db


def _run():
    try:
        call_command("check_history")
    except SystemExit as exit_:
        return exit_.code
    return 0


def test_history_made_through_services_is_consistent(admin_user, manager, capsys):
    objective = factories.make_objective(user=admin_user, owner=manager)
    factories.make_milestone(objective, user=admin_user, due_date=date(2026, 12, 1))
    assert _run() == 0
    assert "History is complete and consistent." in capsys.readouterr().out


def test_a_write_around_history_is_found(admin_user, capsys):
    objective = factories.make_objective(user=admin_user, title="Original")
    Objective.objects.filter(pk=objective.pk).update(
        title="Changed quietly"
    )  # what must not happen
    assert _run() == 1
    out = capsys.readouterr().out
    assert f"Objective {objective.pk} differs from its latest history record" in out
    assert "Changed quietly" in out


def test_a_row_without_a_creation_record_is_found(admin_user, capsys):
    objective = factories.make_objective(user=admin_user)
    Milestone.history.model  # noqa: B018 (the history table exists)
    milestone = factories.make_milestone(objective, user=admin_user)
    Milestone.history.filter(id=milestone.pk).delete()  # QuerySet.delete bypasses the guard
    assert _run() == 1
    assert f"Milestone {milestone.pk} has no creation record" in capsys.readouterr().out


def test_a_web_change_without_a_user_is_found(admin_user, capsys):
    objective = factories.make_objective(user=admin_user)
    record = objective.history.get()
    type(record).objects.filter(pk=record.pk).update(history_via="web", history_user=None)
    assert _run() == 1
    assert "made through the web with no user" in capsys.readouterr().out


def test_history_records_cannot_be_changed_or_deleted(admin_user):
    objective = factories.make_objective(user=admin_user)
    record = objective.history.get()
    record.history_change_reason = "rewritten"
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        record.delete()
    assert objective.history.get().history_change_reason == "Objective created"


def test_changes_made_through_the_web_are_marked_and_carry_the_user(client, admin_user):
    client.force_login(admin_user)
    objective = factories.make_objective(user=admin_user)
    assert objective.history.get().history_via == "command"


def test_history_stays_consistent_after_a_mixed_web_workload(client, settings, capsys):
    """The demo plan, then owners and an administrator change things through the web."""
    settings.DEBUG = True
    with time_machine.travel("2026-06-15 10:00 +01:00", tick=False):
        _mixed_web_workload(client)
    web = sum(m.history.filter(history_via="web").count() for m in (Objective, Milestone))
    assert web >= 5
    assert _run() == 0, capsys.readouterr().out


def _mixed_web_workload(client):
    call_command("seed_demo")
    users = get_user_model().objects
    manager, admin = users.get(username="manager"), users.get(username="admin")
    client.force_login(manager)
    for objective in Objective.objects.filter(owner=manager):
        client.post(
            f"/objectives/{objective.pk}/updates/new/",
            {
                "reported_on_day": 1,
                "reported_on_month": 1,
                "reported_on_year": 2026,
                "rag": "amber",
                "summary": "Panel moved; recovery plan agreed.",
            },
        )
        milestone = Milestone.objects.filter(objective=objective, completed_on=None).first()
        client.post(
            f"/milestones/{milestone.pk}/reforecast/",
            {
                "expected_version": milestone.version,
                "due_date_day": 28,
                "due_date_month": 12,
                "due_date_year": 2030,
                "reason": "Provider withdrew",
            },
        )
    client.force_login(admin)
    leaver = Objective.objects.filter(owner__is_active=False).first()
    client.post(
        f"/manage/objectives/{leaver.pk}/owner/",
        {"owner": manager.pk, "reason": "Owner left", "version": leaver.version},
    )


def test_a_replan_count_that_disagrees_with_history_is_found(admin_user, capsys):
    from milestones import services as milestone_services

    objective = factories.make_objective(user=admin_user)
    milestone = factories.make_milestone(objective, user=admin_user, due_date=date(2026, 12, 1))
    milestone_services.milestone_reschedule(
        milestone=milestone, user=admin_user, due_date=date(2027, 1, 1), reason="Slipped"
    )
    assert _run() == 0
    capsys.readouterr()
    # A save that goes round the service moves the date later without counting it.
    milestone = Milestone.objects.get(pk=milestone.pk)
    milestone.due_date = date(2027, 2, 1)
    milestone.save()
    assert _run() == 1
    out = capsys.readouterr().out
    assert f"Milestone {milestone.pk} has replan_count 1, but its history moves" in out
