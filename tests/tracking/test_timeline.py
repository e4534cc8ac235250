"""The history timeline: every change to an objective, its milestones and updates."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from milestones import services as milestone_services
from objectives import services
from tests import factories
from tracking import timeline
from tracking.selectors import end_of_day

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def at(day: date, hour: int = 12, minute: int = 0):
    moment = datetime.combine(day, time(hour, minute), tzinfo=LONDON)
    return time_machine.travel(moment, tick=False)


@pytest.fixture(autouse=True)
def frozen_clock():
    with at(date(2026, 3, 10)):
        yield


@pytest.fixture
def objective(admin_user, manager):
    with at(date(2025, 1, 6), 9, 5):
        theme = factories.make_theme(factories.make_plan(user=admin_user), user=admin_user)
        return factories.make_objective(
            theme.plan, user=admin_user, owner=manager, theme=theme, title="Workforce"
        )


def test_creation_is_an_entry_with_the_first_values(objective, admin_user):
    entries = timeline.build_timeline(timeline.load_records(objective))
    [created] = entries
    assert created.action == "Objective created"
    assert created.who == "Alice_Admin Tester"
    assert created.reason == "Objective created"
    assert created.when == datetime(2025, 1, 6, 9, 5, tzinfo=LONDON)
    assert created.time == "9:05am"
    labels = {c.label: c.new for c in created.changes}
    assert labels["Owner"] == "Mo_Manager Tester"
    assert labels["Target date"] == "30 June 2027"
    assert labels["Status"] == "Not started"


def test_changes_show_each_field_from_old_to_new_with_the_reason(objective, manager, admin_user):
    milestone = factories.make_milestone(objective, user=admin_user, due_date=date(2026, 4, 1))
    milestone_services.milestone_reschedule(
        milestone=milestone, user=manager, due_date=date(2026, 5, 1), reason="Agency delay"
    )
    milestone_services.milestone_reschedule(
        milestone=milestone, user=manager, due_date=date(2026, 4, 20)
    )
    services.objective_assign_owner(
        objective=objective, user=admin_user, owner=admin_user, reason="Cover for leave"
    )
    services.objective_update(objective=objective, user=admin_user, status="in_progress")
    entries = timeline.build_timeline(timeline.load_records(objective))
    by_action = {e.action: e for e in entries}
    later = by_action["Milestone re-forecast later"]
    assert later.reason == "Agency delay"
    assert later.who == "Mo_Manager Tester"
    [change] = later.changes
    assert (change.label, change.old, change.new, change.note) == (
        "Forecast date",
        "1 April 2026",
        "1 May 2026",
        "30 days later",
    )
    earlier = by_action["Milestone re-forecast earlier"]
    assert earlier.changes[0].note == "11 days earlier"
    assert earlier.reason == ""
    owner_change = [e for e in entries if e.reason == "Cover for leave"][0]
    assert [(c.label, c.old, c.new) for c in owner_change.changes] == [
        ("Owner", "Mo_Manager Tester", "Alice_Admin Tester")
    ]
    status = next(e for e in entries if e.action == "Objective changed" and not e.reason)
    assert [(c.label, c.old, c.new) for c in status.changes] == [
        ("Status", "Not started", "In progress")
    ]


def test_newest_first(objective, manager, admin_user):
    with at(date(2025, 2, 1)):
        milestone = factories.make_milestone(objective, user=admin_user)
    with at(date(2025, 3, 1)):
        factories.make_update(objective, user=manager, reported_on=date(2025, 3, 1))
    with at(date(2025, 4, 1)):
        milestone_services.milestone_complete(
            milestone=milestone, user=manager, completed_on=date(2025, 4, 1)
        )
    actions = [e.action for e in timeline.build_timeline(timeline.load_records(objective))]
    assert actions == [
        "Milestone completed",
        "Progress update added",
        "Milestone added",
        "Objective created",
    ]


def test_changes_without_a_user_are_by_the_system(admin_user):
    objective = factories.make_objective(user=None)
    [entry] = timeline.build_timeline(timeline.load_records(objective))
    assert entry.who == "System"


def test_a_milestone_that_existed_only_in_the_past_is_in_the_timeline(objective, admin_user):
    with at(date(2025, 2, 1)):
        milestone = factories.make_milestone(objective, user=admin_user, title="Dropped idea")
    with at(date(2025, 3, 1)):
        milestone._history_user = admin_user
        milestone._change_reason = "Merged into another milestone"
        milestone.delete()
    records = timeline.load_records(objective)
    entries = timeline.build_timeline(records)
    assert [e.action for e in entries][:2] == ["Deleted", "Milestone added"]
    assert entries[0].subject == "Dropped idea"
    assert entries[0].reason == "Merged into another milestone"


def test_until_leaves_out_later_changes(objective, manager, admin_user):
    with at(date(2025, 2, 1)):
        milestone = factories.make_milestone(objective, user=admin_user, due_date=date(2025, 6, 1))
    with at(date(2025, 3, 1), 23, 30):
        milestone_services.milestone_reschedule(
            milestone=milestone, user=manager, due_date=date(2025, 7, 1), reason="Late at night"
        )
    records = timeline.load_records(objective)
    on_the_day = timeline.build_timeline(records, until=end_of_day(date(2025, 3, 1)))
    before = timeline.build_timeline(records, until=end_of_day(date(2025, 2, 28)))
    assert "Late at night" in [e.reason for e in on_the_day]
    assert "Late at night" not in [e.reason for e in before]


def test_state_as_of_a_day(objective, manager, admin_user):
    with at(date(2025, 2, 1)):
        factories.make_update(objective, user=manager, reported_on=date(2025, 2, 1), summary="A")
    with at(date(2025, 3, 1)):
        factories.make_update(objective, user=manager, reported_on=date(2025, 3, 1), summary="B")
        services.objective_update(objective=objective, user=manager, description="Later words")
    records = timeline.load_records(objective)
    cutoff = end_of_day(date(2025, 2, 15))
    assert [u.summary for u in timeline.updates_as_of(records, cutoff)] == ["A"]
    assert timeline.objective_as_of(records, cutoff)["description"] == ""
    now = end_of_day(date(2026, 3, 10))
    assert [u.summary for u in timeline.updates_as_of(records, now)] == ["B", "A"]
    assert timeline.updates_as_of(records, now)[0].author == "Mo_Manager Tester"
    assert timeline.objective_as_of(records, now)["description"] == "Later words"
    assert timeline.objective_as_of(records, end_of_day(date(2024, 12, 31))) is None


def test_loading_takes_a_fixed_number_of_queries(objective, manager, admin_user):
    for n in range(5):
        milestone = factories.make_milestone(objective, user=admin_user)
        milestone_services.milestone_reschedule(
            milestone=milestone, user=manager, due_date=date(2027, 1, 1 + n), reason="x"
        )
        factories.make_update(objective, user=manager, reported_on=date(2026, 1, 1 + n))
    with CaptureQueriesContext(connection) as queries:
        records = timeline.load_records(objective)
        entries = timeline.build_timeline(records)
    assert len(queries) == 6  # four history tables (links too), people, themes
    assert len(entries) == 1 + 5 * 3


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [
        (0, 0, "midnight"),
        (12, 0, "midday"),
        (9, 5, "9:05am"),
        (13, 30, "1:30pm"),
        (0, 15, "12:15am"),
    ],
)
def test_clock(hour, minute, expected):
    assert timeline.clock(datetime(2026, 1, 1, hour, minute)) == expected
