"""The people pages: accounts and roles, leavers (with their objectives moved in the same step),
passwords."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from objectives.models import Objective
from people import services
from people.services import account_version
from tests import factories
from tracking import selectors as objective_selectors

pytestmark = pytest.mark.django_db
User = get_user_model()
STRONG = "Kestrel-harbour-91"


def _today_boxes() -> dict:
    today = date.today()
    return {"left_on_day": today.day, "left_on_month": today.month, "left_on_year": today.year}


TODAY = _today_boxes()


def _new_person(**extra):
    data = {
        "username": "sam.jones",
        "first_name": "Sam",
        "last_name": "Jones",
        "email": "sam.jones@example.org",
        "roles": [],
        "password1": STRONG,
        "password2": STRONG,
    }
    data.update(extra)
    return data


def _v(person) -> int:
    return account_version(person)


def _group(name):
    from django.contrib.auth.models import Group

    return Group.objects.get_or_create(name=name)[0]


def test_people_list_shows_roles_and_open_objective_counts(
    admin_client, plan, staff_admin, manager, leader
):
    for i in range(3):
        factories.make_objective(plan, user=staff_admin, owner=manager, ref=f"1.{i}")
    factories.make_objective(
        plan,
        user=staff_admin,
        owner=manager,
        ref="1.9",
        status=Objective.Status.COMPLETE,
        closing_summary="All delivered.",
    )
    page = admin_client.get("/manage/people/").content.decode()
    row = page[page.index(manager.get_full_name()) :]
    row = row[: row.index("</tr>")]
    assert "Managers" in row and ">3<" in row.replace(" ", "")
    assert "Leadership" in page


def test_create_a_manager(admin_client, staff_admin):
    data = _new_person(roles=[_group("Managers").pk])
    response = admin_client.post("/manage/people/new/", data)
    person = User.objects.get(username="sam.jones")
    assert response.url == f"/manage/people/{person.pk}/"
    assert person.check_password(STRONG)
    assert [g.name for g in person.groups.all()] == ["Managers"]
    assert not person.is_staff and person.is_active


def test_a_new_administrator_can_use_django_admin(admin_client, client):
    data = _new_person(roles=[_group("Administrators").pk, _group("Leadership").pk])
    admin_client.post("/manage/people/new/", data)
    person = User.objects.get(username="sam.jones")
    assert person.is_staff
    client.force_login(person)
    assert client.get("/admin/").status_code == 200
    assert client.get("/manage/").status_code == 200


def test_create_person_validation_keeps_input_and_saves_nothing(admin_client, manager):
    data = _new_person(
        username=manager.username.upper(),
        email=manager.email,
        first_name="<i>Sam</i>",
        password1="password",
        password2="password",
    )
    page = admin_client.post("/manage/people/new/", data).content.decode()
    assert "That username is taken" in page
    assert "Someone already has that email address" in page
    assert "Select at least one role" in page
    assert "This password is too common" in page
    assert 'value="&lt;i&gt;Sam&lt;/i&gt;"' in page
    assert 'value="password"' not in page  # passwords are never sent back
    assert User.objects.count() == 2  # the administrator and the manager


def test_passwords_must_match_and_not_look_like_the_name(admin_client):
    page = admin_client.post(
        "/manage/people/new/",
        _new_person(roles=[_group("Managers").pk], password2="something-else-91"),
    ).content.decode()
    assert "The passwords do not match" in page
    page = admin_client.post(
        "/manage/people/new/",
        _new_person(roles=[_group("Managers").pk], password1="sam.jones1", password2="sam.jones1"),
    ).content.decode()
    assert "too similar" in page
    assert not User.objects.filter(username="sam.jones").exists()


def test_change_roles(admin_client, manager):
    data = {
        "first_name": "Mo",
        "last_name": "Manager",
        "email": manager.email,
        "roles": [_group("Managers").pk, _group("Administrators").pk],
        "version": _v(manager),
    }
    assert admin_client.post(f"/manage/people/{manager.pk}/edit/", data).status_code == 302
    manager.refresh_from_db()
    assert {g.name for g in manager.groups.all()} == {"Managers", "Administrators"}
    assert manager.is_staff
    data["roles"] = [_group("Leadership").pk]
    data["version"] = _v(manager)
    admin_client.post(f"/manage/people/{manager.pk}/edit/", data)
    manager.refresh_from_db()
    assert {g.name for g in manager.groups.all()} == {"Leadership"}
    assert not manager.is_staff


def test_a_reason_over_the_limit_is_refused_in_the_kit_s_words(admin_client, manager):
    data = {
        "first_name": "Mo",
        "last_name": "Manager",
        "email": manager.email,
        "roles": [_group("Managers").pk],
        "version": _v(manager),
        "reason": "x" * 2001,
    }
    response = admin_client.post(f"/manage/people/{manager.pk}/edit/", data)
    assert response.status_code == 200
    assert "Reason must be 2,000 characters or fewer" in response.content.decode()
    manager.refresh_from_db()
    assert _v(manager) == data["version"]  # nothing was saved


def test_an_administrator_cannot_remove_their_own_role(admin_client, staff_admin):
    data = {
        "first_name": "Ada",
        "last_name": "Admin",
        "email": staff_admin.email,
        "roles": [_group("Managers").pk],
        "version": _v(staff_admin),
    }
    page = admin_client.post(f"/manage/people/{staff_admin.pk}/edit/", data).content.decode()
    assert "You cannot remove your own administrator role" in page
    staff_admin.refresh_from_db()
    assert staff_admin.groups.filter(name="Administrators").exists()
    assert staff_admin.first_name == "Ada"


def test_person_page_shows_what_they_own(admin_client, objective, manager):
    page = admin_client.get(f"/manage/people/{manager.pk}/").content.decode()
    assert objective.title in page
    assert f"/manage/people/{manager.pk}/leaver/" in page


def test_leaver_without_reassignment_keeps_objectives_flagged(admin_client, objective, manager):
    page = admin_client.get(f"/manage/people/{manager.pk}/leaver/").content.decode()
    assert objective.title in page
    response = admin_client.post(
        f"/manage/people/{manager.pk}/leaver/",
        {"reassign_to": "", "reason": "Left", "version": _v(manager), **TODAY},
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    objective.refresh_from_db()
    assert not manager.is_active
    assert objective.owner == manager  # never deleted, still named
    drift = objective_selectors.plan_drift(objective.plan, date.today())
    assert "owner_inactive" in drift.objectives[0].flags
    done = admin_client.get(response.url).content.decode()
    assert "flagged “Owner has left”" in done


def test_leaver_with_reassignment_moves_everything_in_one_step(
    admin_client, plan, objective, manager, other_manager, staff_admin
):
    second = factories.make_objective(plan, user=staff_admin, owner=manager, ref="1.2")
    finished = factories.make_objective(
        plan,
        user=staff_admin,
        owner=manager,
        ref="1.3",
        status=Objective.Status.COMPLETE,
        closing_summary="All delivered.",
    )
    response = admin_client.post(
        f"/manage/people/{manager.pk}/leaver/",
        {
            "reassign_to": other_manager.pk,
            "reason": "Mo left on 31 May",
            "version": _v(manager),
            **TODAY,
        },
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    assert not manager.is_active
    for item in (objective, second):
        item.refresh_from_db()
        assert item.owner == other_manager
        record = item.history.latest("history_date")
        assert (record.history_change_reason, record.history_user) == (
            "Mo left on 31 May",
            staff_admin,
        )
    finished.refresh_from_db()
    assert finished.owner == manager
    assert "now belong to Nat_Manager Tester" in admin_client.get(response.url).content.decode()


def test_leaver_reassignment_needs_a_reason_and_changes_nothing_without_it(
    admin_client, objective, manager, other_manager
):
    page = admin_client.post(
        f"/manage/people/{manager.pk}/leaver/",
        {"reassign_to": other_manager.pk, "reason": " ", "version": _v(manager), **TODAY},
    ).content.decode()
    assert "Give a reason for marking them as a leaver" in page
    manager.refresh_from_db()
    objective.refresh_from_db()
    assert manager.is_active and objective.owner == manager


def test_cannot_mark_yourself_as_a_leaver(admin_client, staff_admin):
    page = admin_client.post(
        f"/manage/people/{staff_admin.pk}/leaver/",
        {"reason": "Leaving", "version": _v(staff_admin), **TODAY},
    ).content.decode()
    assert "You cannot mark yourself as a leaver" in page
    staff_admin.refresh_from_db()
    assert staff_admin.is_active


def test_a_leaver_cannot_sign_in_and_can_return(admin_client, client, manager):
    services.person_mark_leaver(
        user=User.objects.get(username="ada_admin"),
        person=manager,
        reason="Left",
        expected_version=_v(manager),
    )
    assert not client.login(username=manager.username, password=factories.PASSWORD)
    response = admin_client.post(
        f"/manage/people/{manager.pk}/reactivate/", {"version": _v(manager)}
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.is_active


def test_set_a_new_password(admin_client, manager):
    url = f"/manage/people/{manager.pk}/password/"
    version = _v(manager)
    page = admin_client.post(
        url, {"password1": "12345678", "password2": "12345678", "version": version}
    )
    assert "This password is entirely numeric" in page.content.decode()
    response = admin_client.post(
        url, {"password1": STRONG, "password2": STRONG, "version": version}
    )
    assert response.status_code == 302
    manager.refresh_from_db()
    assert manager.check_password(STRONG)
