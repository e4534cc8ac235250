"""What the objective page reads, and the keys it keeps its drawn parts under.

A past day is read from history each time. Today everything the page shows is kept drawn under
one query's mark of its records (``tracking.history_since.objective_mark``): the records, the
drift read, the likely finish and the panels are read only when something they show was
recorded since.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.functional import SimpleLazyObject

from kit import roles
from objectives.models import Objective

from . import history_since, panels, selectors, timeline
from .replay import PlanDrift


@dataclass
class PageRead:
    read: PlanDrift  # the objective's drift at D (its plan with only it in the picture)
    records: object  # the objective's records (read when first used, today)
    recorded: dict | None  # the objective as recorded at D (a past day only)
    records_key: str  # what the records' fragments are kept under
    first_recorded: date | None  # the day it was first recorded (a past day only)
    likely_key: str | None = None  # today: what the likely finish is kept under
    panels_key: str | None = None  # today, when every panel gives its marks

    @property
    def rules(self):
        return self.read.rules

    @property
    def row(self):
        return next(iter(self.read.objectives), None)


def past(objective: Objective, as_of: date, parts: tuple) -> PageRead:
    """The page's reads for a past day, from history."""
    records = timeline.load_records(objective)
    return PageRead(
        read=selectors.objective_plan_drift(objective, as_of),
        records=records,
        recorded=timeline.objective_as_of(records, selectors.end_of_day(as_of)),
        records_key=timeline.records_key(records, *parts),
        first_recorded=timeline.first_recorded(records),
    )


def today(user, objective: Objective, as_of: date, parts: tuple) -> PageRead:
    """The page's reads for today (or later), kept under the mark of its records: the records
    are read only when a fragment drawn from them is drawn anew."""
    page_panels = panels.objective_page
    extra = page_panels.marks(objective) if page_panels.marked() else None
    plan_milestones = history_since.plan_milestones_mark(objective.plan_id)
    mark = history_since.objective_mark(objective, [plan_milestones, *(extra or [])])
    records_mark = mark[: history_since.MARK_SIZE]
    found = PageRead(
        read=selectors.kept_objective_plan_drift(objective, as_of, records_mark),
        records=SimpleLazyObject(lambda: timeline.load_records(objective)),
        recorded=None,
        records_key=timeline.mark_key(records_mark, objective.pk, *parts),
        first_recorded=None,  # shown only when the objective was not there yet
    )
    row = found.row
    if row:  # the likely finish: the plan's milestones, and this one's open ones
        dates = [(m.id, m.due_date) for m in row.open_milestones]
        mine = (mark[history_since.MARK_SIZE], found.read.live, dates)
        found.likely_key = timeline.mark_key(mine, objective.pk, *parts)
    if extra is not None:  # the panels too, with who is asking and what they may do
        asking = (user.pk, user.is_superuser, sorted(roles.group_names(user)), found.rules)
        digest = page_panels.templates_digest()
        found.panels_key = timeline.mark_key(mark, objective.pk, *parts, *asking, digest)
    return found
