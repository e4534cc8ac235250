"""Who gets which email on day T, and what is in it (README, "Reminders and digests by email").

Everything is read as it stood at the end of day T (``tracking.selectors.plan_drift``), for
published plans only. Withdrawn objectives and milestones are out of the picture. People are
taken as they are now: an email goes only to an active account with an email address, and only
when its owner has not turned that email off on their account page.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from kit.roles import group_names
from milestones.models import Milestone
from objectives import drift
from objectives.models import Objective, Plan
from objectives.permissions import ADMINISTRATORS, LEADERSHIP
from tracking import history
from tracking.selectors import plan_drift

from .models import Preference, SentEmail

User = get_user_model()
WITHDRAWN = Objective.Status.WITHDRAWN
COMPLETE = Objective.Status.COMPLETE
UPDATE_DUE_NOTICE_DAYS = 7  # an update is due this many days before the objective turns stale
DIGEST_WEEKDAY = 0  # Monday
WEEK = timedelta(days=7)


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def objective_url(objective_id: int) -> str:
    return absolute_url(reverse("tracking:objective_detail", args=[objective_id]))


def plural(n: int, one: str, many: str | None = None) -> str:
    return f"{n} {one if n == 1 else (many or one + 's')}"


@dataclass(frozen=True)
class Item:
    """One line of an email: an objective, and the milestone and date it is about."""

    plan: str
    objective_id: int
    ref: str
    title: str
    milestone: str = ""
    on: date | None = None
    days: int = 0
    detail: str = ""
    who: str = ""

    @property
    def url(self) -> str:
        return objective_url(self.objective_id)


# Every email's subject starts with the service's name, so it is known in a full inbox.
SERVICE = "Improvement plan: "


@dataclass
class OwnerReminder:
    person: object
    day: date
    overdue: list[Item] = field(default_factory=list)
    due_soon: list[Item] = field(default_factory=list)
    update_due: list[Item] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.overdue or self.due_soon or self.update_due)

    @property
    def subject(self) -> str:
        return SERVICE + self.summary

    @property
    def summary(self) -> str:
        """ "1 milestone overdue, 2 due soon"."""
        parts = []
        if self.overdue:
            parts.append(plural(len(self.overdue), "milestone") + " overdue")
        if self.due_soon:
            n = len(self.due_soon)
            parts.append(f"{n} due soon" if parts else plural(n, "milestone") + " due soon")
        if self.update_due:
            parts.append(plural(len(self.update_due), "progress update") + " due")
        return ", ".join(parts)


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


def published_plans(day: date) -> list[Plan]:
    """Plans published on or before ``day`` (drafts get no emails)."""
    return list(Plan.objects.published().filter(published_on__lte=day).order_by("name", "id"))


def _withdrawn_milestone_ids(plans: list[Plan], day: date) -> set[int]:
    return set(
        Milestone.objects.filter(
            objective__plan__in=plans, withdrawn_on__isnull=False, withdrawn_on__lte=day
        ).values_list("id", flat=True)
    )


def _in_picture(objective: drift.ObjectiveDrift) -> bool:
    return objective.state.status != WITHDRAWN


def _open_milestones(objective: drift.ObjectiveDrift, withdrawn: set[int]):
    for milestone in objective.milestones:
        if milestone.complete or milestone.id in withdrawn:
            continue
        if getattr(milestone.state, "withdrawn_on", None) is not None:
            continue
        yield milestone


def _reachable(people, *, choice: str) -> list:
    """Active people with an email address who have not turned this email off."""
    people = [p for p in people if p.is_active and (p.email or "").strip()]
    off = set(
        Preference.objects.filter(user__in=people, **{choice: False}).values_list(
            "user_id", flat=True
        )
    )
    return [p for p in people if p.pk not in off]


def _item(plan: Plan, objective: drift.ObjectiveDrift, **kwargs) -> Item:
    return Item(
        plan=plan.name,
        objective_id=objective.id,
        ref=objective.ref,
        title=objective.title,
        **kwargs,
    )


def owner_reminders(day: date, plans: list[Plan] | None = None) -> list[OwnerReminder]:
    """The daily reminder for each owner who has something in it on ``day``."""
    plans = published_plans(day) if plans is None else plans
    withdrawn = _withdrawn_milestone_ids(plans, day)
    by_owner: dict[int, OwnerReminder] = {}
    for plan in plans:
        state = plan_drift(plan, day)
        rules = state.rules
        for objective in state.objectives:
            owner_id = objective.state.owner_id
            if owner_id is None or not _in_picture(objective) or not objective.state.owner_active:
                continue  # no owner, or one who had left by the day
            reminder = by_owner.setdefault(owner_id, OwnerReminder(person=None, day=day))
            if objective.state.status == COMPLETE:
                continue
            for milestone in _open_milestones(objective, withdrawn):
                due = milestone.due_date
                if due < day:
                    reminder.overdue.append(
                        _item(
                            plan,
                            objective,
                            milestone=milestone.title,
                            on=due,
                            days=(day - due).days,
                        )
                    )
                elif due <= day + timedelta(days=rules.due_soon_days):
                    reminder.due_soon.append(
                        _item(
                            plan,
                            objective,
                            milestone=milestone.title,
                            on=due,
                            days=(due - day).days,
                        )
                    )
            last = max(filter(None, (objective.state.starts_on, objective.state.last_reported_on)))
            waited = (day - last).days
            if waited >= rules.stale_after_days - UPDATE_DUE_NOTICE_DAYS:
                reminder.update_due.append(
                    _item(
                        plan,
                        objective,
                        on=objective.state.last_reported_on,
                        days=waited,
                        detail="last update" if objective.state.last_reported_on else "started",
                    )
                )
    people = {p.pk: p for p in User.objects.filter(pk__in=by_owner)}
    reachable = {p.pk for p in _reachable(people.values(), choice="daily_reminder")}
    result = []
    for owner_id, reminder in by_owner.items():
        if owner_id not in reachable or not reminder:
            continue
        reminder.person = people[owner_id]
        reminder.overdue.sort(key=lambda i: (-i.days, i.on, i.ref))
        reminder.due_soon.sort(key=lambda i: (i.on, i.ref))
        reminder.update_due.sort(key=lambda i: (-i.days, i.ref))
        result.append(reminder)
    return sorted(result, key=lambda r: (r.person.get_username(), r.person.pk))


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
    withdrawn = _withdrawn_milestone_ids(plans, day)
    weeks = []
    for plan in plans:
        now = [o for o in plan_drift(plan, day).objectives if _in_picture(o)]
        before = {o.id: o for o in plan_drift(plan, day - WEEK).objectives if _in_picture(o)}
        week = PlanWeek(plan=plan)
        for objective in now:
            earlier = before.get(objective.id)
            if objective.rag == drift.RED and (earlier is None or earlier.rag != drift.RED):
                week.turned_red.append(
                    _item(plan, objective, detail="; ".join(objective.flag_labels))
                )
            if objective.rag == drift.COMPLETE and (
                earlier is None or earlier.rag != drift.COMPLETE
            ):
                week.completed.append(_item(plan, objective, detail="Objective complete"))
            for milestone in objective.milestones:
                if milestone.id in withdrawn or not milestone.complete:
                    continue
                if day - WEEK < milestone.completed_on <= day:
                    week.completed.append(
                        _item(
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
            if not _in_picture(objective) or objective.state.status == COMPLETE:
                continue
            rows.append((plan, objective))
    for plan, objective in rows:
        state = objective.state
        if state.owner_id is None:
            no_owner.append(_item(plan, objective))
        elif not state.owner_active:  # their account as it stood on the day
            owner_left.append(_item(plan, objective, who=state.owner_name or ""))
    return no_owner, owner_left


def _group_members(name: str):
    return User.objects.filter(groups__name=name).distinct().order_by("username", "pk")


def gets_digest(person) -> bool:
    """Is ``person`` in a group the weekly digest goes to (Leadership or Administrators)?"""
    return bool(group_names(person) & {LEADERSHIP, ADMINISTRATORS})


def leadership_digests(day: date, plans: list[Plan] | None = None) -> list[LeadershipDigest]:
    plans = published_plans(day) if plans is None else plans
    people = _reachable(_group_members(LEADERSHIP), choice="weekly_digest")
    if not people or not plans:
        return []
    weeks = plan_weeks(day, plans)
    return [LeadershipDigest(person=p, day=day, plans=weeks) for p in people]


def admin_digests(day: date, plans: list[Plan] | None = None) -> list[AdminDigest]:
    plans = published_plans(day) if plans is None else plans
    people = _reachable(_group_members(ADMINISTRATORS), choice="weekly_digest")
    if not people or not plans:
        return []
    no_owner, owner_left = admin_items(day, plans)
    if not (no_owner or owner_left):
        return []
    return [
        AdminDigest(person=p, day=day, no_owner=no_owner, owner_left=owner_left) for p in people
    ]


def email_log(limit: int = 500) -> list[SentEmail]:
    """The latest emails sent, or tried, for the administrators' log."""
    return list(SentEmail.objects.select_related("person").order_by("-updated_at", "-id")[:limit])


def preference_for(user) -> Preference:
    """The person's choices; an unsaved default (both on) when they have never chosen."""
    return Preference.objects.filter(user=user).first() or Preference(user=user)


def failed_digests_to_retry(day: date) -> list[SentEmail]:
    """Digests of the last six days that failed and were not followed by a later one."""
    kinds = [SentEmail.Kind.LEADERSHIP_DIGEST, SentEmail.Kind.ADMIN_DIGEST]
    failed = SentEmail.objects.filter(
        kind__in=kinds,
        status=SentEmail.Status.FAILED,
        day__gte=day - timedelta(days=6),
        day__lt=day,
    ).select_related("person")
    result = []
    for row in failed:
        later = SentEmail.objects.filter(person=row.person, kind=row.kind, day__gt=row.day)
        if not later.exists():
            result.append(row)
    return result
