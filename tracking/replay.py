"""The one replay of history: a plan's (or some of its objectives') state at the end of any day.

Every read of the past goes through ``PlanHistory``: it reads the history tables once, in a
fixed number of queries (one per history table, one for theme names, one each for owners and
their account history), and replays them to the end of any day up to its cutoff without
touching the database again. ``objectives.drift`` then applies the rules to that state.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.contrib.auth import get_user_model

from milestones.models import Milestone
from objectives import drift
from objectives.models import Objective, Plan, ProgressUpdate, Theme

from . import history, history_accounts
from .dependencies import DependencyHistory
from .history import (  # noqa: F401 (the replay's names, kept where callers import them)
    CHANGED,
    CREATED,
    DELETED,
    RULE_FIELDS,
    end_of_day,
)
from .history_accounts import ACCOUNT_FIELDS, Account  # noqa: F401 (likewise)

if TYPE_CHECKING:
    from objectives.forecast import Forecast, Likely

    from .pastdays import Kept
    from .stamps import StampedRead

User = get_user_model()
WITHDRAWN = Objective.Status.WITHDRAWN
# What the read path needs of a milestone as it stood (with the objective it belongs to).
MILESTONE_FIELDS = (
    "objective_id",
    "title",
    "baseline_date",
    "due_date",
    "completed_on",
    "withdrawn_on",
)


@dataclass(frozen=True)
class PlanDrift:
    plan: Plan
    as_of: date
    rules: drift.PlanRules
    objectives: list[drift.ObjectiveDrift]
    # What the read found beside the drift, for the likely finish (``tracking.forecasts``) to
    # use rather than read again: whether it came from the live rows (nothing recorded after
    # the day), the plan's kept past days as it saw them, and the plan's milestones finished by
    # the day (``tracking.live.LiveState.finished``). None (False) where the read did not.
    live: bool = False
    kept: Kept | None = None
    finished: list[tuple[int, date, date]] | None = None
    # The likely finish's reference class at the day, when the read worked it out
    # (``tracking.today``); ``tracking.forecasts`` then takes it as it is.
    reference: Forecast | None = None
    # The objectives likely to finish after their target, by id (in the objectives' order),
    # when the read worked them out from the whole plan (``tracking.today``).
    late: dict[int, Likely] | None = None
    # Each objective's mark, when the read has one (``tracking.today``): a string that changes
    # whenever anything its drift shows can change, so what is drawn of it can be kept under it.
    marks: dict[int, str] | None = None
    # The marks of what the plan records outside its objectives (``tracking.plan_marks``),
    # when the read asked for them (``tracking.today``): reads of those tables are kept under
    # them.
    plan_marks: dict[str, str] | None = None
    # Each objective holds its open milestones only, and no reasons
    # (``objectives.drift.open_part``): the dashboard's read, which shows neither.
    open_only: bool = False
    # Today's read under the objectives' stamps (``tracking.today``), through which a page keeps
    # what it works out from the whole plan with the plan's bundle (``StampedRead.derived``).
    stamped: StampedRead | None = field(default=None, compare=False, repr=False)

    @property
    def summary(self) -> dict[str, int]:
        return drift.summarise(self.objectives)


class PlanHistory:
    """A plan's history up to a cutoff, read once in a fixed number of queries (one per history
    table, one for theme names, one for owners and one for their accounts' history).

    ``state_at`` replays it to the end of the cutoff's day; with ``dated=True`` to the end of
    any earlier day too, without touching the database again. The reads and the rules of
    replay (order, last record by a moment, deletions, accounts, thresholds) are
    ``tracking.history``'s.
    """

    def __init__(
        self,
        plan: Plan,
        cutoff: datetime,
        *,
        dated: bool = False,
        objective_ids: list[int] | None = None,
    ):
        self.plan = plan
        self.cutoff = cutoff
        self.dated = dated
        self.plan_rows = history.plan_records(plan, cutoff)
        mine = {"plan_id": plan.pk}
        if objective_ids is not None:  # only these objectives (an objective's own page)
            mine["id__in"] = objective_ids
        else:
            objective_ids = Objective.history.filter(plan_id=plan.pk).values("id")
        self.objectives = history.by_row(
            history.records(
                Objective,
                "ref",
                "title",
                "theme_id",
                "owner_id",
                "starts_on",
                "target_date",
                "status",
                filter=mine,
                until=cutoff,
                dated=dated,
            )
        )
        self.milestones = history.by_row(
            history.records(
                Milestone,
                *MILESTONE_FIELDS,
                filter={"objective_id__in": objective_ids},
                until=cutoff,
                dated=dated,
            )
        )
        self.updates = history.by_row(
            history.records(
                ProgressUpdate,
                "objective_id",
                "reported_on",
                "rag",
                filter={"objective_id__in": objective_ids},
                until=cutoff,
                dated=dated,
            )
        )
        self.dependencies = DependencyHistory(
            cutoff,
            dated=dated,
            objective_ids=objective_ids,
            milestones=self.milestones,
            objectives=self.objectives,
        )
        rows = [row for group in self.objectives.values() for row in group.records]
        theme_ids = {row["theme_id"] for row in rows} - {None}
        self.themes = dict(Theme.objects.filter(id__in=theme_ids).values_list("id", "name"))
        owner_ids = {row["owner_id"] for row in rows} - {None}
        self.owners = {u.pk: u for u in User.objects.filter(id__in=owner_ids)}
        # Every record of each owner's account (the earliest stands for the time before it).
        self.accounts = history_accounts.account_records(owner_ids)

    def account_at(self, owner_id: int, cutoff: datetime) -> Account | None:
        """The owner's account as it stood just before ``cutoff``: its latest record by then,
        or its earliest record when it had none yet (or the account now, with no history)."""
        return history_accounts.account_from(
            self.accounts.get(owner_id), cutoff, self.owners.get(owner_id)
        )

    def _upto(self, grouped: dict[int, history.Row], cutoff: datetime):
        """Each id's rows recorded before ``cutoff`` (ids with none are left out)."""
        if cutoff >= self.cutoff:  # everything read (and undated unless ``dated``)
            for pk, row in grouped.items():
                yield pk, row.records
            return
        for pk, row in grouped.items():
            group = row.upto(cutoff)
            if group:
                yield pk, group

    def rules_at(self, cutoff: datetime) -> drift.PlanRules:
        return history.rules_from(self.plan, self.plan_rows, cutoff)

    def state_at(self, as_of: date) -> tuple[drift.PlanRules, list[drift.ObjectiveState]]:
        """The plan's rules and objectives as recorded by the end of ``as_of``."""
        cutoff = end_of_day(as_of)
        if cutoff > self.cutoff or (cutoff < self.cutoff and not self.dated):
            raise ValueError(f"This history was read up to {self.cutoff}, not for {as_of}.")
        milestones: dict[int, list[drift.MilestoneState]] = defaultdict(list)
        waits_for = self.dependencies.predecessors_at(as_of)
        for pk, group in self._upto(self.milestones, cutoff):
            row = group[-1]
            if row["history_type"] == DELETED:
                continue
            if row["withdrawn_on"] is not None and row["withdrawn_on"] <= as_of:
                continue  # withdrawn by D: out of the picture
            milestones[row["objective_id"]].append(
                drift.MilestoneState(
                    id=pk,
                    title=row["title"],
                    baseline_date=row["baseline_date"],
                    due_date=row["due_date"],
                    completed_on=row["completed_on"],
                    due_dates=(due_dates := tuple(r["due_date"] for r in group)),
                    replans=drift.count_replans(due_dates),
                    predecessors=waits_for.get(pk, ()),
                )
            )
        for states in milestones.values():
            states.sort(key=lambda m: (m.baseline_date, m.id))
        latest: dict[int, tuple[date, int, str]] = {}  # objective -> (reported_on, id, rag)
        for pk, group in self._upto(self.updates, cutoff):
            row = group[-1]
            if row["history_type"] == DELETED or row["reported_on"] > as_of:
                continue
            mine = (row["reported_on"], pk, row["rag"])
            if mine[:2] > latest.get(row["objective_id"], (date.min, 0))[:2]:
                latest[row["objective_id"]] = mine
        states = []
        for pk, group in self._upto(self.objectives, cutoff):
            row = group[-1]
            if row["history_type"] == DELETED or row["status"] == WITHDRAWN:
                continue
            owner = self.account_at(row["owner_id"], cutoff) if row["owner_id"] else None
            states.append(
                drift.ObjectiveState(
                    id=pk,
                    ref=row["ref"],
                    title=row["title"],
                    starts_on=row["starts_on"],
                    target_date=row["target_date"],
                    status=row["status"],
                    theme=self.themes.get(row["theme_id"]),
                    owner_id=row["owner_id"],
                    owner_username=owner.username if owner else None,
                    owner_name=owner.name if owner else None,
                    owner_active=owner.is_active if owner else True,
                    milestones=tuple(milestones.get(pk, ())),
                    last_reported_on=latest[pk][0] if pk in latest else None,
                    last_update_rag=latest[pk][2] if pk in latest else None,
                )
            )
        return self.rules_at(cutoff), states

    def drift_at(self, as_of: date) -> PlanDrift:
        rules, states = self.state_at(as_of)
        return PlanDrift(self.plan, as_of, rules, drift.plan_drift(states, as_of, rules))
