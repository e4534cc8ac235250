"""Accounts as they stood at a day D, read from their history: the account layer of the one reader
of the past (``tracking.history``), under the same rules: an account at D is its latest record by
the end of D, else its earliest record (an account with no history at all is taken as it is
now).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from django.contrib.auth import get_user_model

from .history import Row, by_row, end_of_day, records

User = get_user_model()

ACCOUNT_FIELDS = (User.USERNAME_FIELD, "first_name", "last_name", "is_active")


@dataclass(frozen=True)
class Account:
    """A person's account as it stood on a day: what drift and the pages need of it."""

    username: str
    full_name: str
    is_active: bool

    @property
    def name(self) -> str:
        return self.full_name or self.username


def account_from(row: Row | None, cutoff: datetime, user=None) -> Account | None:
    """The account as it stood just before ``cutoff``: its latest record by then, or its
    earliest record when it had none yet; ``user`` (the account now) when it has no history."""
    if row is None or not row.records:
        if user is None:
            return None
        return Account(user.get_username(), user.get_full_name(), user.is_active)
    record = row.at(cutoff) or row.records[0]
    return Account(
        record[User.USERNAME_FIELD],
        f"{record['first_name']} {record['last_name']}".strip(),
        record["is_active"],
    )


def account_records(user_ids: Iterable[int]) -> dict[int, Row]:
    """Every record of these accounts (``ACCOUNT_FIELDS``), by account: one query."""
    return by_row(records(User, *ACCOUNT_FIELDS, filter={"id__in": list(user_ids)}))


def accounts_at(user_ids: Iterable[int], day: date) -> dict[int, Account]:
    """user id -> the account as it stood at the end of ``day``: one query, and one more for
    accounts with no history at all."""
    ids = set(user_ids) - {None}
    if not ids:
        return {}
    grouped = account_records(ids)
    missing = ids - set(grouped)
    now = {u.pk: u for u in User.objects.filter(pk__in=missing)} if missing else {}
    cutoff = end_of_day(day)
    result = {pk: account_from(grouped.get(pk), cutoff, now.get(pk)) for pk in ids}
    return {pk: account for pk, account in result.items() if account is not None}


def account_roles(history_ids: Sequence[int]) -> dict[int, list[str]]:
    """Each account record's roles (group names) as recorded with it: one query."""
    from django.apps import apps

    roles: dict[int, list[str]] = {pk: [] for pk in history_ids}
    if not roles:
        return roles
    rows = (
        apps.get_model("people", "HistoricalUser_groups")
        .objects.filter(history_id__in=list(roles))
        .values_list("history_id", "group__name")
    )
    for history_id, name in rows:
        if name:
            roles[history_id].append(name)
    return roles
