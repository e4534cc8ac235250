"""Reads of people's accounts: everyone with their roles, what a person owns, and an account's
own history as people read it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.models import Count, Prefetch, Q
from django.utils import timezone

from objectives.drift import natural_key
from objectives.models import Objective
from objectives.permissions import ROLES
from tracking import history, history_accounts

User = get_user_model()
COMPLETE = Objective.Status.COMPLETE

# The recorded fields people care about, in the order they are shown.
FIELDS = (
    ("username", "Username"),
    ("first_name", "First name"),
    ("last_name", "Last name"),
    ("email", "Email address"),
    ("is_active", "Can sign in"),
    ("is_superuser", "Superuser"),
)


@dataclass(frozen=True)
class Change:
    label: str
    old: str
    new: str


@dataclass(frozen=True)
class AccountEvent:
    when: datetime
    who: str
    what: str  # "Account created" or "Changed"
    changes: tuple[Change, ...]
    reason: str


def _shown(field: str, value) -> str:
    if isinstance(value, bool):
        return "Yes" if value else "No"
    return str(value) if value not in (None, "") else "None"


def account_history(person) -> list[AccountEvent]:
    """Every record of ``person``'s account, newest first: when, who, what changed from what
    to what (roles included), and why. Two queries whatever the length of the history."""
    records = history.records(
        User, *(name for name, _ in FIELDS), filter={"id": person.pk}, who=True, why=True
    )
    roles = history_accounts.account_roles([r["history_id"] for r in records])
    events: list[AccountEvent] = []
    previous = None
    for record in records:
        changes: list[Change] = []
        record_roles = ", ".join(sorted(roles[record["history_id"]])) or "None"
        if previous is not None:
            for field, label in FIELDS:
                old, new = previous[field], record[field]
                if old != new:
                    changes.append(Change(label, _shown(field, old), _shown(field, new)))
            previous_roles = ", ".join(sorted(roles[previous["history_id"]])) or "None"
            if previous_roles != record_roles:
                changes.append(Change("Roles", previous_roles, record_roles))
        events.append(
            AccountEvent(
                when=timezone.localtime(record["history_date"]),
                who=record["who"] or "System",
                what="Account created" if record["history_type"] == "+" else "Changed",
                changes=tuple(changes),
                reason=record["history_change_reason"] or "",
            )
        )
        previous = record
    events.reverse()
    return events


def people():
    """Everyone with their roles and how many open objectives they own: two queries."""
    return (
        User.objects.annotate(
            open_count=Count("owned_objectives", filter=~Q(owned_objectives__status=COMPLETE)),
        )
        .prefetch_related(
            Prefetch(
                "groups",
                queryset=Group.objects.filter(name__in=ROLES).order_by("id"),
                to_attr="roles",
            )
        )
        .order_by("-is_active", "first_name", "last_name", "username")
    )


def person_objectives(person) -> tuple[list[Objective], list[Objective]]:
    """The objectives ``person`` owns now: open ones, then complete ones."""
    owned = sorted(
        Objective.objects.owned_by(person).select_related("plan", "theme"),
        key=lambda o: (o.plan.name, o.plan_id, natural_key(o.ref)),
    )
    return [o for o in owned if o.status != COMPLETE], [o for o in owned if o.status == COMPLETE]
