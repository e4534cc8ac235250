from datetime import date

import pytest
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
