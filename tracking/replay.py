"""The one replay of history: a plan's (or some of its objectives') state at the end of any day.

Every read of the past goes through ``PlanHistory``: it reads the history tables once, in a
fixed number of queries (one per history table, one for theme names, one each for owners and
their account history), and replays them to the end of any day up to its cutoff without
touching the database again. ``objectives.drift`` then applies the rules to that state.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model

from milestones.models import Milestone
from objectives import drift
from objectives.models import Objective, Plan, ProgressUpdate, Theme

User = get_user_model()
CREATED, CHANGED, DELETED = "+", "~", "-"


@dataclass(frozen=True)
class PlanDrift:
    plan: Plan
    as_of: date
    rules: drift.PlanRules
    objectives: list[drift.ObjectiveDrift]

    @property
    def summary(self) -> dict[str, int]:
        return drift.summarise(self.objectives)


def end_of_day(day: date) -> datetime:
    """The first instant after ``day`` in the project's time zone: history before it counts."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


RULE_FIELDS = ("slip_tolerance_days", "stale_after_days", "due_soon_days")
ACCOUNT_FIELDS = (User.USERNAME_FIELD, "first_name", "last_name", "is_active")
WITHDRAWN = Objective.Status.WITHDRAWN


@dataclass(frozen=True)
class Account:
    """An owner's account as it stood on a day: what drift and the pages need of it."""

    username: str
    full_name: str
    is_active: bool

    @property
    def name(self) -> str:
        return self.full_name or self.username


def _by_id(rows, dated: bool) -> dict[int, tuple[list[datetime], list[dict]]]:
    """Rows ordered by id then time, grouped per id as (their history dates, the rows)."""
    grouped: dict[int, tuple[list[datetime], list[dict]]] = {}
    for row in rows:
        dates, group = grouped.setdefault(row["id"], ([], []))
        if dated:
            dates.append(row["history_date"])
        group.append(row)
    return grouped


class PlanHistory:
    """A plan's history up to a cutoff, read once in a fixed number of queries (one per history
    table, one for theme names, one for owners).

    ``state_at`` replays it to the end of the cutoff's day; with ``dated=True`` (which also reads
    each record's date) to the end of any earlier day too, without touching the database again.
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
        when = ("history_date",) if dated else ()
        self.plan_rows = list(
            Plan.history.filter(id=plan.pk, history_date__lt=cutoff)
            .order_by("history_date", "history_id")
            .values("history_date", *RULE_FIELDS)
        )
        objective_history = Objective.history.filter(plan_id=plan.pk)
        if objective_ids is not None:  # only these objectives (an objective's own page)
            objective_history = objective_history.filter(id__in=objective_ids)
        if objective_ids is None:
            objective_ids = objective_history.values("id")
        self.objectives = _by_id(
            objective_history.filter(history_date__lt=cutoff)
            .order_by("id", "history_date", "history_id")
            .values(
                "id",
                "history_type",
                *when,
                "ref",
                "title",
                "theme_id",
                "owner_id",
                "starts_on",
                "target_date",
                "status",
            ),
            dated,
        )
        self.milestones = _by_id(
            Milestone.history.filter(objective_id__in=objective_ids, history_date__lt=cutoff)
            .order_by("id", "history_date", "history_id")
            .values(
                "id",
                "history_type",
                *when,
                "objective_id",
                "title",
                "baseline_date",
                "due_date",
                "completed_on",
                "withdrawn_on",
            ),
            dated,
        )
        self.updates = _by_id(
            ProgressUpdate.history.filter(objective_id__in=objective_ids, history_date__lt=cutoff)
            .order_by("id", "history_date", "history_id")
            .values("id", "history_type", *when, "objective_id", "reported_on", "rag"),
            dated,
        )
        rows = [row for _, group in self.objectives.values() for row in group]
        theme_ids = {row["theme_id"] for row in rows} - {None}
        self.themes = dict(Theme.objects.filter(id__in=theme_ids).values_list("id", "name"))
        owner_ids = {row["owner_id"] for row in rows} - {None}
        self.owners = {u.pk: u for u in User.objects.filter(id__in=owner_ids)}
        # Every record of each owner's account (the earliest stands for the time before it).
        self.accounts = _by_id(
            User.history.filter(id__in=owner_ids)
            .order_by("id", "history_date", "history_id")
            .values("id", "history_date", *ACCOUNT_FIELDS),
            True,
        )

    def account_at(self, owner_id: int, cutoff: datetime) -> Account | None:
        """The owner's account as it stood just before ``cutoff``: its latest record by then,
        or its earliest record when it had none yet (or the account now, with no history)."""
        found = self.accounts.get(owner_id)
        if found is None:
            user = self.owners.get(owner_id)
            if user is None:
                return None
            return Account(user.get_username(), user.get_full_name(), user.is_active)
        dates, group = found
        row = group[max(bisect_left(dates, cutoff) - 1, 0)]
        return Account(
            row[User.USERNAME_FIELD],
            f"{row['first_name']} {row['last_name']}".strip(),
            row["is_active"],
        )

    def _upto(self, grouped, cutoff: datetime):
        """Each id's rows recorded before ``cutoff`` (ids with none are left out)."""
        if cutoff >= self.cutoff:
            for pk, (_, group) in grouped.items():
                yield pk, group
            return
        for pk, (dates, group) in grouped.items():
            n = bisect_left(dates, cutoff)
            if n:
                yield pk, group[:n]

    def rules_at(self, cutoff: datetime) -> drift.PlanRules:
        rows = [row for row in self.plan_rows if row["history_date"] < cutoff]
        source = rows[-1] if rows else {f: getattr(self.plan, f) for f in RULE_FIELDS}
        return drift.PlanRules(**{f: source[f] for f in RULE_FIELDS})

    def state_at(self, as_of: date) -> tuple[drift.PlanRules, list[drift.ObjectiveState]]:
        """The plan's rules and objectives as recorded by the end of ``as_of``."""
        cutoff = end_of_day(as_of)
        if cutoff > self.cutoff or (cutoff < self.cutoff and not self.dated):
            raise ValueError(f"This history was read up to {self.cutoff}, not for {as_of}.")
        milestones: dict[int, list[drift.MilestoneState]] = defaultdict(list)
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
