"""Reads for the administrators' pages: accountability, ownership and baseline history, people.

Each function runs a fixed number of queries whatever the size of the plan: history is read
with one query per table and the people it names with one more.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from django.contrib.auth import get_user_model
from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from board import update_cycle
from milestones.models import Milestone
from objectives.drift import natural_key
from objectives.models import Objective, Plan
from tracking import history

User = get_user_model()
COMPLETE = Objective.Status.COMPLETE


@dataclass
class OwnershipPeriod:
    owner_id: int | None
    owner: object | None  # a user, or None while the objective had no owner
    started: datetime
    changed_by: object | None
    reason: str
    ended: datetime | None = None

    @property
    def is_current(self) -> bool:
        return self.ended is None


@dataclass
class BaselineChange:
    changed_at: datetime
    changed_by: object | None
    old_baseline: date | None
    new_baseline: date
    reason: str


def _users(ids) -> dict[int, object]:
    ids = set(ids) - {None}
    if not ids:
        return {}
    return {u.pk: u for u in User.objects.filter(pk__in=ids)}


def ownership_history(objectives: QuerySet) -> dict[int, list[OwnershipPeriod]]:
    """Each objective's owners over time, oldest first: two queries for any number of them."""
    found = history.changes(
        Objective, "owner_id", filter={"id__in": objectives.values("pk")}, created=True
    )
    people = _users([c.new for c in found] + [c.who_id for c in found])
    periods: dict[int, list[OwnershipPeriod]] = defaultdict(list)
    for change in found:
        mine = periods[change.id]
        if mine:
            mine[-1].ended = change.when
        mine.append(
            OwnershipPeriod(
                owner_id=change.new,
                owner=people.get(change.new),
                started=change.when,
                changed_by=people.get(change.who_id),
                reason=change.reason,
            )
        )
    return dict(periods)


@dataclass
class AccountabilityRow:
    objective: Objective
    history: list[OwnershipPeriod]

    @property
    def owner(self):
        return self.objective.owner

    @property
    def unowned(self) -> bool:
        return self.objective.owner_id is None

    @property
    def owner_left(self) -> bool:
        return self.owner is not None and not self.owner.is_active

    @property
    def is_open(self) -> bool:
        return self.objective.status != COMPLETE

    @property
    def last_owner_change(self) -> OwnershipPeriod | None:
        """The latest change of owner after the objective was created, if any."""
        return self.history[-1] if len(self.history) > 1 else None

    @property
    def needs_attention(self) -> bool:
        return self.is_open and (self.unowned or self.owner_left)


@dataclass
class OwnerLoad:
    person: object
    open_count: int = 0
    refs: list[str] = field(default_factory=list)


@dataclass
class Accountability:
    rows: list[AccountabilityRow]
    owners: list[OwnerLoad]

    @property
    def unowned_count(self) -> int:
        return sum(1 for r in self.rows if r.is_open and r.unowned)

    @property
    def owner_left_count(self) -> int:
        return sum(1 for r in self.rows if r.is_open and r.owner_left)


def accountability(plan: Plan | None = None) -> Accountability:
    """Every objective with its owner: unowned first, then owner has left, then by ref.

    Four queries whatever the size: objectives (with plan, theme and owner), their history,
    the people that history names.
    """
    objectives = Objective.objects.select_related("plan", "theme", "owner")
    if plan is not None:
        objectives = objectives.filter(plan=plan)
    history = ownership_history(objectives)
    rows = [AccountabilityRow(o, history.get(o.pk, [])) for o in objectives]

    def order(row: AccountabilityRow):
        if not row.is_open:
            bucket = 3
        elif row.unowned:
            bucket = 0
        elif row.owner_left:
            bucket = 1
        else:
            bucket = 2
        return (
            bucket,
            row.objective.plan.name,
            row.objective.plan_id,
            natural_key(row.objective.ref),
        )

    rows.sort(key=order)
    loads: dict[int, OwnerLoad] = {}
    for row in rows:
        if row.owner is not None and row.is_open:
            load = loads.setdefault(row.owner.pk, OwnerLoad(row.owner))
            load.open_count += 1
            load.refs.append(row.objective.ref)
    owners = sorted(
        loads.values(),
        key=lambda o: (o.person.is_active, -o.open_count, o.person.get_full_name().lower()),
    )
    return Accountability(rows, owners)


def objective_for_setup(pk: int) -> Objective:
    return Objective.objects.select_related("plan", "theme", "owner").get(pk=pk)


def baseline_history(milestone: Milestone) -> list[BaselineChange]:
    """The milestone's agreed baselines over time: the first one, then each re-baseline."""
    found = history.changes(Milestone, "baseline_date", filter={"id": milestone.pk}, created=True)
    people = _users(c.who_id for c in found)
    changes = [
        BaselineChange(
            changed_at=c.when,
            changed_by=people.get(c.who_id),
            old_baseline=c.old,
            new_baseline=c.new,
            reason=c.reason,
        )
        for c in found
    ]
    return changes


def plan_overview(plan: Plan):
    """A plan's themes (with how many objectives each) and objectives, for the set-up page."""
    themes = list(
        plan.themes.annotate(objective_count=Count("objectives")).order_by("order", "name")
    )
    objectives = sorted(
        plan.objectives.select_related("theme", "owner").annotate(
            milestone_count=Count("milestones")
        ),
        key=lambda o: (
            o.theme.order if o.theme else 10**9,
            o.theme.name if o.theme else "",
            natural_key(o.ref),
        ),
    )
    return themes, objectives


def plans_with_counts():
    return Plan.objects.annotate(
        objective_count=Count("objectives", distinct=True),
        unowned_count=Count(
            "objectives",
            filter=Q(objectives__owner__isnull=True) & ~Q(objectives__status=COMPLETE),
            distinct=True,
        ),
        theme_count=Count("themes", distinct=True),
    ).order_by("-starts_on", "name")


def update_cycles(user, plans) -> list:
    """The update cycle for the next board of each published plan, today (drafts have none:
    their owners cannot see them)."""
    today = timezone.localdate()
    return [
        update_cycle.panel_for(user, plan, today, today=today)
        for plan in plans
        if not plan.is_draft
    ]
