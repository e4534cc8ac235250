"""Administrators' writes: owners in bulk, people and leavers, milestone edits.

Built on ``objectives.services`` and ``milestones.services``, so every changed objective or
milestone gets its own history record with who, when and why. Each function checks that the
acting user is an administrator (the views check too) and runs in one transaction: nothing is
half-saved.

Account changes are recorded in the account's own history (``people.services``) and in the
security log; nobody is ever deleted: a leaver is an inactive account.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import date

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from milestones import services as milestone_services
from milestones.models import Milestone
from objectives import permissions
from objectives import services as objective_services
from objectives.history import clean_reason, lock_for_edit, save_with_history
from objectives.models import Objective, Plan
from people import services as people

User = get_user_model()
log = logging.getLogger("improve.security")


def require_administrator(user) -> None:
    if user is None or not permissions.can_manage_plan(user):
        raise PermissionDenied("Only administrators can do this.")


def _name(person) -> str:
    return person.get_full_name() or person.get_username()


# --- Owners ------------------------------------------------------------------------------


def owner_assign(
    *, user, objective: Objective, owner, reason: str, expected_version: int | None = None
) -> Objective:
    """Give an objective a named owner, or a new one, with a reason."""
    require_administrator(user)
    return objective_services.objective_assign_owner(
        objective=objective,
        user=user,
        owner=owner,
        reason=reason,
        expected_version=expected_version,
    )


@transaction.atomic
def open_objectives_reassign(*, user, from_person, to_person, reason: str) -> list[Objective]:
    """Move every open objective of ``from_person`` to ``to_person``: one history record each."""
    require_administrator(user)
    if from_person.pk == to_person.pk:
        raise ValidationError({"to_person": "Choose someone other than the current owner."})
    reason = clean_reason(reason, required=True, what="moving the objectives")
    objectives = list(
        Objective.objects.open()
        .owned_by(from_person)
        .select_for_update()
        .order_by("plan_id", "ref", "id")
    )
    if not objectives:
        raise ValidationError(
            {"from_person": f"{_name(from_person)} does not own any open objectives."}
        )
    return [
        objective_services.objective_assign_owner(
            objective=objective, user=user, owner=to_person, reason=reason
        )
        for objective in objectives
    ]


# --- People ------------------------------------------------------------------------------


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
    changed = people.set_groups(person, [*keep, *roles])
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
    require_administrator(user)
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
    people.record(person, user=user, reason=reason.strip() or "Account created")
    _set_roles(person, roles)
    people.record(person, user=user, reason="Roles given when the account was created")
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
    require_administrator(user)
    roles = list(roles)
    person = people.lock_account(person.pk, expected_version)
    people.require_may_change_account(user, person)
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
    people.record(person, user=user, reason=reason.strip() or "Details changed")
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
    require_administrator(user)
    person = people.lock_account(person.pk, expected_version)
    people.require_may_change_account(user, person)
    if person.pk == user.pk:
        raise ValidationError("You cannot mark yourself as a leaver; ask another administrator.")
    if not person.is_active:
        raise ValidationError(f"{_name(person)} is already marked as having left.")
    reason = clean_reason(reason, required=True, what="marking them as a leaver")
    recorded_at = people.leaving_moment(person, left_on)
    moved: list[Objective] = []
    if reassign_to is not None:
        if reassign_to.pk == person.pk:
            raise ValidationError({"reassign_to": "Choose someone other than the leaver."})
        if Objective.objects.open().owned_by(person).exists():
            moved = open_objectives_reassign(
                user=user, from_person=person, to_person=reassign_to, reason=reason
            )
    person.is_active = False
    people.record(person, user=user, reason=reason, recorded_at=recorded_at)
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
    require_administrator(user)
    person = people.lock_account(person.pk, expected_version)
    people.require_may_change_account(user, person)
    if person.is_active:
        raise ValidationError(f"{_name(person)} has not been marked as having left.")
    person.is_active = True
    people.record(person, user=user, reason=reason.strip() or "Returned: can sign in again")
    log.info("person-returned by=%s person=%s", user.get_username(), person.get_username())
    return person


@transaction.atomic
def person_set_password(*, user, person, password: str, expected_version: int | None):
    """A new password (already checked by the validators); their other sessions end.
    Only a superuser sets a superuser's password."""
    require_administrator(user)
    person = people.lock_account(person.pk, expected_version)
    people.require_may_change_account(user, person)
    person.set_password(password)
    people.record(person, user=user, reason="New password set by an administrator")
    log.info("password-set by=%s person=%s", user.get_username(), person.get_username())
    return person


# --- Milestones --------------------------------------------------------------------------


@transaction.atomic
def milestone_edit(
    *,
    user,
    milestone: Milestone,
    title: str,
    due_date: date,
    reason: str = "",
    expected_version: int | None = None,
) -> Milestone:
    """Change a milestone's title and forecast date in one step (a later date needs a reason)."""
    require_administrator(user)
    milestone = lock_for_edit(Milestone, milestone.pk, expected_version)
    if due_date != milestone.due_date:
        milestone = milestone_services.milestone_reschedule(
            milestone=milestone, user=user, due_date=due_date, reason=reason
        )
    if (title or "").strip() != milestone.title:
        milestone = milestone_services.milestone_update_title(
            milestone=milestone, user=user, title=title
        )
    return milestone


def milestone_rebaseline(
    *,
    user,
    milestone: Milestone,
    baseline_date: date,
    reason: str,
    expected_version: int | None = None,
) -> Milestone:
    require_administrator(user)
    return milestone_services.milestone_rebaseline(
        milestone=milestone,
        user=user,
        baseline_date=baseline_date,
        reason=reason,
        expected_version=expected_version,
    )


# --- Plans -------------------------------------------------------------------------------


@transaction.atomic
def plan_publish(*, plan: Plan, user) -> Plan:
    """Publish a draft plan from today: leadership, owners, exports and the API see it."""
    require_administrator(user)
    plan = Plan.objects.select_for_update().get(pk=plan.pk)
    if not plan.is_draft:
        raise ValidationError(f"Plan “{plan.name}” is already published.")
    plan.published_on = timezone.localdate()
    return save_with_history(plan, user=user, reason="Plan published")
