"""What a milestone waits for, in its objective's timeline: each link added or removed, with who,
when and why, read through ``tracking.history`` (one query for an objective or a whole plan)."""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from milestones.models import MilestoneDependency

from . import history
from .history import CREATED

FIELDS = (
    "history_user_id",
    "milestone_id",
    "removed_on",
    "milestone__objective_id",
    "milestone__title",
    "depends_on__title",
    "depends_on__objective__ref",
)


def load_links(children: dict) -> list[dict]:
    """Every record of the links of the milestones matching ``children`` (lookups on a
    milestone: ``{"objective_id": pk}`` or ``{"objective__plan_id": pk}``), oldest first."""
    mine = {f"milestone__{name}": value for name, value in children.items()}
    return history.records(MilestoneDependency, *FIELDS, filter=mine, why=True)


def link_entries(records, until: datetime | None) -> list:
    """A timeline entry for each link added and each link removed (before ``until``)."""
    from .timeline import KIND_ORDER, Change, TimelineEntry

    entries, seen = [], {}
    for row in records.links:
        before = seen.get(row["id"])
        seen[row["id"]] = row
        if until is not None and row["history_date"] >= until:
            continue
        added = row["history_type"] == CREATED or before is None
        removed = not added and before["removed_on"] is None and row["removed_on"] is not None
        if not (added or removed):
            continue
        waits_for = f"{row['depends_on__objective__ref']} \u2018{row['depends_on__title']}\u2019"
        entries.append(
            TimelineEntry(
                kind="milestone",
                when=timezone.localtime(row["history_date"]),
                who=records.user_name(row["history_user_id"]),
                action="Dependency added" if added else "Dependency removed",
                subject=row["milestone__title"] or "",
                reason=row["history_change_reason"] or "",
                changes=[Change("depends_on", "Waits for", "", waits_for)],
                order=(row["history_date"], KIND_ORDER["milestone"], row["history_id"]),
            )
        )
    return entries
