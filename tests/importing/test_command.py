"""``manage.py import_plan``: exit 1 listing the problems and writing nothing; --dry-run
writes nothing; a clean tracker imports."""

import os
import resource
import subprocess
import sys
import threading
import time
from datetime import date
from pathlib import Path

import pytest
from django.core.management import call_command

from importing.workbook import MAX_UPLOAD_BYTES
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


# --- Files that never end ---------------------------------------------------------------------

TOO_BIG = "The file must be smaller than 5 MB"
ROOT = Path(__file__).resolve().parents[2]


def _limited_memory():
    """In the command's own process: an unbounded read fails fast instead of filling memory."""
    two_gigabytes = 2 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (two_gigabytes, two_gigabytes))


def run_in_own_process(path) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own interpreter and manage.py)
        [sys.executable, "manage.py", "import_plan", str(path), "--plan", "1", "--dry-run"],
        cwd=ROOT,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "stockton_improve.settings.test"},
        capture_output=True,
        text=True,
        timeout=30,
        preexec_fn=_limited_memory,
        check=False,
    )


def test_dev_zero_is_refused_as_too_big_after_reading_at_most_the_limit():
    started = time.monotonic()
    done = run_in_own_process("/dev/zero")
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [TOO_BIG, "1 problem(s) found; nothing was written."]
    assert time.monotonic() - started < 30


def test_a_fifo_that_never_ends_is_refused_as_too_big(tmp_path):
    fifo = tmp_path / "tracker.xlsx"
    os.mkfifo(fifo)

    def write_forever():
        try:
            with open(fifo, "wb") as pipe:
                while True:
                    pipe.write(b"PK" + b"\0" * 65536)
        except (BrokenPipeError, OSError):
            pass

    writer = threading.Thread(target=write_forever, daemon=True)
    writer.start()
    done = run_in_own_process(fifo)
    writer.join(timeout=10)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [TOO_BIG, "1 problem(s) found; nothing was written."]
    assert not writer.is_alive()


def test_a_fifo_with_no_writer_is_refused_at_once(tmp_path, capsys):
    fifo = tmp_path / "tracker.xlsx"
    os.mkfifo(fifo)
    done = run_in_own_process(fifo)
    assert done.returncode == 1, done.stderr
    assert done.stdout.splitlines() == [
        "The file is empty",
        "1 problem(s) found; nothing was written.",
    ]


@pytest.mark.parametrize("extra", [1, 1000])
def test_a_file_just_over_the_limit_is_refused(tmp_path, admin_user, plan, capsys, extra):
    path = tmp_path / "tracker.xlsx"
    path.write_bytes(b"PK" + b"\0" * (MAX_UPLOAD_BYTES - 2 + extra))
    assert path.stat().st_size == MAX_UPLOAD_BYTES + extra
    before = history()
    assert command(path, "--plan", plan.pk, "--dry-run") == 1
    out = capsys.readouterr().out
    assert out.splitlines() == [TOO_BIG, "1 problem(s) found; nothing was written."]
    assert history() == before


def test_a_file_of_exactly_the_limit_is_read(tmp_path, admin_user, plan, capsys):
    path = tmp_path / "tracker.xlsx"
    path.write_bytes(b"PK" + b"\0" * (MAX_UPLOAD_BYTES - 2))
    assert command(path, "--plan", plan.pk, "--dry-run") == 1
    assert capsys.readouterr().out.splitlines()[0].startswith("The file is not an Excel workbook")


def test_a_folder_is_an_error_not_a_traceback(tmp_path, db):
    from django.core.management.base import CommandError

    with pytest.raises(CommandError, match="Cannot read .*: Is a directory"):
        call_command("import_plan", str(tmp_path), "--plan", "1")
