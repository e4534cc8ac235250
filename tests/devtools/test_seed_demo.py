"""``manage.py seed_demo``: the demo plan, its history and the demo sign-ins."""

import io
from collections import defaultdict
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.contrib.auth import authenticate, get_user_model
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import RequestFactory
from django.utils import timezone

from devtools.management.commands.seed_demo import DEMO_USERS, _months_before
from milestones.models import Milestone
from objectives.models import Objective, Plan, ProgressUpdate
from objectives.permissions import ADMINISTRATORS, LEADERSHIP, MANAGERS
from tracking import selectors
from tracking import selectors as tracking_selectors
from tracking.integrity import check_all, tracked_models

pytestmark = pytest.mark.django_db

User = get_user_model()
NOW = datetime(2026, 3, 10, 10, 30, tzinfo=ZoneInfo("Europe/London"))
PASSWORDS = {demo.username: demo.password for demo in DEMO_USERS}


def seed(*args) -> str:
    out = io.StringIO()
    call_command("seed_demo", *args, stdout=out)
    return out.getvalue()


def signs_in(username: str, password: str) -> bool:
    request = RequestFactory().post("/accounts/login/")
    return authenticate(request=request, username=username, password=password) is not None


def history_counts() -> dict[str, int]:
    return {model.__name__: model.history.count() for model in tracked_models()}


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield NOW.date()


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo data, built once for this module's tests and rolled back after the last one.

    Each test runs in its own savepoint inside this transaction, so nothing a test changes
    is seen by the next.
    """
    with (
        django_db_blocker.unblock(),
        time_machine.travel(NOW, tick=False),
        transaction.atomic(),
    ):
        output = seed("--force")
        yield Plan.objects.get().pk, output
        transaction.set_rollback(True)


@pytest.fixture
def seeded(demo, frozen):
    plan_id, output = demo
    return Plan.objects.get(pk=plan_id), output


# These two run on whatever is there: an empty database, or the demo already loaded.


def test_refuses_without_debug_or_force(settings, frozen):
    settings.DEBUG = False
    before = (Plan.objects.count(), User.objects.count())
    with pytest.raises(CommandError, match="DEBUG"):
        seed()
    assert (Plan.objects.count(), User.objects.count()) == before


def test_a_weak_demo_password_is_refused(monkeypatch, frozen):
    monkeypatch.setenv("DEMO_PASSWORD", "demo")
    before = (Plan.objects.count(), User.objects.count())
    with pytest.raises(CommandError, match="DEMO_PASSWORD"):
        seed("--force")
    assert (Plan.objects.count(), User.objects.count()) == before


# The rest use the demo built once by the ``demo`` fixture.


def test_runs_when_debug_is_on(settings, seeded):
    settings.DEBUG = True
    output = seed()
    assert Plan.objects.count() == 1
    assert "Demo sign-ins: admin / " in output


def test_demo_password_from_the_environment(monkeypatch, seeded):
    monkeypatch.setenv("DEMO_PASSWORD", "kestrel-river-bridge-77")
    output = seed("--force")
    assert (
        "Demo sign-ins: admin / kestrel-river-bridge-77, leader / kestrel-river-bridge-77, "
        "manager / kestrel-river-bridge-77" in output
    )
    assert all(signs_in(username, "kestrel-river-bridge-77") for username in PASSWORDS)


def test_builds_the_plan_and_the_demo_users(seeded):
    plan, output = seeded
    assert plan.organisation == "Kestrelford Borough Council"
    assert plan.starts_on < _months_before(NOW.date(), 17)
    assert plan.ends_on > _months_before(NOW.date(), -11)
    assert 22 <= Objective.objects.filter(plan=plan).count() <= 28
    assert 90 <= Milestone.objects.filter(objective__plan=plan).count() <= 120
    assert ProgressUpdate.objects.filter(objective__plan=plan).count() > 200

    expected = ", ".join(f"{name} / {password}" for name, password in PASSWORDS.items())
    assert f"Demo sign-ins: {expected}" in output
    for username, password in PASSWORDS.items():
        assert signs_in(username, password), username
    admin = User.objects.get(username="admin")
    assert admin.is_staff and admin.is_superuser
    roles = {"admin": ADMINISTRATORS, "leader": LEADERSHIP, "manager": MANAGERS}
    for username, role in roles.items():
        assert User.objects.get(username=username).groups.filter(name=role).exists()
    owners = User.objects.filter(owned_objectives__plan=plan).distinct()
    assert owners.count() >= 8
    assert all(owner.first_name and owner.last_name for owner in owners)
    assert all(owner.groups.filter(name=MANAGERS).exists() for owner in owners)


def test_running_twice_duplicates_nothing(seeded):
    plan, _ = seeded
    before = (
        Objective.objects.count(),
        Milestone.objects.count(),
        ProgressUpdate.objects.count(),
        User.objects.count(),
        history_counts(),
    )
    output = seed("--force")
    after = (
        Objective.objects.count(),
        Milestone.objects.count(),
        ProgressUpdate.objects.count(),
        User.objects.count(),
        history_counts(),
    )
    assert after == before
    assert Plan.objects.get() == plan
    assert "already there" in output
    assert "Demo sign-ins: admin / " in output
    for username, password in PASSWORDS.items():
        assert signs_in(username, password), username


def test_second_run_restores_missing_demo_users_and_passwords(seeded):
    User.objects.get(username="leader").delete()
    manager = User.objects.get(username="manager")
    manager.set_password("something-else-entirely-42")
    manager.save()
    seed("--force")
    assert signs_in("leader", PASSWORDS["leader"])
    assert signs_in("manager", PASSWORDS["manager"])
    assert User.objects.get(username="leader").groups.filter(name=LEADERSHIP).exists()


def test_history_is_complete_chronological_and_in_the_past(seeded):
    counts, problems = check_all()
    assert problems == []
    assert counts["Objective"] and counts["Milestone"]
    for model in (Objective, Milestone):
        creations = model.history.filter(history_type="+")
        assert creations.count() == model.objects.count()
        assert not creations.filter(history_user__isnull=True).exists()
    assert not ProgressUpdate.history.filter(history_user__isnull=True).exists()
    for model in tracked_models():
        last_seen = {}
        for record in model.history.order_by("history_id"):
            assert record.history_date <= timezone.now()
            previous = last_seen.get(record.id)
            assert previous is None or previous <= record.history_date, (model, record.id)
            last_seen[record.id] = record.history_date


def test_completions_are_not_after_they_were_recorded(seeded):
    for record in Milestone.history.filter(completed_on__isnull=False):
        assert record.completed_on <= timezone.localtime(record.history_date).date()
    for update in ProgressUpdate.history.all():
        assert update.reported_on <= timezone.localtime(update.history_date).date()


def _by_row(history):
    rows = defaultdict(list)
    for record in history.order_by("history_date", "history_id"):
        rows[record.id].append(record)
    return rows.values()


def test_every_change_that_needs_a_reason_has_one(seeded):
    later, rebaselined, reassigned = 0, 0, 0
    for records in _by_row(Milestone.history):
        for before, after in zip(records, records[1:], strict=False):
            moved_later = after.due_date > before.due_date
            rebaseline = after.baseline_date != before.baseline_date
            later += moved_later
            rebaselined += rebaseline
            if moved_later or rebaseline:
                assert (after.history_change_reason or "").strip(), after
    for records in _by_row(Objective.history):
        for before, after in zip(records, records[1:], strict=False):
            owner_changed = after.owner_id != before.owner_id
            reassigned += owner_changed
            if owner_changed or after.target_date > before.target_date:
                assert (after.history_change_reason or "").strip(), after
    assert later >= 10
    assert rebaselined >= 2
    assert reassigned >= 3


def test_drift_today_is_a_believable_mix(seeded):
    plan, output = seeded
    today = selectors.plan_drift(plan)
    summary = today.summary
    assert summary["red"] >= 4
    assert summary["amber"] >= 3
    assert summary["green"] >= 3
    assert summary["complete"] >= 2
    flags = {flag for objective in today.objectives for flag in objective.flags}
    assert {
        "no_owner",
        "owner_inactive",
        "past_target",
        "overdue_milestone",
        "slipped_beyond_tolerance",
        "repeatedly_replanned",
        "slipped",
        "stale",
        "no_milestones",
    } <= flags
    assert f"Drift today ({NOW.date():%Y-%m-%d}): {summary['red']} red" in output


def test_the_past_looks_different(seeded):
    plan, _ = seeded
    reds = [
        selectors.plan_drift(plan, _months_before(NOW.date(), months)).summary["red"]
        for months in (0, 3, 6)
    ]
    assert reds[0] > reds[1] >= reds[2] >= 1
    six_months_ago = selectors.plan_drift(plan, _months_before(NOW.date(), 6))
    assert len(six_months_ago.objectives) < Objective.objects.filter(plan=plan).count()


def test_someone_who_left_still_owns_objectives_and_one_has_no_owner(seeded):
    plan, _ = seeded
    leavers = User.objects.filter(is_active=False, owned_objectives__plan=plan).distinct()
    assert leavers.exists()
    assert Objective.objects.filter(plan=plan, owner__isnull=True).exists()


def test_the_demo_manager_has_work_to_do(seeded):
    manager = User.objects.get(username="manager")
    rows = selectors.objectives_drift_for_owner(manager)
    assert 3 <= len(rows) <= 5
    assert {"red", "amber", "green"} <= {row.rag for row in rows}
    assert all(row.open_milestones for row in rows)
    assert ProgressUpdate.objects.filter(author=manager).exists()


def test_the_demo_has_one_withdrawn_milestone_and_one_corrected_completion(seeded):
    from devtools.demo import milestones as record_demo

    plan, _ = seeded
    (withdrawn,) = Milestone.objects.for_plan(plan).withdrawn()
    assert tracking_selectors.milestone_withdrawal_reasons([withdrawn]) == [
        (withdrawn, record_demo.WITHDRAW_REASON)
    ]
    corrected = Milestone.history.filter(history_change_reason=record_demo.CORRECTION_REASON)
    assert corrected.count() == 1
    before = history_counts()
    admin = User.objects.get(username="admin")
    record_demo.add_withdrawal_and_correction(plan, admin=admin, today=NOW.date())
    assert history_counts() == before


def test_the_demo_has_a_few_dependencies_and_one_knock_on_today(seeded):
    from devtools.demo import dependencies as dependency_demo
    from milestones.models import MilestoneDependency
    from objectives import explain

    plan, _ = seeded
    links = MilestoneDependency.objects.filter(milestone__objective__plan=plan)
    assert links.linked().count() >= 3
    assert links.filter(removed_on__isnull=False).count() == 1
    result = selectors.plan_drift(plan, NOW.date())
    waiting = [m for row in result.objectives for m in row.milestones if m.knock_on_days > 0]
    assert len(waiting) == 1
    assert explain.waiting_for(waiting[0]).startswith("Waiting for ")
    before = history_counts()
    admin = User.objects.get(username="admin")
    dependency_demo.add_dependencies(plan, admin=admin, today=NOW.date())
    assert history_counts() == before
