"""One reader of the past: no app module but ``tracking.history`` (and the replay built on it)
reads ``Model.history`` to answer a question about the past, and each of its answers follows
the same rules (end of a London day, last record wins, deletions, no-op saves, accounts)."""

import ast
from datetime import date, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model

from milestones import services as milestone_services
from milestones.models import Milestone
from objectives import services as objective_services
from objectives.history import save_with_history
from objectives.models import ProgressUpdate
from tests import factories
from tracking import history, history_accounts, history_since

User = get_user_model()
ROOT = Path(settings.BASE_DIR)
D = date(2026, 3, 10)
NEXT = date(2026, 3, 11)

# The layer itself.
LAYER = {
    "tracking/history.py",
    "tracking/history_accounts.py",  # accounts at D (their roles from the groups history)
    "tracking/history_since.py",  # whether anything was recorded after a moment
    "tracking/plan_marks.py",  # how much a plan has recorded in a table, for keeping reads
    "tracking/replay.py",
}
# Modules that read history to check the rules of the record, not to answer "as of D".
RULE_CHECKS = {
    "tracking/integrity.py",  # manage.py check_history: rows against their history
    "objectives/record_rules.py",  # a completion not before the milestone was first recorded
    "objectives/history.py",  # a backdated record not before the row's latest record
    "people/services.py",  # an account's edit version; a leaving date not before its history
    "objectives/admin.py",  # the read-only admin history view
}
LEFT_OUT = {"tests", "migrations", "devtools", "loadtest", "node_modules", ".venv", "assets"}


def _app_modules():
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if LEFT_OUT & set(relative.parts) or relative.parts[0].startswith("."):
            continue
        yield relative.as_posix(), path


def _history_reads(tree: ast.AST) -> list[int]:
    """Lines touching a model's history: ``x.history.<anything>``, ``Model.history`` handed on,
    or a historical model looked up by name."""
    lines = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            inner = node.value
            if isinstance(inner, ast.Attribute) and inner.attr == "history":
                lines.add(inner.lineno)  # x.history.filter, x.history.model, ...
            elif node.attr == "history" and isinstance(inner, ast.Name) and inner.id[:1].isupper():
                lines.add(node.lineno)  # Milestone.history
        elif isinstance(node, ast.Constant) and str(node.value).startswith("Historical"):
            lines.add(node.lineno)
    return sorted(lines)


def test_the_scan_finds_history_reads():
    source = (
        "rows = Milestone.history.filter(id=1)\n"
        "last = instance.history.order_by('-history_date').first()\n"
        "table = apps.get_model('people', 'HistoricalUser_groups')\n"
        "row.history[-1]\n"  # a list named history is not a model's history
    )
    assert _history_reads(ast.parse(source)) == [1, 2, 3]


def test_only_the_layer_reads_history_to_answer_questions_about_the_past():
    found = {}
    for name, path in _app_modules():
        if name in LAYER or name in RULE_CHECKS:
            continue
        lines = _history_reads(ast.parse(path.read_text(), filename=name))
        if lines:
            found[name] = lines
    assert found == {}, "Read the past through tracking.history, not Model.history"


def test_the_allow_list_names_modules_that_exist():
    names = {name for name, _ in _app_modules()}
    assert names >= LAYER | RULE_CHECKS


# --- the layer's answers ------------------------------------------------------------------------


@pytest.fixture
def world(db, clock):
    return _world(clock)


def _world(clock):
    with clock(date(2026, 1, 5)):
        admin = factories.make_admin("layer-admin", first_name="Ada", last_name="Admin")
        owner = factories.make_manager("layer-owner", first_name="Olive", last_name="Owner")
        plan = factories.make_plan(user=admin, starts_on=date(2026, 1, 1))
        objective = factories.make_objective(
            plan, user=admin, owner=owner, ref="1.1", starts_on=date(2026, 1, 1)
        )
        milestone = factories.make_milestone(objective, user=admin, due_date=date(2026, 6, 30))
    return {"admin": admin, "owner": owner, "plan": plan, "objective": objective, "m": milestone}


def _reschedule(clock, world, day, hour, minute, due, reason="Moved."):
    with clock(day, hour, minute):
        m = world["m"]
        m.refresh_from_db()
        milestone_services.milestone_reschedule(
            milestone=m, user=world["admin"], due_date=due, reason=reason
        )


def test_rows_at_counts_23_30_for_the_day_and_00_30_for_the_next(clock, world):
    _reschedule(clock, world, D, 23, 30, date(2026, 7, 31))
    _reschedule(clock, world, NEXT, 0, 30, date(2026, 8, 31))
    ms = world["m"].pk
    mine = {"objective_id": world["objective"].pk}

    def due_at(day):
        return history.rows_at(Milestone, day, "due_date", filter=mine)[ms]["due_date"]

    assert due_at(D - factories.days(1)) == date(2026, 6, 30)
    assert due_at(D) == date(2026, 7, 31)
    assert due_at(NEXT) == date(2026, 8, 31)
    assert history.rows_at(Milestone, date(2026, 1, 4), "due_date", filter=mine) == {}


def test_end_of_day_is_london_midnight():
    assert history.end_of_day(date(2026, 7, 1)) == datetime(
        2026, 7, 2, tzinfo=ZoneInfo("Europe/London")
    )


def test_a_withdrawn_row_is_there_with_its_withdrawal_and_a_deleted_row_is_not(clock, world):
    with clock(D, 23, 30):
        m = world["m"]
        m.refresh_from_db()
        milestone_services.milestone_withdraw(
            milestone=m, user=world["admin"], reason="No longer needed.", expected_version=m.version
        )
    rows = history.rows_at(Milestone, D, "withdrawn_on", filter={"id": world["m"].pk})
    assert rows[world["m"].pk]["withdrawn_on"] == D
    before = history.rows_at(Milestone, D - factories.days(1), "withdrawn_on")
    assert before[world["m"].pk]["withdrawn_on"] is None
    first = history.first_record(world["m"], withdrawn_on__isnull=False)
    assert (first.history_change_reason, first.who) == (
        "No longer needed.",
        "Ada Admin",
    )

    moment = factories.london(D)
    deleted = [
        {"id": 7, "history_type": "+", "history_date": moment, "history_id": 1},
        {"id": 7, "history_type": "-", "history_date": moment, "history_id": 2},
        {"id": 8, "history_type": "+", "history_date": moment, "history_id": 3},
    ]
    assert set(history.as_it_stood(history.by_row(deleted))) == {8}
    assert set(history.as_it_stood(history.by_row(deleted), moment)) == set()


def test_changes_between_two_days_with_who_when_from_to_and_why(clock, world):
    _reschedule(clock, world, D, 23, 30, date(2026, 7, 31), reason="Late supplier.")
    with clock(NEXT, 0, 15):  # a save that changes nothing is no change
        m = world["m"]
        m.refresh_from_db()
        save_with_history(m, user=world["admin"], reason="Nothing changed.")
    _reschedule(clock, world, NEXT, 0, 30, date(2026, 8, 31))
    mine = {"objective__plan": world["plan"]}
    found = history.changes(
        Milestone, "due_date", filter=mine, since=D - factories.days(1), until=D
    )
    assert [(c.id, c.old, c.new, c.reason, c.who) for c in found] == [
        (
            world["m"].pk,
            date(2026, 6, 30),
            date(2026, 7, 31),
            "Late supplier.",
            "Ada Admin",
        )
    ]
    assert found[0].when == factories.london(D, 23, 30)
    assert found[0].who_id == world["admin"].pk
    later = history.changes(Milestone, "due_date", filter=mine, since=D)
    assert [(c.old, c.new) for c in later] == [(date(2026, 7, 31), date(2026, 8, 31))]
    every = history.changes(Milestone, "due_date", filter=mine, created=True, also=("title",))
    assert [c.new for c in every] == [date(2026, 6, 30), date(2026, 7, 31), date(2026, 8, 31)]
    assert every[0].old is None and every[0].record["title"] == world["m"].title


def test_accounts_at_takes_the_record_by_the_end_of_the_day_else_the_earliest(clock, world):
    owner = world["owner"]
    with clock(NEXT, 0, 30):
        owner.is_active = False
        save_with_history(owner, user=world["admin"], reason="Left.")
    with clock(date(2026, 4, 1)):
        newcomer = factories.make_manager("layer-new", first_name="Nia", last_name="New")
    accounts = history_accounts.accounts_at([owner.pk, newcomer.pk], D)
    assert accounts[owner.pk] == history_accounts.Account("layer-owner", "Olive Owner", True)
    assert history_accounts.accounts_at([owner.pk], NEXT)[owner.pk].is_active is False
    # No record by D: the account's earliest record stands for the time before it.
    assert accounts[newcomer.pk].name == "Nia New"
    assert history_accounts.accounts_at([], D) == {}


def test_plan_rules_at_a_day_and_before_the_plan_was_recorded(clock, world):
    plan = world["plan"]
    first = history.plan_rules_at(plan, D)
    with clock(D, 23, 30):
        objective_services.plan_update(plan=plan, user=world["admin"], stale_after_days=9)
    with clock(NEXT, 0, 30):
        objective_services.plan_update(plan=plan, user=world["admin"], stale_after_days=12)
    assert history.plan_rules_at(plan, D).stale_after_days == 9
    assert history.plan_rules_at(plan, NEXT).stale_after_days == 12
    assert history.plan_rules_at(plan, D - factories.days(1)) == first
    plan.refresh_from_db()
    assert history.plan_rules_at(plan, date(2025, 1, 1)).stale_after_days == 12  # its own row


def test_last_record_created_by_and_recorded_after(clock, world):
    objective = world["objective"]
    with clock(NEXT, 0, 30):
        factories.make_update(objective, user=world["owner"], reported_on=D, rag="amber")
    assert history.last_record(objective).who == "Ada Admin"
    updates = ProgressUpdate.objects.filter(objective=objective)
    assert not updates.filter(history.created_by(ProgressUpdate, D)).exists()
    assert updates.filter(history.created_by(ProgressUpdate, NEXT)).count() == 1
    assert history_since.recorded_after(history.end_of_day(D))
    assert not history_since.recorded_after(history.end_of_day(NEXT))
