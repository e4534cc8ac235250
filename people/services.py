"""Writes to people's accounts, each recorded in the account's own history with who and why.

``planning.services`` (the administrators' people pages) builds on these. Every change is one
history record on ``User.history`` made by ``save_with_history``: group changes are made with
history switched off and then recorded, with the acting person and the reason, by that one save.
Password hashes are not in the history, but setting one is still recorded (who, when, why).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from objectives.formatting import long_date
from objectives.history import StaleEditError, save_with_history

User = get_user_model()


def account_version(person) -> int:
    """The account's latest history record id: what an edit form was read at (0 if none)."""
    latest = (
        User.history.filter(id=person.pk)
        .order_by("-history_date", "-history_id")
        .values_list("history_id", flat=True)
        .first()
    )
    return latest or 0


def lock_account(pk: int, expected_version: int | None):
    """Lock the account for this transaction; refuse a form read at another version, or with
    no version at all. The account carries ``version`` so a form can be shown again at it."""
    person = User.objects.select_for_update().get(pk=pk)
    person.version = account_version(person)
    if expected_version is None or expected_version != person.version:
        raise StaleEditError(person)
    return person


def may_change_account(user, person) -> bool:
    """Only a superuser changes a superuser's account (DESIGN.md, "Who uses it")."""
    return not person.is_superuser or bool(user is not None and user.is_superuser)


def require_may_change_account(user, person) -> None:
    if not may_change_account(user, person):
        raise PermissionDenied("Only a superuser can change a superuser's account.")


class _NoHistory:
    """Make changes (such as group membership) without a history record of their own."""

    def __init__(self, person):
        self.person = person

    def __enter__(self):
        self.person.skip_history_when_saving = True

    def __exit__(self, *exc):
        del self.person.skip_history_when_saving


def set_groups(person, groups: Iterable[Group]) -> bool:
    """Set the account's groups, unrecorded until the caller saves it with history.
    Returns whether anything changed."""
    groups = list(groups)
    before = set(person.groups.values_list("pk", flat=True))
    if before == {g.pk for g in groups}:
        return False
    with _NoHistory(person):
        person.groups.set(groups)
    return True


def record(person, *, user, reason: str, recorded_at: dt.datetime | None = None):
    """One history record of the account as it is now (groups included), with who and why."""
    return save_with_history(person, user=user, reason=reason, recorded_at=recorded_at)


def leaving_moment(person, left_on: dt.date | None) -> dt.datetime | None:
    """When to date the record of someone leaving on ``left_on``: ``None`` (now) for today,
    else the start of that day in London, or just after the account's latest record if that
    was on the same day. A day before the account's latest record is refused: history is kept
    in order."""
    today = timezone.localdate()
    if left_on is None or left_on == today:
        return None
    if left_on > today:
        raise ValidationError({"left_on": "The date they left must be today or in the past"})
    start = dt.datetime.combine(left_on, dt.time(0), tzinfo=timezone.get_default_timezone())
    latest = (
        User.history.filter(id=person.pk)
        .order_by("-history_date", "-history_id")
        .values_list("history_date", flat=True)
        .first()
    )
    if latest is None or latest < start:
        return start
    if timezone.localtime(latest).date() == left_on:
        return latest + dt.timedelta(seconds=1)
    raise ValidationError(
        {
            "left_on": "The date they left must be on or after "
            f"{long_date(timezone.localtime(latest).date())}, when their account last changed"
        }
    )
