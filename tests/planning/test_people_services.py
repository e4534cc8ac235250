"""The people services of the administrators' pages: only administrators use them, nobody is
deleted, and nobody leaves twice."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from objectives import services as objective_services
from people import services as people_services
from people.services import account_version
from planning import services

pytestmark = pytest.mark.django_db
STRONG = "Kestrel-harbour-91"


def _v(person) -> int:
    return account_version(person)


def test_nobody_is_deleted_people_with_history_are_protected(objective, manager):
    from django.db.models import ProtectedError

    with pytest.raises(ProtectedError):
        manager.delete()


def test_services_refuse_anyone_but_an_administrator(objective, manager, other_manager, leader):
    for user in (manager, leader):
        with pytest.raises(PermissionDenied):
            services.owner_assign(user=user, objective=objective, owner=other_manager, reason="x")
        with pytest.raises(PermissionDenied):
            objective_services.open_objectives_reassign(
                user=user, from_person=manager, to_person=other_manager, reason="x"
            )
        with pytest.raises(PermissionDenied):
            people_services.person_mark_leaver(
                user=user, person=other_manager, reason="x", expected_version=_v(other_manager)
            )
        with pytest.raises(PermissionDenied):
            people_services.person_set_password(
                user=user, person=other_manager, password=STRONG, expected_version=0
            )
    with pytest.raises(PermissionDenied):
        services.owner_assign(user=None, objective=objective, owner=other_manager, reason="x")
    objective.refresh_from_db()
    other_manager.refresh_from_db()
    assert objective.owner == manager and other_manager.is_active


def test_marking_a_leaver_twice_is_refused(staff_admin, manager):
    people_services.person_mark_leaver(
        user=staff_admin, person=manager, reason="Left", expected_version=_v(manager)
    )
    with pytest.raises(ValidationError):
        people_services.person_mark_leaver(
            user=staff_admin, person=manager, reason="Left", expected_version=_v(manager)
        )
