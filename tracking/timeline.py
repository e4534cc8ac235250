"""Reads of one objective's history: the timeline of every change, and the objective as it stood.

``load_records`` reads the history of an objective, its milestones (including ones that
existed only in the past), its progress updates and what its milestones wait for through
``tracking.history`` in a fixed number of queries (four history tables, then the people and
themes they mention); everything else here works on those rows without touching the database.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from kit.formatting import clock, long_date, person_name
from milestones.models import Milestone
from objectives.models import Objective, ProgressUpdate, Theme

from . import dependency_timeline, history
from .history import CHANGED, CREATED, DELETED

User = get_user_model()

OBJECTIVE_FIELDS = (
    "ref",
    "title",
    "theme_id",
    "description",
    "source",
    "owner_id",
    "starts_on",
    "target_date",
    "status",
)
MILESTONE_FIELDS = ("title", "baseline_date", "due_date", "completed_on")
UPDATE_FIELDS = ("reported_on", "rag", "summary")
RECORD_FIELDS = ("history_user_id",)  # with tracking.history.RECORD: id, type, date, record id

LABELS = {
    "ref": "Ref",
    "title": "Title",
    "theme_id": "Theme",
    "description": "Description",
    "source": "Finding it answers",
    "owner_id": "Owner",
    "starts_on": "Start date",
    "target_date": "Target date",
    "status": "Status",
    "baseline_date": "Baseline date",
    "due_date": "Forecast date",
    "completed_on": "Completed on",
    "reported_on": "Date of the update",
    "rag": "RAG",
    "summary": "Summary",
}
DAY_COUNTED = {"target_date", "baseline_date", "due_date"}
STATUS_LABELS = dict(Objective.Status.choices)
RAG_LABELS = dict(ProgressUpdate.Rag.choices)
KIND_ORDER = {"objective": 0, "milestone": 1, "update": 2}


@dataclass
class ObjectiveRecords:
    """Every history row of one objective, its milestones and updates, oldest first."""

    objective: list[dict]
    milestones: list[dict]
    updates: list[dict]
    users: dict[int, object]
    themes: dict[int, str]
    links: list[dict] = field(default_factory=list)  # what its milestones wait for

    def user_name(self, user_id: int | None, default: str = "System") -> str:
        user = self.users.get(user_id) if user_id is not None else None
        if user is None:
            return default if user_id is None else "A deleted user"
        return person_name(user)


def load_records(objective: Objective) -> ObjectiveRecords:
    """Six queries, whatever the number of milestones, updates, links or changes."""
    return _load({"id": objective.pk}, {"objective_id": objective.pk}).get(
        objective.pk, ObjectiveRecords([], [], [], {}, {})
    )


def load_plan_records(plan) -> dict[int, ObjectiveRecords]:
    """objective id -> its records, for every objective of ``plan`` that has any: six queries
    for the whole plan, whatever its size."""
    return _load({"plan_id": plan.pk}, {"objective__plan_id": plan.pk})


def _load(objectives: dict, children: dict) -> dict[int, ObjectiveRecords]:
    objective_rows = history.records(
        Objective, *RECORD_FIELDS, *OBJECTIVE_FIELDS, filter=objectives, why=True
    )
    milestone_rows = history.records(
        Milestone, *RECORD_FIELDS, "objective_id", *MILESTONE_FIELDS, filter=children, why=True
    )
    update_rows = history.records(
        ProgressUpdate,
        *RECORD_FIELDS,
        "objective_id",
        "author_id",
        *UPDATE_FIELDS,
        filter=children,
        why=True,
    )
    link_rows = dependency_timeline.load_links(children)
    user_ids = {
        row["history_user_id"] for row in objective_rows + milestone_rows + update_rows + link_rows
    }
    user_ids |= {row["owner_id"] for row in objective_rows}
    user_ids |= {row["author_id"] for row in update_rows}
    user_ids.discard(None)
    users = {user.pk: user for user in User.objects.filter(pk__in=user_ids)} if user_ids else {}
    theme_ids = {row["theme_id"] for row in objective_rows} - {None}
    themes = (
        dict(Theme.objects.filter(pk__in=theme_ids).values_list("pk", "name")) if theme_ids else {}
    )
    result: dict[int, ObjectiveRecords] = {}

    def of(pk: int) -> ObjectiveRecords:
        if pk not in result:
            result[pk] = ObjectiveRecords([], [], [], users, themes)
        return result[pk]

    for row in objective_rows:
        of(row["id"]).objective.append(row)
    for row in milestone_rows:
        of(row["objective_id"]).milestones.append(row)
    for row in update_rows:
        of(row["objective_id"]).updates.append(row)
    for row in link_rows:
        of(row["milestone__objective_id"]).links.append(row)
    return result


def records_key(records: ObjectiveRecords, *parts) -> str:
    """A digest of everything the objective's timeline and trend are drawn from: its history
    (the latest record and the number of records of each kind), the people and themes they
    name, and ``parts`` (the day shown). Any new record or renamed person gives a new key."""
    shown = (
        [
            (max((r["history_id"] for r in rows), default=0), len(rows))
            for rows in (records.objective, records.milestones, records.updates, records.links)
        ],
        sorted(
            (pk, u.get_username(), u.get_full_name(), u.is_active)
            for pk, u in records.users.items()
        ),
        sorted(records.themes.items()),
        parts,
    )
    return hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()


def mark_key(mark: tuple, *parts) -> str:
    """The same for a page that has not read the records: a digest of their mark
    (``tracking.history_since.objective_mark``), which changes with any of them, and ``parts``."""
    return hashlib.blake2b(repr(("mark", mark, parts)).encode(), digest_size=16).hexdigest()


# ---------------------------------------------------------------------------------------------
# The timeline
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    field: str
    label: str
    old: str
    new: str
    note: str = ""  # e.g. "59 days later"

    @property
    def was_empty(self) -> bool:
        """A value set where there was none: "Completed on set to 4 December 2026"."""
        return self.old in EMPTY_WORDS

    @property
    def now_empty(self) -> bool:
        """A value taken away: "Completed on removed (was 4 December 2026)"."""
        return self.new in EMPTY_WORDS and self.old not in ("", *EMPTY_WORDS)


@dataclass
class TimelineEntry:
    kind: str  # objective, milestone or update
    when: datetime  # local time
    who: str
    action: str  # "Objective created", "Milestone changed", ...
    subject: str  # the milestone's title, the update's date
    reason: str
    changes: list[Change] = field(default_factory=list)
    order: tuple = ()

    @property
    def time(self) -> str:
        return clock(self.when)


# How an empty value reads in a change ("none" for an owner, theme or completion date).
EMPTY_WORDS = ("none", "blank")


def _display(records: ObjectiveRecords, name: str, value) -> str:
    if value is None or value == "":
        return "none" if name in {"owner_id", "theme_id", "completed_on"} else "blank"
    if name == "owner_id":
        return records.user_name(value, default="none")
    if name == "theme_id":
        return records.themes.get(value, "a deleted theme")
    if name == "status":
        return STATUS_LABELS.get(value, value)
    if name == "rag":
        return RAG_LABELS.get(value, value)
    if isinstance(value, date):
        return long_date(value)
    return str(value)


def _day_note(old, new) -> str:
    if not isinstance(old, date) or not isinstance(new, date):
        return ""
    days = (new - old).days
    if days == 0:
        return ""
    unit = "day" if abs(days) == 1 else "days"
    return f"{abs(days)} {unit} {'later' if days > 0 else 'earlier'}"


def _changes(records, fields, before: dict | None, after: dict) -> list[Change]:
    changes = []
    for name in fields:
        old = before.get(name) if before is not None else None
        new = after.get(name)
        if before is not None and old == new:
            continue
        if before is None and new in (None, ""):
            continue
        changes.append(
            Change(
                field=name,
                label=LABELS[name],
                old=_display(records, name, old) if before is not None else "",
                new=_display(records, name, new),
                note=_day_note(old, new) if before is not None and name in DAY_COUNTED else "",
            )
        )
    return changes


_CREATED_FIELDS = {
    "objective": ("owner_id", "starts_on", "target_date", "status"),
    "milestone": ("due_date",),
    "update": ("rag", "summary"),
}
_ACTIONS = {
    "objective": {CREATED: "Objective created", CHANGED: "Objective changed", DELETED: "Deleted"},
    "milestone": {CREATED: "Milestone added", CHANGED: "Milestone changed", DELETED: "Deleted"},
    "update": {
        CREATED: "Progress update added",
        CHANGED: "Progress update changed",
        DELETED: "Progress update deleted",
    },
}


def _entries(records, kind: str, rows: list[dict], fields, until: datetime | None):
    previous: dict[int, dict] = {}
    for row in rows:
        before = previous.get(row["id"])
        previous[row["id"]] = row
        if until is not None and row["history_date"] >= until:
            continue
        if row["history_type"] == CREATED or before is None:
            changes = _changes(records, _CREATED_FIELDS[kind], None, row)
            if kind == "milestone":
                changes = [
                    Change(c.field, "Due date (its agreed baseline)", c.old, c.new) for c in changes
                ]
        else:
            changes = _changes(records, fields, before, row)
        action = _ACTIONS[kind][row["history_type"]]
        if kind == "milestone" and row["history_type"] == CHANGED:
            action = _milestone_action(before, row, changes)
        if kind == "milestone":
            subject = row["title"] or ""
        elif kind == "update":
            subject = long_date(row["reported_on"])
        else:
            subject = ""
        yield TimelineEntry(
            kind=kind,
            when=timezone.localtime(row["history_date"]),
            who=records.user_name(row["history_user_id"]),
            action=action,
            subject=subject,
            reason=row["history_change_reason"] or "",
            changes=changes,
            order=(row["history_date"], KIND_ORDER[kind], row["history_id"]),
        )


def _milestone_action(before, after, changes) -> str:
    fields = {c.field for c in changes}
    if before is not None and before.get("completed_on") is None and after.get("completed_on"):
        return "Milestone completed"
    if fields == {"due_date"}:
        moved_later = after["due_date"] > before["due_date"]
        return "Milestone re-forecast later" if moved_later else "Milestone re-forecast earlier"
    if fields == {"baseline_date"}:
        return "Milestone re-baselined"
    return "Milestone changed"


def build_timeline(records: ObjectiveRecords, until: datetime | None = None) -> list[TimelineEntry]:
    """Every recorded change, newest first; only those before ``until`` when it is given."""
    entries = [
        *_entries(records, "objective", records.objective, OBJECTIVE_FIELDS, until),
        *_entries(records, "milestone", records.milestones, MILESTONE_FIELDS, until),
        *_entries(records, "update", records.updates, UPDATE_FIELDS, until),
        *dependency_timeline.link_entries(records, until),
    ]
    entries.sort(key=lambda entry: entry.order, reverse=True)
    return entries


# ---------------------------------------------------------------------------------------------
# The objective as it stood at the end of a day
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class UpdateAsOf:
    id: int
    reported_on: date
    rag: str
    summary: str
    author: str


def _latest_before(rows: list[dict], cutoff: datetime) -> dict[int, dict]:
    return history.as_it_stood(history.by_row(rows), cutoff)


def objective_as_of(records: ObjectiveRecords, cutoff: datetime) -> dict | None:
    """The objective's recorded fields at ``cutoff``, or None if it did not exist yet."""
    if not records.objective:
        return None
    return _latest_before(records.objective, cutoff).get(records.objective[0]["id"])


def updates_as_of(records: ObjectiveRecords, cutoff: datetime) -> list[UpdateAsOf]:
    """The progress updates as they stood at ``cutoff``, newest first."""
    rows = _latest_before(records.updates, cutoff).values()
    updates = [
        UpdateAsOf(
            id=row["id"],
            reported_on=row["reported_on"],
            rag=row["rag"],
            summary=row["summary"],
            author=records.user_name(row["author_id"], default="Unknown"),
        )
        for row in rows
    ]
    updates.sort(key=lambda u: (u.reported_on, u.id), reverse=True)
    return updates


def first_recorded(records: ObjectiveRecords) -> datetime | None:
    return timezone.localtime(records.objective[0]["history_date"]) if records.objective else None


def milestone_rows_by_id(records: ObjectiveRecords) -> dict[int, list[dict]]:
    return {pk: row.records for pk, row in history.by_row(records.milestones).items()}
