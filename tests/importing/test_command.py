"""``manage.py import_plan``: exit 1 listing the problems and writing nothing; --dry-run
writes nothing; a clean tracker imports."""

from datetime import date

import pytest
from django.core.management import call_command

from milestones.models import Milestone
from objectives.models import Objective, Plan
from tests import factories
from tests.importing import workbooks as wb
from tests.importing.conftest import TODAY
from tracking.integrity import check_all, tracked_models


def history():
    return [model.history.count() for model in tracked_models()]


def write(tmp_path, objectives, milestones=(), name="tracker.xlsx"):
    path = tmp_path / name
    path.write_bytes(wb.build(objectives, milestones))
    return path


def command(*args):
    with pytest.raises(SystemExit) as exited:
        call_command("import_plan", *map(str, args))
    return exited.value.code


BAD = (
    [wb.objective("1.1", owner_email="nobody@example.org"), wb.objective("1.1")],
    [wb.milestone("7.7", "Orphan"), wb.milestone("1.1", completed_on="01/02/2026")],
)


@pytest.mark.parametrize("dry_run", [False, True])
def test_problems_exit_1_name_each_and_write_nothing(
    tmp_path, clock, admin_user, plan, capsys, dry_run
):
    path = write(tmp_path, *BAD)
    before = history()
    with clock(TODAY):
        code = command(path, "--plan", plan.pk, *(["--dry-run"] if dry_run else []))
    out = capsys.readouterr().out
    assert code == 1
    assert "Objectives!F2: No one with an active account has the email nobody@example.org" in out
    assert "Objectives!A3: The reference 1.1 is used twice (also in row 2)" in out
    assert "Milestones!A2: No objective has the reference 7.7" in out
    assert "Milestones!E3: 1 February 2026 is in the future" in out
    assert "4 problem(s) found; nothing was written." in out
    assert history() == before


def test_a_hostile_file_exits_1(tmp_path, admin_user, plan, capsys):
    path = tmp_path / "tracker.xlsx"
    path.write_bytes(b"this is not a workbook")
    assert command(path, "--plan", plan.pk) == 1
    assert "The file is not an Excel workbook" in capsys.readouterr().out


def test_dry_run_of_a_clean_file_writes_nothing(tmp_path, clock, admin_user, plan, capsys):
    path = write(tmp_path, [wb.objective()], [wb.milestone()])
    before = history()
    with clock(TODAY):
        call_command("import_plan", str(path), "--plan", str(plan.pk), "--dry-run")
    out = capsys.readouterr().out
    assert "Dry run: would import into" in out
    assert "1 objective created, 1 milestone created" in out
    assert history() == before


def test_a_clean_tracker_imports_into_a_new_draft_plan(tmp_path, clock, capsys, db):
    admin = factories.make_admin("root", is_superuser=True)
    owner = factories.make_manager("sam", email="Sam.Owner@example.org")
    path = write(
        tmp_path,
        [wb.objective("2.1", owner_email="sam.owner@example.org", starts_on="01/04/2025")],
        [wb.milestone("2.1", "Launch", baseline_date="01/06/2025", due_date="15/07/2025")],
    )
    before = {model: model.history.count() for model in tracked_models()}
    with clock(TODAY):
        call_command("import_plan", str(path), "--new-plan", "Moving in")
    out = capsys.readouterr().out
    assert "Imported tracker.xlsx into Moving in" in out
    plan = Plan.objects.get(name="Moving in")
    assert plan.is_draft
    assert (plan.starts_on, plan.ends_on) == (date(2025, 4, 1), date(2026, 3, 31))
    objective = Objective.objects.get(plan=plan)
    assert objective.owner == owner
    milestone = Milestone.objects.get()
    assert (milestone.baseline_date, milestone.due_date) == (date(2025, 6, 1), date(2025, 7, 15))
    records = [
        r
        for model in tracked_models()
        for r in model.history.order_by("history_id")[before[model] :]
    ]
    assert {r.history_change_reason for r in records} == {"Imported from tracker.xlsx"}
    assert {r.history_user_id for r in records} == {admin.pk}
    assert check_all()[1] == []


def test_an_unknown_plan_is_an_error(tmp_path, db):
    from django.core.management.base import CommandError

    path = write(tmp_path, [wb.objective()])
    with pytest.raises(CommandError, match="There is no plan with id 999"):
        call_command("import_plan", str(path), "--plan", "999")


def test_the_administrator_can_be_named(tmp_path, clock, plan, capsys):
    named = factories.make_admin("named_admin")
    factories.make_admin("other_admin")
    path = write(tmp_path, [wb.objective()])
    with clock(TODAY):
        call_command("import_plan", str(path), "--plan", str(plan.pk), "--user", "named_admin")
    assert Objective.objects.get().history.get().history_user == named


def test_someone_who_is_not_an_administrator_cannot_be_named(tmp_path, plan, manager):
    from django.core.management.base import CommandError

    path = write(tmp_path, [wb.objective()])
    with pytest.raises(CommandError, match="is not an active administrator"):
        call_command("import_plan", str(path), "--plan", str(plan.pk), "--user", manager.username)
