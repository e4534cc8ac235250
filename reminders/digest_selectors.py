"""Who gets which weekly digest on day T, and what is in it: the Leadership digest (each plan's
week: turned red, completed, moved later) and the administrators' digest (objectives with no
owner, or whose owner has left).

Read as it stood at the end of day T, for published plans only, like the owners' reminders
(``selectors``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.contrib.auth import get_user_model

from kit.roles import group_names
from milestones.models import Milestone
from objectives import drift
from objectives.models import Objective, Plan
from objectives.permissions import ADMINISTRATORS, LEADERSHIP
from tracking import history
from tracking.selectors import plan_drift

from .selectors import (
    COMPLETE,
    SERVICE,
    WEEK,
    WITHDRAWN,
    Item,
    in_picture,
    make_item,
    plural,
    published_plans,
    reachable_people,
    withdrawn_milestone_ids,
)

User = get_user_model()

DIGEST_WEEKDAY = 0  # Monday


@dataclass
class PlanWeek:
    """One published plan's week for Leadership: what turned red, moved, finished; the counts."""

    plan: Plan
    turned_red: list[Item] = field(default_factory=list)
    moved_later: list[Item] = field(default_factory=list)
    completed: list[Item] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    counts_before: dict[str, int] = field(default_factory=dict)

    @property
    def has_news(self) -> bool:
        return bool(self.turned_red or self.moved_later or self.completed)

    def __bool__(self) -> bool:
        """False for a plan with nothing to say: no objectives in the picture, now or a week
        ago, and nothing happened (the digest leaves it out)."""
        return self.has_news or any(self.counts.values()) or any(self.counts_before.values())

    @property
    def count_rows(self) -> list[tuple[str, int, int]]:
        labels = {"red": "Red", "amber": "Amber", "green": "Green", "complete": "Complete"}
        return [(labels[k], self.counts.get(k, 0), self.counts_before.get(k, 0)) for k in labels]


@dataclass
class LeadershipDigest:
    person: object
    day: date
    plans: list[PlanWeek]

    def __bool__(self) -> bool:
        return bool(self.plans)

    @property
    def week_start(self) -> date:
        return self.day - timedelta(days=6)

    def _total(self, name: str) -> int:
        return sum(len(getattr(p, name)) for p in self.plans)

    @property
    def subject(self) -> str:
        return SERVICE + (
            f"week to {self.day.day} {self.day:%B}: "
            f"{plural(self._total('turned_red'), 'objective')} turned red, "
            f"{plural(self._total('moved_later'), 'milestone')} moved later, "
            f"{plural(self._total('completed'), 'completion')}"
        )


@dataclass
class AdminDigest:
    person: object
    day: date
    no_owner: list[Item] = field(default_factory=list)
    owner_left: list[Item] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.no_owner or self.owner_left)

    @property
    def subject(self) -> str:
        parts = []
        if self.no_owner:
            parts.append(plural(len(self.no_owner), "objective") + " with no owner")
        if self.owner_left:
            n = len(self.owner_left)
            parts.append(
                f"{n} owned by someone who has left"
                if parts
                else plural(n, "objective") + " owned by someone who has left"
            )
        return SERVICE + ", ".join(parts)


def is_digest_day(day: date) -> bool:
    return day.weekday() == DIGEST_WEEKDAY


def _moved_later(plan: Plan, day: date, withdrawn: set[int]) -> list[Item]:
    """Milestones whose due date was moved later in the 7 days to ``day``, with the reasons."""
    moves = [
        change
        for change in history.changes(
            Milestone,
            "due_date",
            filter={"objective__plan": plan},
            since=day - WEEK,
            until=day,
            also=("objective_id", "title"),
        )
        if change.id not in withdrawn and change.new > change.old
    ]
    objectives = {
        o.pk: o for o in Objective.objects.filter(pk__in={c.record["objective_id"] for c in moves})
    }
    items = []
    for change in moves:
        objective = objectives[change.record["objective_id"]]
        if objective.status == WITHDRAWN:
            continue
        items.append(
            Item(
                plan=plan.name,
                objective_id=objective.pk,
                ref=objective.ref,
                title=objective.title,
                milestone=change.record["title"],
                on=change.new,
                days=(change.new - change.old).days,
                detail=change.reason.strip() or "No reason recorded",
                who=change.who or "",
            )
        )
    return sorted(items, key=lambda i: (drift.natural_key(i.ref), i.milestone, i.on))


def plan_weeks(day: date, plans: list[Plan] | None = None) -> list[PlanWeek]:
    """Each published plan's week to ``day`` for the Leadership digest."""
    plans = published_plans(day) if plans is None else plans
    withdrawn = withdrawn_milestone_ids(plans, day)
    weeks = []
    for plan in plans:
        now = [o for o in plan_drift(plan, day).objectives if in_picture(o)]
        before = {o.id: o for o in plan_drift(plan, day - WEEK).objectives if in_picture(o)}
        week = PlanWeek(plan=plan)
        for objective in now:
            earlier = before.get(objective.id)
            if objective.rag == drift.RED and (earlier is None or earlier.rag != drift.RED):
                week.turned_red.append(
                    make_item(plan, objective, detail="; ".join(objective.flag_labels))
                )
            if objective.rag == drift.COMPLETE and (
                earlier is None or earlier.rag != drift.COMPLETE
            ):
                week.completed.append(make_item(plan, objective, detail="Objective complete"))
            for milestone in objective.milestones:
                if milestone.id in withdrawn or not milestone.complete:
                    continue
                if day - WEEK < milestone.completed_on <= day:
                    week.completed.append(
                        make_item(
                            plan,
                            objective,
                            milestone=milestone.title,
                            on=milestone.completed_on,
                            detail="Milestone complete",
                        )
                    )
        week.moved_later = _moved_later(plan, day, withdrawn)
        week.counts = drift.summarise(now)
        week.counts_before = drift.summarise(before.values())
        if week:
            weeks.append(week)
    return weeks


def admin_items(day: date, plans: list[Plan] | None = None) -> tuple[list[Item], list[Item]]:
    """Open objectives with no owner, and those whose owner has left."""
    plans = published_plans(day) if plans is None else plans
    no_owner, owner_left = [], []
    rows = []
    for plan in plans:
        for objective in plan_drift(plan, day).objectives:
            if not in_picture(objective) or objective.state.status == COMPLETE:
                continue
            rows.append((plan, objective))
    for plan, objective in rows:
        state = objective.state
        if state.owner_id is None:
            no_owner.append(make_item(plan, objective))
        elif not state.owner_active:  # their account as it stood on the day
            owner_left.append(make_item(plan, objective, who=state.owner_name or ""))
    return no_owner, owner_left


def _group_members(name: str):
    return User.objects.filter(groups__name=name).distinct().order_by("username", "pk")


def gets_digest(person) -> bool:
    """Is ``person`` in a group the weekly digest goes to (Leadership or Administrators)?"""
    return bool(group_names(person) & {LEADERSHIP, ADMINISTRATORS})


def leadership_digests(day: date, plans: list[Plan] | None = None) -> list[LeadershipDigest]:
    plans = published_plans(day) if plans is None else plans
    people = reachable_people(_group_members(LEADERSHIP), choice="weekly_digest")
    if not people or not plans:
        return []
    weeks = plan_weeks(day, plans)
    return [LeadershipDigest(person=p, day=day, plans=weeks) for p in people]


def admin_digests(day: date, plans: list[Plan] | None = None) -> list[AdminDigest]:
    plans = published_plans(day) if plans is None else plans
    people = reachable_people(_group_members(ADMINISTRATORS), choice="weekly_digest")
    if not people or not plans:
        return []
    no_owner, owner_left = admin_items(day, plans)
    if not (no_owner or owner_left):
        return []
    return [
        AdminDigest(person=p, day=day, no_owner=no_owner, owner_left=owner_left) for p in people
    ]
