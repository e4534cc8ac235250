"""Plan settings and themes carry the version they were read at: the second of two
administrators saving at once is refused with the page every edit form gives, and a form sent
without its version is refused like a stale one."""

from datetime import date

import pytest

from kit.stale_edits import STALE_MESSAGE
from objectives import services
from objectives.history import StaleEditError
from tests import factories

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: date) -> dict:
    return {f"{prefix}_day": day.day, f"{prefix}_month": day.month, f"{prefix}_year": day.year}


def _plan_form(plan, **changes) -> dict:
    data = {
        "name": plan.name,
        "organisation": plan.organisation,
        "slip_tolerance_days": plan.slip_tolerance_days,
        "stale_after_days": plan.stale_after_days,
        "due_soon_days": plan.due_soon_days,
        "update_window_days": plan.update_window_days,
        "version": plan.version,
        **_date("starts_on", plan.starts_on),
        **_date("ends_on", plan.ends_on),
    }
    data.update(changes)
    return data


@pytest.fixture
def second_admin(db):
    return factories.make_admin("bo_admin", is_staff=True)


def test_the_plan_form_carries_its_version(admin_client, plan):
    page = admin_client.get(f"/manage/plans/{plan.pk}/edit/").content.decode()
    assert f'name="version" value="{plan.version}"' in page


def test_two_administrators_editing_plan_settings_the_second_is_refused(
    client, admin_client, plan, second_admin
):
    url = f"/manage/plans/{plan.pk}/edit/"
    mine = _plan_form(plan, slip_tolerance_days=14, reason="Tighter")
    theirs = _plan_form(plan, due_soon_days=21, reason="Longer notice")
    client.force_login(second_admin)
    assert client.post(url, theirs).status_code == 302
    plan.refresh_from_db()
    assert plan.due_soon_days == 21 and plan.version == 2

    response = admin_client.post(url, mine)
    page = response.content.decode()
    assert response.status_code == 409
    assert STALE_MESSAGE.format(what="plan") in page
    plan.refresh_from_db()
    assert plan.slip_tolerance_days == 28 and plan.due_soon_days == 21
    assert f'name="version" value="{plan.version}"' in page  # saving again is deliberate
    again = admin_client.post(url, {**mine, "version": plan.version})
    assert again.status_code == 302
    plan.refresh_from_db()
    assert plan.slip_tolerance_days == 14  # their form, sent again knowingly


@pytest.mark.parametrize("version", [None, "", "abc", "0"])
def test_plan_settings_without_a_version_are_refused(admin_client, plan, version):
    data = _plan_form(plan, name="Renamed")
    if version is None:
        del data["version"]
    else:
        data["version"] = version
    response = admin_client.post(f"/manage/plans/{plan.pk}/edit/", data)
    assert response.status_code == 409
    assert STALE_MESSAGE.format(what="plan") in response.content.decode()
    plan.refresh_from_db()
    assert plan.name != "Renamed"


def test_two_administrators_editing_a_theme_the_second_is_refused(
    client, admin_client, theme, second_admin
):
    url = f"/manage/themes/{theme.pk}/edit/"
    form = admin_client.get(url).content.decode()
    assert f'name="version" value="{theme.version}"' in form
    client.force_login(second_admin)
    first = client.post(url, {"name": "Their name", "order": 1, "version": theme.version})
    assert first.status_code == 302
    response = admin_client.post(url, {"name": "My name", "order": 1, "version": 1})
    assert response.status_code == 409
    assert STALE_MESSAGE.format(what="theme") in response.content.decode()
    theme.refresh_from_db()
    assert theme.name == "Their name"


def test_a_theme_without_a_version_is_refused(admin_client, theme):
    response = admin_client.post(f"/manage/themes/{theme.pk}/edit/", {"name": "X", "order": 1})
    assert response.status_code == 409
    assert STALE_MESSAGE.format(what="theme") in response.content.decode()
    theme.refresh_from_db()
    assert theme.name == "Workforce"


def test_the_services_refuse_a_stale_version(plan, theme, staff_admin):
    with pytest.raises(StaleEditError):
        services.plan_update(plan=plan, user=staff_admin, expected_version=7, name="X")
    with pytest.raises(StaleEditError):
        services.theme_update(theme=theme, user=staff_admin, expected_version=7, name="X")
    saved = services.theme_update(theme=theme, user=staff_admin, expected_version=1, name="Y")
    assert saved.version == 2
