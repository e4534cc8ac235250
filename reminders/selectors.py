"""Who gets which email on day T, and what is in it (README, "Reminders and digests by email").

Everything is read as it stood at the end of day T (``tracking.selectors.plan_drift``), for
published plans only. Withdrawn objectives and milestones are out of the picture. People are
taken as they are now: an email goes only to an active account with an email address, and only
when its owner has not turned that email off on their account page. The weekly digests are
read in ``digest_selectors`` with the helpers here.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.urls import reverse

from kit import mail
from milestones.models import Milestone
from objectives import drift
from objectives.models import Objective, Plan
from tracking.selectors import plan_drift

from .models import Preference, SentEmail

User = get_user_model()
WITHDRAWN = Objective.Status.WITHDRAWN
COMPLETE = Objective.Status.COMPLETE
UPDATE_DUE_NOTICE_DAYS = 7  # an update is due this many days before the objective turns stale
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


SERVICE = mail.SUBJECT_START  # every email's subject starts with the service's name


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


def published_plans(day: date) -> list[Plan]:
    """Plans published on or before ``day`` (drafts get no emails)."""
    return list(Plan.objects.published().filter(published_on__lte=day).order_by("name", "id"))


def withdrawn_milestone_ids(plans: list[Plan], day: date) -> set[int]:
    return set(
        Milestone.objects.filter(
            objective__plan__in=plans, withdrawn_on__isnull=False, withdrawn_on__lte=day
        ).values_list("id", flat=True)
    )


def in_picture(objective: drift.ObjectiveDrift) -> bool:
    return objective.state.status != WITHDRAWN


def _open_milestones(objective: drift.ObjectiveDrift, withdrawn: set[int]):
    for milestone in objective.milestones:
        if milestone.complete or milestone.id in withdrawn:
            continue
        if getattr(milestone.state, "withdrawn_on", None) is not None:
            continue
        yield milestone


def reachable_people(people, *, choice: str) -> list:
    """Active people with an email address who have not turned this email off."""
    people = [p for p in people if p.is_active and (p.email or "").strip()]
    off = set(
        Preference.objects.filter(user__in=people, **{choice: False}).values_list(
            "user_id", flat=True
        )
    )
    return [p for p in people if p.pk not in off]


def make_item(plan: Plan, objective: drift.ObjectiveDrift, **kwargs) -> Item:
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
    withdrawn = withdrawn_milestone_ids(plans, day)
    by_owner: dict[int, OwnerReminder] = {}
    for plan in plans:
        state = plan_drift(plan, day)
        rules = state.rules
        for objective in state.objectives:
            owner_id = objective.state.owner_id
            if owner_id is None or not in_picture(objective) or not objective.state.owner_active:
                continue  # no owner, or one who had left by the day
            reminder = by_owner.setdefault(owner_id, OwnerReminder(person=None, day=day))
            if objective.state.status == COMPLETE:
                continue
            for milestone in _open_milestones(objective, withdrawn):
                due = milestone.due_date
                if due < day:
                    reminder.overdue.append(
                        make_item(
                            plan,
                            objective,
                            milestone=milestone.title,
                            on=due,
                            days=(day - due).days,
                        )
                    )
                elif due <= day + timedelta(days=rules.due_soon_days):
                    reminder.due_soon.append(
                        make_item(
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
                    make_item(
                        plan,
                        objective,
                        on=objective.state.last_reported_on,
                        days=waited,
                        detail="last update" if objective.state.last_reported_on else "started",
                    )
                )
    people = {p.pk: p for p in User.objects.filter(pk__in=by_owner)}
    reachable = {p.pk for p in reachable_people(people.values(), choice="daily_reminder")}
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
