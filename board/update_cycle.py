"""The update cycle before each board meeting (docs/drift-rules.md, "The update cycle").

At a day D the board is the plan's next meeting on or after D as it was recorded at the end of D
(a meeting added later, or cancelled by then, is not it; a meeting moved later is on the day it
was on at D). Its update window is the plan's ``update_window_days`` as they stood at D: that many
days before the meeting, from ``held_on − update_window_days`` to the day before the meeting. An
open objective's update is "in" when a progress update recorded by the end of D was reported
inside the window. It is a count beside the drift, never a flag.

Everything is read through ``tracking``: the meeting and the thresholds from ``tracking.history``,
the open objectives and their owners at D from the plan's drift at D.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta

from kit.formatting import long_date
from kit.keys import drawn_key
from objectives import drift, permissions
from objectives.models import Plan, ProgressUpdate
from tracking import history
from tracking import selectors as tracking_selectors

from .models import BoardMeeting


@dataclass(frozen=True)
class Window:
    """The days an update counts for a board: ``first`` to ``last``, both included."""

    first: date
    last: date

    def __contains__(self, day: date) -> bool:
        return self.first <= day <= self.last


def window_before(held_on: date, days: int) -> Window:
    """The ``days`` days before a meeting held on ``held_on`` (the meeting's day is not in it)."""
    return Window(held_on - timedelta(days=days), held_on - timedelta(days=1))


@dataclass(frozen=True)
class Meeting:
    """A board meeting as it was recorded at the end of D."""

    id: int
    name: str
    held_on: date


def next_meeting_on_or_after(plan: Plan, as_of: date, plan_marks=None) -> Meeting | None:
    """The plan's next board meeting on or after ``as_of`` as recorded at the end of that day,
    leaving out one cancelled by then: one query (none when kept under ``plan_marks``)."""
    rows = history.rows_at(
        BoardMeeting,
        as_of,
        "held_on",
        "name",
        "cancelled_on",
        filter={"plan_id": plan.pk},
        plan_marks=plan_marks,
    )
    held = [
        row
        for row in rows.values()
        if row["held_on"] >= as_of and (row["cancelled_on"] is None or row["cancelled_on"] > as_of)
    ]
    if not held:
        return None
    first = min(held, key=lambda row: (row["held_on"], row["id"]))
    return Meeting(first["id"], first["name"], first["held_on"])


@dataclass(frozen=True)
class UpdateCycle:
    """Whose updates are in for the next board, as of D."""

    plan: Plan
    as_of: date
    meeting: Meeting
    window: Window
    open: tuple[drift.ObjectiveDrift, ...]  # open objectives at D, in the contract's order
    in_ids: frozenset[int]  # the open objectives whose update is in

    @property
    def held_on(self) -> date:
        return self.meeting.held_on

    @functools.cached_property
    def missing(self) -> list[drift.ObjectiveDrift]:
        """The open objectives with no update in the window, by ref."""
        rows = [row for row in self.open if row.id not in self.in_ids]
        return sorted(rows, key=lambda row: drift.natural_key(row.ref))

    @property
    def in_count(self) -> int:
        return len(self.open) - len(self.missing)

    @property
    def total(self) -> int:
        return len(self.open)

    @property
    def headline(self) -> str:
        """ "Updates for the board on 14 January 2027: 18 of 22 in"."""
        return (
            f"Updates for the board on {long_date(self.held_on)}: "
            f"{self.in_count} of {self.total} in"
        )

    @property
    def window_words(self) -> str:
        return f"from {long_date(self.window.first)} to {long_date(self.window.last)}"

    @property
    def missing_refs(self) -> list[str]:
        return [row.ref for row in self.missing]

    @functools.cached_property
    def missing_ids(self) -> frozenset[int]:
        return frozenset(row.id for row in self.missing)

    def as_json(self) -> dict:
        return {"date": self.held_on.isoformat(), "updates_missing": self.missing_refs}


def updated_in(plan: Plan, window: Window, as_of: date) -> frozenset[int]:
    """The plan's objectives with a progress update reported inside ``window`` and recorded by
    the end of ``as_of``. Updates are only ever added, so the live rows created by then are the
    updates that existed then: one query."""
    rows = ProgressUpdate.objects.filter(
        objective__plan=plan, reported_on__gte=window.first, reported_on__lte=window.last
    ).filter(history.created_by(ProgressUpdate, as_of))
    return frozenset(rows.values_list("objective_id", flat=True).distinct())


def update_cycle(plan: Plan, as_of: date, *, plan_drift=None) -> UpdateCycle | None:
    """The update cycle for the next board on or after ``as_of``, or None when none is
    recorded. ``plan_drift`` is the plan's drift at ``as_of`` when the caller has it."""
    meeting = next_meeting_on_or_after(plan, as_of, getattr(plan_drift, "plan_marks", None))
    if meeting is None:
        return None
    if plan_drift is None:
        plan_drift = tracking_selectors.plan_drift(plan, as_of)
    window = window_before(meeting.held_on, plan_drift.rules.update_window_days)
    open_rows = tuple(row for row in plan_drift.objectives if row.rag != drift.COMPLETE)
    return UpdateCycle(
        plan=plan,
        as_of=as_of,
        meeting=meeting,
        window=window,
        open=open_rows,
        in_ids=updated_in(plan, window, as_of) & {row.id for row in open_rows},
    )


def api_board(plan: Plan, as_of: date, *, drift=None, **_) -> dict | None:
    """``board`` in ``/api/drift/``: the next board on or after D and the refs of the open
    objectives with no update for it, or None when no board is recorded."""
    cycle = update_cycle(plan, as_of, plan_drift=drift)
    return cycle.as_json() if cycle is not None else None


@dataclass(frozen=True)
class UpdateCyclePanel:
    """The update cycle on the dashboard and ``/manage/``: the cycle (None when no board is
    recorded) and whether the person may remind the missing owners now."""

    plan: Plan
    as_of: date
    today: date
    cycle: UpdateCycle | None
    can_remind: bool

    @functools.cached_property
    def drawn_key(self) -> str | None:
        """What the panel shows and the templates that draw it: the key it is kept drawn
        under. None when it offers to remind owners (its form is drawn for each request)."""
        if self.can_remind:
            return None
        cycle = self.cycle
        shown = (self.plan.pk, self.as_of, self.today)
        if cycle is not None:
            missing = [
                (
                    row.id,
                    row.ref,
                    row.title,
                    row.state.owner_id,
                    row.state.owner_name,
                    row.state.owner_active,
                    row.state.last_reported_on,
                )
                for row in cycle.missing
            ]
            shown += (cycle.headline, cycle.window_words, cycle.held_on, cycle.total, missing)
        return drawn_key(("board/_update_cycle.html",), shown)


def panel_for(user, plan: Plan, as_of: date, *, today: date, plan_drift=None) -> UpdateCyclePanel:
    """Reminding is for administrators, today only, for a published plan with an owner to
    remind (the reminders app does it and checks again)."""
    cycle = update_cycle(plan, as_of, plan_drift=plan_drift)
    can_remind = (
        cycle is not None
        and as_of == today
        and not plan.is_draft
        and permissions.is_administrator(user)
        and any(row.state.owner_id for row in cycle.missing)
    )
    return UpdateCyclePanel(plan, as_of, today, cycle, can_remind)


def dashboard_panel(request, data) -> UpdateCyclePanel:
    """The dashboard's panel ``update_cycle`` (registered in ``board.apps``)."""
    return panel_for(request.user, data.plan, data.as_of, today=data.today, plan_drift=data.drift)
