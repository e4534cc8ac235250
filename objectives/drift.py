"""The drift rules (docs/drift-rules.md), as pure functions: no database, no clock, no settings.

Callers hand in the state of a plan as it stood at the end of a day D (``tracking.selectors``
reads it from the history tables) and get back, for every objective and milestone, its RAG,
its flags and the figures behind them. Everything here is deterministic in its arguments, so
it is tested rule by rule without a database.

States and drifts are named tuples: as immutable as frozen dataclasses and several times
quicker to make, which counts on every drift page (a council's plan has some 750 milestones).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

RED = "red"
AMBER = "amber"
GREEN = "green"
COMPLETE = "complete"
RAG_ORDER = {RED: 0, AMBER: 1, GREEN: 2, COMPLETE: 3}
RAGS = tuple(RAG_ORDER)

# Objective flags in the order docs/drift-rules.md lists them, with their colour and words.
FLAGS: dict[str, tuple[str, str]] = {
    "no_owner": (RED, "No named owner"),
    "owner_inactive": (RED, "Owner has left"),
    "past_target": (RED, "Past its target date"),
    "overdue_milestone": (RED, "A milestone is overdue"),
    "slipped_beyond_tolerance": (RED, "A milestone has slipped beyond tolerance"),
    "repeatedly_replanned": (RED, "A milestone has been re-planned 3 or more times"),
    "milestone_after_target": (RED, "A milestone is forecast after the target date"),
    "slipped": (AMBER, "A milestone has slipped"),
    "no_milestones": (AMBER, "No milestones"),
    "stale": (AMBER, "No recent progress update"),
    "knock_on": (AMBER, "A milestone is waiting for a later one"),
}
REPLAN_LIMIT = 3


@dataclass(frozen=True)
class PlanRules:
    slip_tolerance_days: int = 28
    stale_after_days: int = 42
    due_soon_days: int = 14
    update_window_days: int = 14  # the update cycle before a board, not a drift rule


class Predecessor(NamedTuple):
    """A milestone another one waits for, as it stood at D (``ref`` is its objective's ref).
    ``withdrawn``: it, or its objective, was out of the picture at D."""

    id: int
    ref: str
    title: str
    due_date: date
    completed_on: date | None = None
    withdrawn: bool = False


class MilestoneState(NamedTuple):
    """A milestone as it stood at D. ``due_dates`` is its due date in each recorded change."""

    id: int
    title: str
    baseline_date: date
    due_date: date
    completed_on: date | None = None
    due_dates: tuple[date, ...] = ()
    replans: int | None = None  # when known already (the live rows keep it): else from due_dates
    predecessors: tuple[Predecessor, ...] = ()  # the milestones it was linked to wait for at D


class ObjectiveState(NamedTuple):
    """An objective as it stood at D, with its milestones and its latest update up to D (its
    date, and the RAG its owner gave it: shown beside drift, never a rule's input)."""

    id: int
    ref: str
    title: str
    starts_on: date
    target_date: date
    status: str
    theme: str | None = None
    owner_id: int | None = None
    owner_username: str | None = None
    owner_name: str | None = None
    owner_active: bool = True
    milestones: tuple[MilestoneState, ...] = ()
    last_reported_on: date | None = None
    last_update_rag: str | None = None


class MilestoneDrift(NamedTuple):
    state: MilestoneState
    complete: bool
    slip_days: int
    overdue_days: int
    replans: int
    rag: str
    days_to_go: int | None  # days from D to the due date; None once complete
    due_soon: bool = False  # open and due from D to D + due_soon_days (shown, not a flag)
    knock_on_days: int = 0
    waiting_for: Predecessor | None = None  # the predecessor that gives ``knock_on_days``

    @property
    def id(self) -> int:
        return self.state.id

    @property
    def depends_on(self) -> tuple[int, ...]:
        """The ids of the milestones it was linked to wait for at D."""
        return tuple(p.id for p in self.state.predecessors)

    @property
    def title(self) -> str:
        return self.state.title

    @property
    def baseline_date(self) -> date:
        return self.state.baseline_date

    @property
    def due_date(self) -> date:
        return self.state.due_date

    @property
    def completed_on(self) -> date | None:
        return self.state.completed_on

    @property
    def worst_days(self) -> int:
        """How far behind this milestone is: the larger of its overdue and slip days."""
        return max(self.overdue_days, self.slip_days, 0)


class ObjectiveDrift(NamedTuple):
    state: ObjectiveState
    rag: str
    flags: tuple[str, ...]
    milestones: tuple[MilestoneDrift, ...]
    worst_days: int
    reasons: tuple = ()  # of Reason: why it is red or amber, for ``objectives.explain``

    @property
    def id(self) -> int:
        return self.state.id

    @property
    def ref(self) -> str:
        return self.state.ref

    @property
    def title(self) -> str:
        return self.state.title

    @property
    def open_milestones(self) -> tuple[MilestoneDrift, ...]:
        return tuple(m for m in self.milestones if not m.complete)

    @property
    def worst_milestone(self) -> MilestoneDrift | None:
        """The open milestone furthest behind (overdue or slipped), if any is behind."""
        behind = [m for m in self.open_milestones if m.worst_days > 0]
        return max(behind, key=lambda m: (m.worst_days, -m.id)) if behind else None

    @property
    def next_milestone(self) -> MilestoneDrift | None:
        """The open milestone due first."""
        open_ = self.open_milestones
        return min(open_, key=lambda m: (m.due_date, m.id)) if open_ else None

    @property
    def due_soon(self) -> tuple[MilestoneDrift, ...]:
        """Open milestones due from D to D + the plan's ``due_soon_days``, soonest first."""
        return tuple(sorted((m for m in self.milestones if m.due_soon), key=lambda m: m.due_date))

    @property
    def flag_labels(self) -> list[str]:
        return [FLAGS[f][1] for f in self.flags]

    @property
    def milestones_complete(self) -> int:
        return sum(1 for m in self.milestones if m.complete)

    @property
    def milestones_overdue(self) -> int:
        return sum(1 for m in self.milestones if m.overdue_days > 0)

    @property
    def max_slip_days(self) -> int | None:
        """The largest ``slip_days`` of the open milestones, None when there are none."""
        open_ = self.open_milestones
        return max(m.slip_days for m in open_) if open_ else None

    @property
    def replans(self) -> int:
        return sum(m.replans for m in self.milestones)


def count_replans(due_dates: Sequence[date]) -> int:
    """Recorded changes in which the due date moved later than its previous value."""
    return sum(1 for before, after in zip(due_dates, due_dates[1:], strict=False) if after > before)


def knock_on(milestone: MilestoneState, as_of: date) -> tuple[int, Predecessor | None]:
    """The largest (``p.due_date`` - ``m.due_date``) over the predecessors p in the picture and
    not complete at D, when positive, with that predecessor; else (0, None). Open milestones
    only; it never changes the milestone's own dates or RAG."""
    if milestone.completed_on is not None and milestone.completed_on <= as_of:
        return 0, None
    waiting = [
        p
        for p in milestone.predecessors
        if not p.withdrawn and (p.completed_on is None or p.completed_on > as_of)
    ]
    if not waiting:
        return 0, None
    latest = max(waiting, key=lambda p: (p.due_date, -p.id))
    days = (latest.due_date - milestone.due_date).days
    return (days, latest) if days > 0 else (0, None)


def milestone_drift(milestone: MilestoneState, as_of: date, rules: PlanRules) -> MilestoneDrift:
    complete = milestone.completed_on is not None and milestone.completed_on <= as_of
    end = milestone.completed_on if complete else milestone.due_date
    slip_days = (end - milestone.baseline_date).days
    overdue_days = (as_of - milestone.due_date).days if not complete else 0
    overdue_days = max(overdue_days, 0)
    replans = milestone.replans
    if replans is None:
        replans = count_replans(milestone.due_dates or (milestone.due_date,))
    knock_on_days, waiting_for = knock_on(milestone, as_of)
    if complete:
        rag = COMPLETE
    elif overdue_days > 0 or slip_days > rules.slip_tolerance_days or replans >= REPLAN_LIMIT:
        rag = RED
    elif slip_days >= 1:
        rag = AMBER
    else:
        rag = GREEN
    return MilestoneDrift(
        state=milestone,
        complete=complete,
        slip_days=slip_days,
        overdue_days=overdue_days,
        replans=replans,
        rag=rag,
        days_to_go=None if complete else (milestone.due_date - as_of).days,
        due_soon=not complete and 0 <= (milestone.due_date - as_of).days <= rules.due_soon_days,
        knock_on_days=knock_on_days,
        waiting_for=waiting_for,
    )


class Reason(NamedTuple):
    """One reason an objective is red or amber: a flag, and the open milestone that raised it
    when a milestone did. ``objectives.explain`` puts it into words."""

    flag: str
    milestone: MilestoneDrift | None = None

    @property
    def rag(self) -> str:
        return FLAGS[self.flag][0]


def _as_plain_tuple(value: tuple) -> tuple:
    """How a drift tuple pickles: its class and values, made again by ``tuple.__new__``.

    A plan's drift is kept in Django's cache and read back on every page: by default each named
    tuple is made again through its class's ``__new__``, a Python function, and a plan's 150
    objectives hold about 600 of them; made by ``tuple.__new__`` they read back about a fifth
    quicker (pickles made either way read back the same)."""
    return (tuple.__new__, (type(value), tuple(value)))


for _kept in (Predecessor, MilestoneState, ObjectiveState, MilestoneDrift, ObjectiveDrift, Reason):
    _kept.__reduce__ = _as_plain_tuple

# The flags raised by an open milestone, each with its test.
MILESTONE_FLAGS = {
    "overdue_milestone": lambda m, o, rules: m.overdue_days > 0,
    "slipped_beyond_tolerance": lambda m, o, rules: m.slip_days > rules.slip_tolerance_days,
    "repeatedly_replanned": lambda m, o, rules: m.replans >= REPLAN_LIMIT,
    "milestone_after_target": lambda m, o, rules: m.due_date > o.target_date,
    "slipped": lambda m, o, rules: 1 <= m.slip_days <= rules.slip_tolerance_days,
    "knock_on": lambda m, o, rules: m.knock_on_days > 0,
}


def _objective_reasons(
    objective: ObjectiveState,
    milestones: Sequence[MilestoneDrift],
    as_of: date,
    rules: PlanRules,
) -> tuple[Reason, ...]:
    """Every reason the objective is flagged, in the order of ``FLAGS`` (then milestones')."""
    open_ = [m for m in milestones if not m.complete]
    last_sign_of_life = max(filter(None, (objective.starts_on, objective.last_reported_on)))
    plain = {
        "no_owner": objective.owner_id is None,
        "owner_inactive": objective.owner_id is not None and not objective.owner_active,
        "past_target": objective.target_date < as_of,
        "no_milestones": not milestones,
        "stale": (as_of - last_sign_of_life).days > rules.stale_after_days,
    }
    reasons = []
    for flag in FLAGS:
        if flag in MILESTONE_FLAGS:
            test = MILESTONE_FLAGS[flag]
            reasons.extend(Reason(flag, m) for m in open_ if test(m, objective, rules))
        elif plain[flag]:
            reasons.append(Reason(flag))
    return tuple(reasons)


def objective_drift(objective: ObjectiveState, as_of: date, rules: PlanRules) -> ObjectiveDrift:
    milestones = tuple(milestone_drift(m, as_of, rules) for m in objective.milestones)
    worst_days = max((m.worst_days for m in milestones if not m.complete), default=0)
    if objective.status == COMPLETE:
        return ObjectiveDrift(objective, COMPLETE, (), milestones, worst_days)
    reasons = _objective_reasons(objective, milestones, as_of, rules)
    flags = tuple(dict.fromkeys(r.flag for r in reasons))
    colours = {FLAGS[f][0] for f in flags}
    rag = RED if RED in colours else AMBER if colours else GREEN
    return ObjectiveDrift(objective, rag, flags, milestones, worst_days, reasons)


@functools.lru_cache(maxsize=8192)
def natural_key(ref: str) -> tuple:
    """Order refs as a person reads them: "1.2" before "1.10"."""
    return tuple(
        (0, int(part), "") if part.isdigit() else (1, 0, part)
        for part in re.findall(r"\d+|\D+", ref)
    )


def drift_order(drift: ObjectiveDrift) -> tuple:
    """Red, amber, green, complete; then the furthest behind first; then by ref."""
    return (RAG_ORDER[drift.rag], -drift.worst_days, natural_key(drift.ref), drift.id)


def plan_drift(
    objectives: Iterable[ObjectiveState], as_of: date, rules: PlanRules
) -> list[ObjectiveDrift]:
    """Every objective's drift at D, in the contract's order."""
    return sorted((objective_drift(o, as_of, rules) for o in objectives), key=drift_order)


def open_part(row: ObjectiveDrift) -> ObjectiveDrift:
    """The objective's drift with its finished milestones left out, its RAG and flags as judged
    on all of them: what a page that shows no finished milestone and no reasons in words needs
    (the dashboard), and in a long plan about a third of the whole to keep and to read back.
    The reasons (``Reason``, put into words on the objective page and in the board pack) are
    left out too: reading them back took about 40% of reading the rest."""
    if not row.reasons and not any(m.complete for m in row.milestones):
        return row
    milestones = tuple(m for m in row.milestones if not m.complete)
    shown = {m.state for m in milestones}
    state = row.state._replace(milestones=tuple(m for m in row.state.milestones if m in shown))
    return row._replace(state=state, milestones=milestones, reasons=())


def due_soon(rows: Iterable[ObjectiveDrift]) -> list[tuple[ObjectiveDrift, MilestoneDrift]]:
    """Every open milestone due soon across ``rows``, soonest first, with its objective."""
    items = [(row, m) for row in rows for m in row.due_soon]
    return sorted(items, key=lambda item: (item[1].due_date, natural_key(item[0].ref), item[1].id))


def summarise(drifts: Iterable[ObjectiveDrift]) -> dict[str, int]:
    counts = dict.fromkeys(RAGS, 0)
    for drift in drifts:
        counts[drift.rag] += 1
    return counts
