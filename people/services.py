"""Writes to people's accounts, each recorded in the account's own history with who and why.

The administrators' people pages (``people.views``) call the ``person_*`` services here.
Every change is one history record on ``User.history`` made by ``save_with_history``: group
changes are made with history switched off and then recorded, with the acting person and the
reason, by that one save.
Password hashes are not in the history, but setting one is still recorded (who, when, why).
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from kit.formatting import long_date, person_name
from objectives import permissions
from objectives import services as objective_services
from objectives.history import StaleEditError, clean_reason, save_with_history
from objectives.models import Objective

User = get_user_model()
log = logging.getLogger("improve.security")


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
    """Only a superuser changes a superuser's account (docs/rules-of-the-record.md, "Who may
    do what")."""
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


# --- The administrators' people pages -----------------------------------------------------


def _require_administrator(user) -> None:
    if user is None or not permissions.can_manage_plan(user):
        raise PermissionDenied("Only administrators can do this.")


def _check_roles(roles: list[Group]) -> None:
    unknown = [g.name for g in roles if g.name not in permissions.ROLES]
    if unknown:
        raise ValidationError({"roles": f"Unknown role: {', '.join(unknown)}."})
    if not roles:
        raise ValidationError({"roles": "Select at least one role."})


def _set_roles(person, roles: Iterable[Group]) -> bool:
    """Give ``person`` these roles (unrecorded until the caller saves with history)."""
    roles = list(roles)
    _check_roles(roles)
    keep = [g for g in person.groups.all() if g.name not in permissions.ROLES]
    changed = set_groups(person, [*keep, *roles])
    # Administrators use Django admin (read-only) as well as the app's own pages.
    is_staff = person.is_superuser or any(g.name == permissions.ADMINISTRATORS for g in roles)
    changed = changed or is_staff != person.is_staff
    person.is_staff = is_staff
    person.__dict__.pop("_role_names", None)
    return changed


@transaction.atomic
def person_create(
    *,
    user,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    roles: Iterable[Group],
    password: str,
    reason: str = "",
):
    """A new account with its roles. The password has already passed the validators."""
    _require_administrator(user)
    roles = list(roles)
    _check_roles(roles)
    person = User(
        username=username.strip(),
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        email=email.strip(),
    )
    if password:
        person.set_password(password)
    else:
        person.set_unusable_password()  # they choose one from their invitation email
    record(person, user=user, reason=reason.strip() or "Account created")
    _set_roles(person, roles)
    record(person, user=user, reason="Roles given when the account was created")
    log.info(
        "person-created by=%s person=%s roles=%s",
        user.get_username(),
        person.get_username(),
        ",".join(sorted(g.name for g in roles)),
    )
    return person


@transaction.atomic
def person_update(
    *,
    user,
    person,
    first_name: str,
    last_name: str,
    email: str,
    roles: Iterable[Group],
    reason: str = "",
    expected_version: int | None,
):
    """Change names, email and roles in one history record, with who and why."""
    _require_administrator(user)
    roles = list(roles)
    person = lock_account(person.pk, expected_version)
    require_may_change_account(user, person)
    if person.pk == user.pk and not any(g.name == permissions.ADMINISTRATORS for g in roles):
        raise ValidationError(
            {"roles": "You cannot remove your own administrator role; ask another administrator."}
        )
    details = (first_name.strip(), last_name.strip(), email.strip())
    changed = details != (person.first_name, person.last_name, person.email)
    person.first_name, person.last_name, person.email = details
    person.full_clean()
    before = sorted(person.groups.filter(name__in=permissions.ROLES).values_list("name", flat=True))
    roles_changed = _set_roles(person, roles)
    if not (changed or roles_changed):
        return person
    record(person, user=user, reason=reason.strip() or "Details changed")
    after = sorted(g.name for g in roles)
    if before != after:
        log.info(
            "person-roles-changed by=%s person=%s from=%s to=%s",
            user.get_username(),
            person.get_username(),
            ",".join(before) or "-",
            ",".join(after),
        )
    return person


@transaction.atomic
def person_mark_leaver(
    *,
    user,
    person,
    reassign_to=None,
    reason: str = "",
    left_on: date | None = None,
    expected_version: int | None,
) -> list[Objective]:
    """Mark ``person`` as having left (today, or on ``left_on`` in the past); optionally move
    their open objectives in the same step.

    The account is made inactive, never deleted: history and objectives point at it. The history
    record of leaving carries the reason, and is dated the day they left. Open objectives not
    moved keep the leaver as owner and carry the ``owner_inactive`` flag. Returns the
    objectives that moved.
    """
    _require_administrator(user)
    person = lock_account(person.pk, expected_version)
    require_may_change_account(user, person)
    if person.pk == user.pk:
        raise ValidationError("You cannot mark yourself as a leaver; ask another administrator.")
    if not person.is_active:
        raise ValidationError(f"{person_name(person)} is already marked as having left.")
    reason = clean_reason(reason, required=True, what="marking them as a leaver")
    recorded_at = leaving_moment(person, left_on)
    moved: list[Objective] = []
    if reassign_to is not None:
        if reassign_to.pk == person.pk:
            raise ValidationError({"reassign_to": "Choose someone other than the leaver."})
        if Objective.objects.open().owned_by(person).exists():
            moved = objective_services.open_objectives_reassign(
                user=user, from_person=person, to_person=reassign_to, reason=reason
            )
    person.is_active = False
    record(person, user=user, reason=reason, recorded_at=recorded_at)
    log.info(
        "person-left by=%s person=%s on=%s moved=%s to=%s",
        user.get_username(),
        person.get_username(),
        (left_on or timezone.localdate()).isoformat(),
        len(moved),
        reassign_to.get_username() if moved else "-",
    )
    return moved


@transaction.atomic
def person_reactivate(*, user, person, reason: str = "", expected_version: int | None):
    """A leaver returns (or was marked by mistake): they can sign in again. Their time away
    stays in the account's history."""
    _require_administrator(user)
    person = lock_account(person.pk, expected_version)
    require_may_change_account(user, person)
    if person.is_active:
        raise ValidationError(f"{person_name(person)} has not been marked as having left.")
    person.is_active = True
    record(person, user=user, reason=reason.strip() or "Returned: can sign in again")
    log.info("person-returned by=%s person=%s", user.get_username(), person.get_username())
    return person


@transaction.atomic
def person_set_password(*, user, person, password: str, expected_version: int | None):
    """A new password (already checked by the validators); their other sessions end.
    Only a superuser sets a superuser's password."""
    _require_administrator(user)
    person = lock_account(person.pk, expected_version)
    require_may_change_account(user, person)
    person.set_password(password)
    record(person, user=user, reason="New password set by an administrator")
    log.info("password-set by=%s person=%s", user.get_username(), person.get_username())
    return person
