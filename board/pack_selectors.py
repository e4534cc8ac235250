"""The board pack: each objective's colour now and at the comparison date, what moved, what was
completed, what is due, and where the owner's own view differs.

Drift is never worked out here: the pack reads the plan's drift at two dates through
``dashboard.selectors.plan_drifts`` (one read of the plan's history, replayed to each day) and
words it with ``objectives.explain``.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db.models import OuterRef, Subquery
from django.utils import timezone

from dashboard import rows as dashboard_rows
from dashboard import selectors as dashboard_selectors
from dashboard.dates import month_ends
from impact import summary_selectors as impact_summary_selectors
from kit.formatting import person_name
from milestones.models import Milestone
from objectives import drift, explain
from objectives.models import Objective, Plan, ProgressUpdate
from tracking import forecasts, history, selectors

from . import update_cycle
from .models import BoardMeeting, Challenge
from .selectors import (
    DEFAULT_DAYS,
    Comparison,
    comparison_date,
    next_meeting_after,
    open_challenges,
)

User = get_user_model()

RAG_GREENNESS = {drift.RED: 0, drift.AMBER: 1, drift.GREEN: 2}


# --- the board pack ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LatestUpdate:
    reported_on: date
    rag: str
    summary: str
    author: str


@dataclass(frozen=True)
class Move:
    milestone_id: int
    objective_id: int
    title: str
    before: date
    after: date
    reason: str
    by: str
    on: date

    @property
    def later(self) -> bool:
        return self.after > self.before

    @property
    def days(self) -> int:
        return abs((self.after - self.before).days)


@dataclass
class PackObjective:
    row: drift.ObjectiveDrift
    colour_since: str
    reasons: list[dict]
    update: LatestUpdate | None
    moves: list[Move] = field(default_factory=list)

    @property
    def owner(self) -> str:
        state = self.row.state
        if not state.owner_id:
            return "No named owner"
        return state.owner_name + ("" if state.owner_active else " (has left)")

    @property
    def owner_view_greener(self) -> bool:
        return owner_view_greener(self.update.rag if self.update else None, self.row.rag)

    @property
    def owner_view_words(self) -> str:
        """ "Owner says green; milestones say red" when the owner's view is greener."""
        return owner_view_words(self.update.rag if self.update else None, self.row.rag)


def owner_view_greener(owner_rag: str | None, rag: str) -> bool:
    """Whether the RAG the owner gave in their latest update is greener than the drift's."""
    return (
        owner_rag is not None
        and rag in RAG_GREENNESS
        and RAG_GREENNESS.get(owner_rag, -1) > RAG_GREENNESS[rag]
    )


def owner_view_words(owner_rag: str | None, rag: str) -> str:
    if not owner_view_greener(owner_rag, rag):
        return ""
    return f"Owner says {owner_rag}; milestones say {rag}"


@dataclass(frozen=True)
class OwnerGap:
    """An objective whose owner sees it greener than its milestones do (on the dashboard)."""

    row: drift.ObjectiveDrift

    @property
    def owner_view_words(self) -> str:
        return owner_view_words(self.row.state.last_update_rag, self.row.rag)


@dataclass(frozen=True)
class Completed:
    objective_ref: str
    objective_title: str
    objective_id: int
    title: str  # the milestone's title, or "" for the objective itself
    on: date | None


@dataclass(frozen=True)
class DueSoon:
    row: drift.ObjectiveDrift
    milestone: drift.MilestoneDrift


@dataclass
class Pack:
    plan: Plan
    as_of: date
    comparison: Comparison
    next_meeting: BoardMeeting | None
    drift: object  # PlanDrift at as_of
    before: object  # PlanDrift at the comparison date
    headlines: list[dashboard_selectors.Headline]
    exceptions: list[PackObjective]
    completed: list[Completed]
    due: list[DueSoon]
    due_until: date
    challenges: list[Challenge]
    trend: list[tuple[date, dict[str, int]]]
    updates: dict[int, LatestUpdate]
    moves: dict[int, list[Move]]

    @property
    def since(self) -> date:
        return self.comparison.day

    @property
    def red(self) -> list[PackObjective]:
        return [o for o in self.exceptions if o.row.rag == drift.RED]

    @property
    def amber(self) -> list[PackObjective]:
        return [o for o in self.exceptions if o.row.rag == drift.AMBER]

    @property
    def owner_view_gaps(self) -> list[PackObjective]:
        return [o for o in self.exceptions if o.owner_view_greener]

    @property
    def total(self) -> int:
        return len(self.drift.objectives)

    @functools.cached_property
    def update_cycle(self) -> update_cycle.UpdateCycle | None:
        """Whose updates are in for the next board on or after D (None when none is recorded)."""
        return update_cycle.update_cycle(self.plan, self.as_of, plan_drift=self.drift)

    @functools.cached_property
    def impact(self) -> impact_summary_selectors.PackImpact:
        """Measures by status, those off track or behind, and evidence counts by objective."""
        return impact_summary_selectors.pack_impact(self.plan, self.as_of, drift=self.drift)

    @functools.cached_property
    def likely(self) -> forecasts.PlanForecast:
        """The likely finish at D and the objectives likely to finish after their target."""
        return forecasts.plan_forecast(
            self.plan, self.as_of, self.drift.objectives, read=self.drift
        )

    @functools.cached_property
    def likely_late_items(self):
        """The objectives likely to finish after their target, drawn as list items."""
        return dashboard_rows.likely_late(self.likely, as_of=self.as_of)

    @functools.cached_property
    def rows(self) -> list[PackObjective]:
        """Every objective at D (for the workbook), in the contract's order."""
        by_id = {o.row.id: o for o in self.exceptions}
        return [
            by_id.get(row.id)
            or PackObjective(row, "", [], self.updates.get(row.id), self.moves.get(row.id, []))
            for row in self.drift.objectives
        ]


def latest_updates(plan: Plan, as_of: date) -> dict[int, LatestUpdate]:
    """Each objective's latest progress update reported by ``as_of`` and recorded by its end.

    Updates are only ever added, never changed or deleted, so the live rows that were created
    by the end of ``as_of`` are exactly the updates that existed then: one query, with no
    replay of history.
    """
    updates = ProgressUpdate.objects.filter(objective_id=OuterRef("pk"), reported_on__lte=as_of)
    if as_of < timezone.localdate():
        updates = updates.filter(history.created_by(ProgressUpdate, as_of))
    latest_ids = (
        Objective.objects.filter(plan=plan)
        .annotate(latest=Subquery(updates.order_by("-reported_on", "-id").values("id")[:1]))
        .exclude(latest=None)
        .values_list("latest", flat=True)
    )
    rows = ProgressUpdate.objects.filter(pk__in=latest_ids).values_list(
        "objective_id",
        "reported_on",
        "rag",
        "summary",
        "author__first_name",
        "author__last_name",
        f"author__{User.USERNAME_FIELD}",
    )
    return {
        objective_id: LatestUpdate(reported_on, rag, summary, f"{first} {last}".strip() or username)
        for objective_id, reported_on, rag, summary, first, last, username in rows
    }


def milestone_moves(plan: Plan, since: date, as_of: date) -> dict[int, list[Move]]:
    """Changes of a milestone's forecast date recorded after ``since`` up to the end of
    ``as_of``, by objective, with who, when and why."""
    moves: dict[int, list[Move]] = defaultdict(list)
    for change in history.changes(
        Milestone,
        "due_date",
        filter={"objective__plan": plan},
        since=since,
        until=as_of,
        also=("objective_id", "title"),
    ):
        moves[change.record["objective_id"]].append(
            Move(
                milestone_id=change.id,
                objective_id=change.record["objective_id"],
                title=change.record["title"],
                before=change.old,
                after=change.new,
                reason=change.reason or "No reason recorded",
                by=change.who or "System",
                on=timezone.localtime(change.when).date(),
            )
        )
    for items in moves.values():
        items.sort(key=lambda m: (m.on, m.milestone_id))
    return moves


def board_pack(plan: Plan, as_of: date, since: date | None = None) -> Pack:
    """Everything the board pack shows for ``plan`` at ``as_of`` compared with ``since`` (the
    last board meeting before ``as_of`` when not given, else four weeks earlier)."""
    comparison = comparison_date(plan, as_of, since)
    trend_days = month_ends(as_of)
    full, summaries = selectors.plan_drifts(plan, {as_of, comparison.day}, set(trend_days))
    now, before = full[as_of], full[comparison.day]
    headlines = [
        dashboard_selectors.Headline(
            rag, dashboard_selectors.RAG_LABELS[rag], now.summary[rag], before.summary[rag]
        )
        for rag in drift.RAGS
    ]
    month_rags = [(day, summaries[day].rags) for day in trend_days if day < as_of]
    since_words = dashboard_selectors.colour_since(now.objectives, month_rags)
    updates = latest_updates(plan, as_of)
    moves = milestone_moves(plan, comparison.day, as_of) if comparison.day < as_of else {}
    exceptions = [
        PackObjective(
            row=row,
            colour_since=since_words.get(row.id, ""),
            reasons=explain.explain_drift(row, now.rules, as_of),
            update=updates.get(row.id),
            moves=moves.get(row.id, []),
        )
        for row in now.objectives
        if row.rag in (drift.RED, drift.AMBER)
    ]
    completed = _completed(now, before, comparison.day, as_of)
    next_meeting = next_meeting_after(plan, as_of)
    due_until = next_meeting.held_on if next_meeting else as_of + timedelta(days=DEFAULT_DAYS)
    due = [
        DueSoon(row, m)
        for row in now.objectives
        for m in row.open_milestones
        if as_of <= m.due_date <= due_until
    ]
    due.sort(key=lambda d: (d.milestone.due_date, drift.natural_key(d.row.ref), d.milestone.id))
    challenges = open_challenges(plan, as_of)
    states = {row.id: row.state for row in now.objectives}
    for challenge in challenges:  # who it waits for: the objective's owner at D
        state, owner = states.get(challenge.objective_id), challenge.objective.owner
        if state is not None:
            challenge.waits_for = state.owner_name if state.owner_id else ""
        else:  # out of the picture at D
            challenge.waits_for = person_name(owner) if owner else ""
    return Pack(
        plan=plan,
        as_of=as_of,
        comparison=comparison,
        next_meeting=next_meeting,
        drift=now,
        before=before,
        headlines=headlines,
        exceptions=exceptions,
        completed=completed,
        due=due,
        due_until=due_until,
        challenges=challenges,
        trend=[(day, summaries[day].counts) for day in trend_days],
        updates=updates,
        moves=moves,
    )


def _completed(now, before, since: date, as_of: date) -> list[Completed]:
    """Objectives that became complete, and milestones completed, after ``since`` up to D."""
    was_complete = {r.id for r in before.objectives if r.rag == drift.COMPLETE}
    done = []
    for row in now.objectives:
        if row.rag == drift.COMPLETE and row.id not in was_complete:
            done.append(Completed(row.ref, row.title, row.id, "", None))
        for m in row.milestones:
            if m.complete and m.completed_on and since < m.completed_on <= as_of:
                done.append(Completed(row.ref, row.title, row.id, m.title, m.completed_on))
    done.sort(key=lambda c: (drift.natural_key(c.objective_ref), c.title != "", c.on or as_of))
    return done
