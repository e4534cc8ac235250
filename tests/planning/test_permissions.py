"""Only administrators reach /manage/: everyone else gets 403 on GET and POST; nothing changes."""

from datetime import date

import pytest
from django.contrib.auth import get_user_model

from milestones.models import Milestone
from objectives.models import Objective, Plan, Theme
from tests import factories

pytestmark = pytest.mark.django_db
User = get_user_model()


def _urls(plan, theme, objective, milestone, person):
    return [
        "/manage/",
        "/manage/plans/new/",
        f"/manage/plans/{plan.pk}/",
        f"/manage/plans/{plan.pk}/edit/",
        f"/manage/plans/{plan.pk}/themes/new/",
        f"/manage/themes/{theme.pk}/edit/",
        f"/manage/plans/{plan.pk}/objectives/new/",
        f"/manage/objectives/{objective.pk}/",
        f"/manage/objectives/{objective.pk}/edit/",
        f"/manage/objectives/{objective.pk}/owner/",
        f"/manage/objectives/{objective.pk}/milestones/new/",
        f"/manage/milestones/{milestone.pk}/edit/",
        f"/manage/milestones/{milestone.pk}/rebaseline/",
        "/manage/accountability/",
        "/manage/accountability/bulk-reassign/",
        "/manage/people/",
        "/manage/people/new/",
        f"/manage/people/{person.pk}/",
        f"/manage/people/{person.pk}/edit/",
        f"/manage/people/{person.pk}/password/",
        f"/manage/people/{person.pk}/leaver/",
        f"/manage/people/{person.pk}/reactivate/",
    ]


def _state():
    """Everything a form here could change, with its history."""
    return (
        list(Plan.objects.values()),
        list(Theme.objects.values()),
        list(Objective.objects.values()),
        list(Milestone.objects.values()),
        list(User.objects.order_by("pk").values("pk", "is_active", "is_staff", "password")),
        list(User.groups.through.objects.order_by("pk").values()),
        Plan.history.count() + Theme.history.count(),
        Objective.history.count() + Milestone.history.count(),
    )


@pytest.fixture
def everything(plan, theme, objective, milestone, other_manager):
    return _urls(plan, theme, objective, milestone, other_manager)


@pytest.mark.parametrize("who", ["manager", "leader"])
def test_managers_and_leaders_get_403_everywhere_and_nothing_changes(
    client, everything, who, request, objective, milestone, other_manager, leader
):
    user = request.getfixturevalue(who)
    client.force_login(user)
    before = _state()
    hostile = {
        "owner": other_manager.pk,
        "reason": "I want it",
        "baseline_date_day": "1",
        "baseline_date_month": "1",
        "baseline_date_year": "2030",
        "from_person": objective.owner_id,
        "to_person": other_manager.pk,
        "reassign_to": leader.pk,
        "name": "Hijacked",
        "title": "Hijacked",
        "roles": ["1", "2", "3"],
        "password1": "a-new-Passw0rd-here",
        "password2": "a-new-Passw0rd-here",
    }
    for url in everything:
        assert client.get(url).status_code == 403, url
        assert client.post(url, hostile).status_code == 403, url
    assert _state() == before


def test_owner_form_as_the_objectives_own_manager_is_refused(client, objective, manager, leader):
    """The owner of an objective may update it, but never change who owns it."""
    assert objective.owner == manager
    client.force_login(manager)
    response = client.post(
        f"/manage/objectives/{objective.pk}/owner/",
        {"owner": leader.pk, "reason": "Handing over", "version": objective.version},
    )
    assert response.status_code == 403
    objective.refresh_from_db()
    assert objective.owner == manager
    assert objective.history.count() == 1


@pytest.mark.parametrize("who", ["manager", "leader"])
def test_rebaseline_form_is_refused_for_managers_and_leaders(client, milestone, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        f"/manage/milestones/{milestone.pk}/rebaseline/",
        {
            "baseline_date_day": "31",
            "baseline_date_month": "12",
            "baseline_date_year": "2027",
            "reason": "Because",
            "version": milestone.version,
        },
    )
    assert response.status_code == 403
    milestone.refresh_from_db()
    assert milestone.baseline_date == date(2026, 6, 30)
    assert milestone.history.count() == 1


@pytest.mark.parametrize("who", ["manager", "leader"])
def test_bulk_and_leaver_forms_are_refused(client, objective, manager, other_manager, who, request):
    client.force_login(request.getfixturevalue(who))
    response = client.post(
        "/manage/accountability/bulk-reassign/",
        {"from_person": manager.pk, "to_person": other_manager.pk, "reason": "x"},
    )
    assert response.status_code == 403
    response = client.post(
        f"/manage/people/{manager.pk}/leaver/",
        {"reassign_to": other_manager.pk, "reason": "x"},
    )
    assert response.status_code == 403
    manager.refresh_from_db()
    objective.refresh_from_db()
    assert manager.is_active and objective.owner == manager


def test_someone_with_no_role_gets_403(client, everything):
    client.force_login(factories.make_user(roles=()))
    for url in everything:
        assert client.get(url).status_code == 403, url


def test_a_visitor_who_is_not_signed_in_is_sent_to_sign_in(client, everything):
    for url in everything:
        response = client.get(url)
        assert response.status_code == 302, url
        assert response.url.startswith("/accounts/login/"), url


def test_administrator_reaches_every_page(admin_client, everything):
    for url in everything:
        if url.endswith("/reactivate/"):
            continue  # POST only
        assert admin_client.get(url).status_code == 200, url


def test_unknown_rows_are_404_for_administrators(admin_client):
    for url in [
        "/manage/plans/999/",
        "/manage/plans/999/edit/",
        "/manage/plans/999/themes/new/",
        "/manage/themes/999/edit/",
        "/manage/plans/999/objectives/new/",
        "/manage/objectives/999/",
        "/manage/objectives/999/edit/",
        "/manage/objectives/999/owner/",
        "/manage/objectives/999/milestones/new/",
        "/manage/milestones/999/edit/",
        "/manage/milestones/999/rebaseline/",
        "/manage/people/999/",
        "/manage/people/999/edit/",
        "/manage/people/999/password/",
        "/manage/people/999/leaver/",
        "/manage/accountability/?plan=999",
    ]:
        assert admin_client.get(url).status_code == 404, url
    assert admin_client.post("/manage/people/999/reactivate/").status_code == 404


def test_reactivate_is_post_only(admin_client, other_manager):
    assert admin_client.get(f"/manage/people/{other_manager.pk}/reactivate/").status_code == 405


def test_navigation_shows_admin_only_to_administrators(client, admin_client, manager):
    page = admin_client.get("/manage/").content.decode()
    assert 'href="/manage/"' in page
    client.force_login(manager)
    assert 'href="/manage/"' not in client.get("/").content.decode()
