"""Accounts with history: who changed what in an account, when and why, shown on the person's
page; leavers with the day they left; a returning leaver's time away kept."""

from datetime import date, datetime, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.utils import timezone

from objectives.history import StaleEditError
from people import services
from people.selectors import account_history
from people.services import account_version
from tests import factories
from tracking.integrity import check_all

pytestmark = pytest.mark.django_db
User = get_user_model()
TODAY = date(2026, 4, 10)


@pytest.fixture
def boss(db):
    return factories.make_admin("ada_admin", is_staff=True, first_name="Ada", last_name="Admin")


@pytest.fixture
def person(db, clock):
    with clock(date(2025, 6, 2)):
        return factories.make_manager("sam", first_name="Sam", last_name="Smith")


def _edit(client, person, **changes):
    data = {
        "first_name": person.first_name,
        "last_name": person.last_name,
        "email": person.email,
        "roles": [g.pk for g in person.groups.all()],
        "version": account_version(person),
        "reason": "",
    }
    data.update(changes)
    return client.post(f"/manage/people/{person.pk}/edit/", data)


def _latest(person):
    return User.history.filter(id=person.pk).order_by("-history_date", "-history_id").first()


def test_a_rename_is_recorded_with_who_and_why_and_shown_on_the_person_page(
    client, clock, boss, person
):
    client.force_login(boss)
    with clock(TODAY):
        response = _edit(client, person, last_name="Jones", reason="Married in March")
    assert response.status_code == 302
    record = _latest(person)
    assert record.last_name == "Jones"
    assert (record.history_user, record.history_change_reason) == (boss, "Married in March")
    assert User.history.filter(id=person.pk, last_name="Smith").exists()  # the past stays
    page = client.get(f"/manage/people/{person.pk}/").content.decode()
    assert "Account history" in page
    assert "Last name: Smith" in page and "Jones" in page
    assert "Married in March" in page and "Ada Admin" in page
    assert "10 April 2026" in page


def test_saving_without_changes_records_nothing(client, boss, person):
    client.force_login(boss)
    before = User.history.filter(id=person.pk).count()
    assert _edit(client, person).status_code == 302
    assert User.history.filter(id=person.pk).count() == before


def test_a_role_change_is_one_record_with_the_acting_person_and_reason(client, boss, person):
    from django.contrib.auth.models import Group

    leadership = Group.objects.get_or_create(name="Leadership")[0]
    client.force_login(boss)
    before = User.history.filter(id=person.pk).count()
    _edit(client, person, roles=[leadership.pk], reason="Promoted to head of service")
    assert User.history.filter(id=person.pk).count() == before + 1
    record = _latest(person)
    assert [g.group.name for g in record.groups.all()] == ["Leadership"]
    assert record.history_user == boss
    assert record.history_change_reason == "Promoted to head of service"
    event = account_history(person)[0]
    assert ("Roles", "Managers", "Leadership") in [(c.label, c.old, c.new) for c in event.changes]
    assert check_all()[1] == []


def test_a_new_account_has_its_creation_and_roles_recorded(client, boss):
    from django.contrib.auth.models import Group

    client.force_login(boss)
    managers = Group.objects.get_or_create(name="Managers")[0]
    client.post(
        "/manage/people/new/",
        {
            "username": "kim",
            "first_name": "Kim",
            "last_name": "Lee",
            "email": "kim@example.org",
            "roles": [managers.pk],
            "password1": "Kestrel-harbour-91",
            "password2": "Kestrel-harbour-91",
        },
    )
    kim = User.objects.get(username="kim")
    records = list(User.history.filter(id=kim.pk).order_by("history_date", "history_id"))
    assert records[0].history_type == "+" and records[0].history_user == boss
    assert [g.group.name for g in records[-1].groups.all()] == ["Managers"]
    assert check_all()[1] == []


def test_a_leaver_today_is_recorded_with_its_reason(client, clock, boss, person):
    client.force_login(boss)
    with clock(TODAY):
        response = client.post(
            f"/manage/people/{person.pk}/leaver/",
            {
                "reason": "Retired",
                "version": account_version(person),
                "left_on_day": 10,
                "left_on_month": 4,
                "left_on_year": 2026,
            },
        )
    assert response.status_code == 302
    record = _latest(person)
    assert not record.is_active
    assert (record.history_user, record.history_change_reason) == (boss, "Retired")
    assert timezone.localtime(record.history_date).date() == TODAY


def test_a_leaver_on_an_earlier_day_is_dated_that_day_and_returns_later(
    client, clock, boss, person
):
    client.force_login(boss)
    with clock(TODAY):
        client.post(
            f"/manage/people/{person.pk}/leaver/",
            {
                "reason": "Left in January",
                "version": account_version(person),
                "left_on_day": 31,
                "left_on_month": 1,
                "left_on_year": 2026,
            },
        )
    left = _latest(person)
    assert not left.is_active
    assert timezone.localtime(left.history_date).date() == date(2026, 1, 31)
    assert left.history_change_reason == "Left in January"
    with clock(TODAY + timedelta(days=30)):
        response = client.post(
            f"/manage/people/{person.pk}/reactivate/", {"version": account_version(person)}
        )
    assert response.status_code == 302
    person.refresh_from_db()
    assert person.is_active
    states = [
        (timezone.localtime(r.history_date).date(), r.is_active)
        for r in User.history.filter(id=person.pk).order_by("history_date", "history_id")
    ]
    assert (date(2026, 1, 31), False) in states  # the time away stays in history
    assert states[-1] == (TODAY + timedelta(days=30), True)
    page = client.get(f"/manage/people/{person.pk}/").content.decode()
    assert "Can sign in: Yes" in page and "Left in January" in page
    assert check_all()[1] == []


def test_a_leaving_day_in_the_future_or_before_the_last_change_is_refused(
    client, clock, boss, person
):
    client.force_login(boss)
    with clock(TODAY):
        future = client.post(
            f"/manage/people/{person.pk}/leaver/",
            {
                "reason": "Leaving",
                "version": account_version(person),
                "left_on_day": 11,
                "left_on_month": 4,
                "left_on_year": 2026,
            },
        ).content.decode()
        assert "The date they left must be today or in the past" in future
        before = client.post(
            f"/manage/people/{person.pk}/leaver/",
            {
                "reason": "Leaving",
                "version": account_version(person),
                "left_on_day": 1,
                "left_on_month": 6,
                "left_on_year": 2025,
            },
        ).content.decode()
        assert "The date they left must be on or after 2 June 2025" in before
    person.refresh_from_db()
    assert person.is_active


def test_a_password_set_is_recorded_without_the_hash(clock, boss, person):
    with clock(TODAY):
        services.person_set_password(
            user=boss,
            person=person,
            password="Kestrel-harbour-91",
            expected_version=account_version(person),
        )
    record = _latest(person)
    assert record.history_change_reason == "New password set by an administrator"
    assert record.history_user == boss
    assert not hasattr(record, "password")


def test_check_history_finds_an_account_changed_around_its_history(person):
    from django.contrib.auth.models import Group

    User.objects.filter(pk=person.pk).update(first_name="Changed")
    person.skip_history_when_saving = True
    person.groups.add(Group.objects.get_or_create(name="Leadership")[0])
    problems = check_all()[1]
    assert any("User" in p and "first_name" in p for p in problems)
    assert any("groups differ" in p for p in problems)


def test_factories_create_accounts_with_clean_history(db):
    factories.make_admin()
    factories.make_leader()
    factories.make_manager(active=False)
    counts, problems = check_all()
    assert counts["User"] == 3 and problems == []


# --- Superusers and versions ------------------------------------------------------------


@pytest.fixture
def superuser(db):
    return factories.make_admin("root", is_superuser=True, is_staff=True)


@pytest.mark.parametrize("page", ["password", "edit", "leaver"])
def test_an_administrator_who_is_not_a_superuser_cannot_change_a_superuser(
    client, boss, superuser, page
):
    client.force_login(boss)
    url = f"/manage/people/{superuser.pk}/{page}/"
    assert client.get(url).status_code == 403
    before = superuser.password
    response = client.post(
        url,
        {
            "password1": "Kestrel-harbour-91",
            "password2": "Kestrel-harbour-91",
            "first_name": "Evil",
            "last_name": "Admin",
            "email": "evil@example.org",
            "reason": "taking over",
            "version": account_version(superuser),
        },
    )
    assert response.status_code == 403
    superuser.refresh_from_db()
    assert superuser.password == before and superuser.first_name != "Evil"
    assert superuser.is_active
    page = client.get(f"/manage/people/{superuser.pk}/").content.decode()
    assert "only a superuser can change it" in page
    assert f"/manage/people/{superuser.pk}/password/" not in page


def test_the_services_refuse_too(boss, superuser):
    with pytest.raises(PermissionDenied):
        services.person_set_password(
            user=boss,
            person=superuser,
            password="Kestrel-harbour-91",
            expected_version=account_version(superuser),
        )
    with pytest.raises(PermissionDenied):
        services.person_reactivate(
            user=boss, person=superuser, expected_version=account_version(superuser)
        )


def test_a_superuser_may_set_a_superusers_password(superuser):
    other = factories.make_admin("root2", is_superuser=True)
    services.person_set_password(
        user=superuser,
        person=other,
        password="Kestrel-harbour-91",
        expected_version=account_version(other),
    )
    other.refresh_from_db()
    assert other.check_password("Kestrel-harbour-91")


@pytest.mark.parametrize("page", ["edit", "password", "leaver"])
def test_a_people_form_sent_without_its_version_is_refused(client, boss, person, page):
    client.force_login(boss)
    data = {
        "first_name": "Changed",
        "last_name": person.last_name,
        "email": person.email,
        "roles": [g.pk for g in person.groups.all()],
        "password1": "Kestrel-harbour-91",
        "password2": "Kestrel-harbour-91",
        "reason": "Left",
        "left_on_day": timezone.localdate().day,
        "left_on_month": timezone.localdate().month,
        "left_on_year": timezone.localdate().year,
    }
    before = (person.first_name, person.password, person.is_active)
    response = client.post(f"/manage/people/{person.pk}/{page}/", data)
    assert response.status_code == 409
    assert "Someone else changed this account" in response.content.decode()
    # The page now carries the current version, so sending it again works.
    assert f'value="{account_version(person)}"' in response.content.decode()
    person.refresh_from_db()
    assert (person.first_name, person.password, person.is_active) == before


@pytest.mark.parametrize("page", ["edit", "password", "leaver"])
def test_a_people_form_read_before_someone_elses_change_is_refused(client, boss, person, page):
    client.force_login(boss)
    stale = account_version(person)
    services.person_update(
        user=boss,
        person=person,
        first_name="Sam",
        last_name="Other",
        email=person.email,
        roles=list(person.groups.all()),
        expected_version=stale,
    )
    data = {
        "first_name": "Changed",
        "last_name": "Smith",
        "email": person.email,
        "roles": [g.pk for g in person.groups.all()],
        "password1": "Kestrel-harbour-91",
        "password2": "Kestrel-harbour-91",
        "reason": "Left",
        "version": stale,
        "left_on_day": timezone.localdate().day,
        "left_on_month": timezone.localdate().month,
        "left_on_year": timezone.localdate().year,
    }
    response = client.post(f"/manage/people/{person.pk}/{page}/", data)
    assert response.status_code == 409
    assert "Someone else changed this account" in response.content.decode()
    person.refresh_from_db()
    assert person.last_name == "Other" and person.is_active


def test_reactivate_without_a_version_changes_nothing(client, boss, person):
    services.person_mark_leaver(
        user=boss, person=person, reason="Left", expected_version=account_version(person)
    )
    client.force_login(boss)
    client.post(f"/manage/people/{person.pk}/reactivate/")
    person.refresh_from_db()
    assert not person.is_active


def test_the_leaving_moment_is_in_order_with_the_accounts_history(clock, boss, person):
    with clock(TODAY):
        services.person_mark_leaver(
            user=boss,
            person=person,
            reason="Left",
            left_on=date(2025, 6, 2),
            expected_version=account_version(person),
        )
    records = list(User.history.filter(id=person.pk).order_by("history_date", "history_id"))
    assert records[-1].is_active is False
    assert records[-1].history_date > records[-2].history_date
    assert isinstance(records[-1].history_date, datetime)
    with pytest.raises(StaleEditError):  # a missing version is refused like a stale one
        services.person_reactivate(user=boss, person=person, expected_version=None)
