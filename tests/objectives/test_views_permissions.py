"""Who may change what, enforced on the server: every form, every role.

A manager who does not own the objective, and a leadership user, get 403 for every change and
nothing changes, history included. Owners and administrators may make the changes. The forms
tested are the ones found on the owner's objective page and the pages it links to.
"""

import re
from datetime import date

import pytest
import time_machine
from django.contrib.auth.models import Group

from milestones.models import Milestone
from objectives.models import Objective, ProgressUpdate
from objectives.permissions import LEADERSHIP, MANAGERS
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel("2026-03-10 12:00 +00:00", tick=False):
        yield


@pytest.fixture
def objective(admin_user, manager):
    objective = factories.make_objective(
        user=admin_user, owner=manager, title="Stabilise the workforce"
    )
    factories.make_milestone(
        objective, user=admin_user, title="Recruit ten social workers", due_date=date(2026, 4, 1)
    )
    return objective


@pytest.fixture
def milestone(objective):
    return objective.milestones.get()


def snapshot():
    """Everything a change could touch: rows and every history table."""
    return {
        "objectives": list(Objective.objects.values()),
        "milestones": list(Milestone.objects.values()),
        "updates": list(ProgressUpdate.objects.values()),
        "objective_history": Objective.history.count(),
        "milestone_history": Milestone.history.count(),
        "update_history": ProgressUpdate.history.count(),
    }


def valid_posts(objective, milestone):
    """A valid POST for every change an owner can make."""
    return {
        f"/objectives/{objective.pk}/updates/new/": {
            "rag": "amber",
            "summary": "Two offers accepted.",
            "reported_on_day": "10",
            "reported_on_month": "3",
            "reported_on_year": "2026",
        },
        f"/objectives/{objective.pk}/edit/": {
            "expected_version": str(objective.version),
            "description": "New description",
            "status": "in_progress",
            "reason": "Work has begun",
        },
        f"/objectives/{objective.pk}/milestones/new/": {
            "title": "Induction programme running",
            "due_date_day": "1",
            "due_date_month": "6",
            "due_date_year": "2026",
        },
        f"/milestones/{milestone.pk}/reforecast/": {
            "expected_version": str(milestone.version),
            "due_date_day": "1",
            "due_date_month": "5",
            "due_date_year": "2026",
            "reason": "Agency delay",
        },
        f"/milestones/{milestone.pk}/complete/": {
            "expected_version": str(milestone.version),
            "completed_on_day": "10",
            "completed_on_month": "3",
            "completed_on_year": "2026",
        },
    }


@pytest.fixture
def someone(request, db):
    kind = request.param
    if kind == "other_manager":
        return factories.make_manager("nat_manager")
    if kind == "leader":
        return factories.make_leader("lee_leader")
    if kind == "no_role":
        return factories.make_user("nobody", roles=())
    raise AssertionError(kind)


@pytest.mark.parametrize("someone", ["other_manager", "leader", "no_role"], indirect=True)
def test_every_change_by_someone_who_may_not_make_it_is_403_and_changes_nothing(
    client, objective, milestone, someone
):
    client.force_login(someone)
    for url, data in valid_posts(objective, milestone).items():
        before = snapshot()
        assert client.get(url).status_code == 403, url
        response = client.post(url, data)
        assert response.status_code == 403, url
        assert snapshot() == before, url


def test_refusal_comes_before_validation(client, objective, milestone, other_manager):
    """Even a form full of errors is refused, not validated, for someone who may not change it."""
    client.force_login(other_manager)
    for url in valid_posts(objective, milestone):
        response = client.post(url, {"due_date_day": "31", "due_date_month": "2"})
        assert response.status_code == 403, url
        assert b"There is a problem" not in response.content


def test_a_leader_who_owns_an_objective_has_the_owners_rights(client, admin_user):
    leader = factories.make_leader("lou_leader")
    objective = factories.make_objective(user=admin_user, owner=leader)
    milestone = factories.make_milestone(objective, user=admin_user, due_date=date(2026, 4, 1))
    client.force_login(leader)
    url = f"/objectives/{objective.pk}/updates/new/"
    assert client.get(url).status_code == 200
    assert client.post(url, valid_posts(objective, milestone)[url]).status_code == 302
    assert objective.progress_updates.count() == 1
    html = client.get(f"/objectives/{objective.pk}/").content.decode()
    assert "Re-forecast" in html and "Mark complete" in html


def test_a_leader_who_does_not_own_an_objective_cannot_change_it(client, admin_user):
    leader = factories.make_leader("lou_leader")
    objective = factories.make_objective(user=admin_user)
    milestone = factories.make_milestone(objective, user=admin_user, due_date=date(2026, 4, 1))
    client.force_login(leader)
    before = snapshot()
    for url, data in valid_posts(objective, milestone).items():
        assert client.post(url, data).status_code == 403, url
    assert snapshot() == before


def test_a_manager_in_leadership_too_may_change_what_they_own(client, objective, manager):
    manager.groups.add(Group.objects.get_or_create(name=LEADERSHIP)[0])
    client.force_login(manager)
    url = f"/objectives/{objective.pk}/updates/new/"
    data = valid_posts(objective, objective.milestones.get())[url]
    assert client.post(url, data).status_code == 302
    assert objective.progress_updates.count() == 1


def test_the_owner_can_make_every_change(client, objective, milestone, manager):
    client.force_login(manager)
    posts = valid_posts(objective, milestone)
    complete_url = f"/milestones/{milestone.pk}/complete/"
    complete = posts.pop(complete_url)
    for url, data in posts.items():
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.content[:2000])
        assert response["Location"] == f"/objectives/{objective.pk}/"
    milestone.refresh_from_db()
    complete["expected_version"] = str(milestone.version)
    assert client.post(complete_url, complete).status_code == 302
    milestone.refresh_from_db()
    assert milestone.completed_on == date(2026, 3, 10)
    assert milestone.due_date == date(2026, 5, 1)
    assert objective.progress_updates.count() == 1
    assert objective.milestones.count() == 2


def test_an_administrator_can_make_every_change(client, objective, milestone, admin_user):
    client.force_login(admin_user)
    posts = valid_posts(objective, milestone)
    posts.pop(f"/milestones/{milestone.pk}/complete/")
    for url, data in posts.items():
        assert client.post(url, data).status_code == 302, url


def test_an_inactive_owner_cannot_change_anything(client, objective, milestone, manager):
    manager.is_active = False
    manager.save()
    client.force_login(manager)
    before = snapshot()
    for url, data in valid_posts(objective, milestone).items():
        response = client.post(url, data)
        assert response.status_code in (302, 403), url
        assert not response.headers.get("Location", "").startswith("/objectives/"), url
    assert snapshot() == before


def test_signed_out_visitors_are_sent_to_sign_in_and_nothing_changes(client, objective, milestone):
    before = snapshot()
    for url, data in valid_posts(objective, milestone).items():
        response = client.post(url, data)
        assert response.status_code == 302
        assert response["Location"].startswith("/accounts/login/")
    assert client.get(f"/objectives/{objective.pk}/").status_code == 302
    assert snapshot() == before


def test_unknown_objects_are_404(client, manager, admin_user):
    client.force_login(admin_user)
    for url in (
        "/objectives/999999/",
        "/objectives/999999/edit/",
        "/objectives/999999/updates/new/",
        "/objectives/999999/milestones/new/",
        "/milestones/999999/reforecast/",
        "/milestones/999999/complete/",
        "/milestones/999999/",
    ):
        assert client.get(url).status_code == 404, url
        assert client.post(url, {}).status_code in (404, 405), url


def test_changes_need_post(client, objective, milestone, manager):
    client.force_login(manager)
    for url in valid_posts(objective, milestone):
        assert client.put(url).status_code == 405
        assert client.delete(url).status_code == 405
    assert client.post(f"/objectives/{objective.pk}/").status_code == 405


def test_owners_cannot_change_the_owner_or_a_baseline_by_adding_fields(
    client, objective, milestone, manager, other_manager
):
    client.force_login(manager)
    client.post(
        f"/objectives/{objective.pk}/edit/",
        {
            "expected_version": str(objective.version),
            "description": "Changed",
            "status": "in_progress",
            "owner": str(other_manager.pk),
            "owner_id": str(other_manager.pk),
            "target_date": "2030-01-01",
            "title": "Hijacked",
        },
    )
    client.post(
        f"/milestones/{milestone.pk}/reforecast/",
        {
            "expected_version": str(milestone.version),
            "due_date_day": "1",
            "due_date_month": "5",
            "due_date_year": "2026",
            "reason": "Delay",
            "baseline_date": "2026-05-01",
            "baseline_date_day": "1",
            "baseline_date_month": "5",
            "baseline_date_year": "2026",
        },
    )
    objective.refresh_from_db()
    milestone.refresh_from_db()
    assert objective.description == "Changed"
    assert objective.owner == manager
    assert objective.title == "Stabilise the workforce"
    assert objective.target_date == date(2027, 6, 30)
    assert milestone.due_date == date(2026, 5, 1)
    assert milestone.baseline_date == date(2026, 4, 1)


EDIT_LINKS = re.compile(
    r'href="(/(?:objectives/\d+/(?:edit|updates/new|milestones/new)'
    r'|milestones/\d+/(?:reforecast|complete))/)"'
)
# Forms on every signed-in page: signing out, and staying signed in (the idle warning).
EVERY_PAGES_FORMS = ("/accounts/logout/", "/session/stay-signed-in/")
POST_FORMS = re.compile(r'<form[^>]*method="post"[^>]*action="([^"]+)"', re.IGNORECASE)


def test_leadership_sees_no_edit_controls(client, objective, leader):
    client.force_login(leader)
    html = client.get(f"/objectives/{objective.pk}/").content.decode()
    assert not EDIT_LINKS.findall(html)
    assert [a for a in POST_FORMS.findall(html) if a not in EVERY_PAGES_FORMS] == []
    assert "Add a progress update" not in html
    assert "Re-forecast" not in html


def test_another_manager_sees_the_objective_without_edit_controls(client, objective, other_manager):
    client.force_login(other_manager)
    response = client.get(f"/objectives/{objective.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Stabilise the workforce" in html
    assert not EDIT_LINKS.findall(html)


def test_someone_with_no_role_cannot_read_an_objective(client, objective):
    nobody = factories.make_user("nobody", roles=())
    client.force_login(nobody)
    assert client.get(f"/objectives/{objective.pk}/").status_code == 403


@pytest.mark.parametrize("someone", ["other_manager", "leader"], indirect=True)
def test_every_form_on_the_owners_pages_refuses_someone_else(
    client, objective, milestone, manager, someone
):
    """Collect every POST form the owner is shown, fill it as the owner would, then send it as
    someone else: 403 each time and nothing changes."""
    client.force_login(manager)
    page = client.get(f"/objectives/{objective.pk}/").content.decode()
    form_pages = [f"/objectives/{objective.pk}/", *sorted(set(EDIT_LINKS.findall(page)))]
    forms = []
    for url in form_pages:
        html = client.get(url).content.decode()
        for match in re.finditer(r"<form[^>]*>.*?</form>", html, re.DOTALL):
            form = match.group(0)
            action = re.search(r'action="([^"]+)"', form).group(1)
            if 'method="post"' not in form or action in EVERY_PAGES_FORMS:
                continue
            fields = dict(re.findall(r'<input[^>]*name="([^"]+)"[^>]*value="([^"]*)"', form))
            forms.append((action, fields))
    actions = {action for action, _ in forms}
    assert actions >= set(valid_posts(objective, milestone)), actions
    client.force_login(someone)
    for action, fields in forms:
        data = {**fields, **valid_posts(objective, milestone).get(action, {})}
        before = snapshot()
        assert client.post(action, data).status_code == 403, action
        assert snapshot() == before, action


@pytest.mark.parametrize("role", [MANAGERS, LEADERSHIP])
def test_my_objectives_is_open_to_every_role(client, db, role):
    user = factories.make_user("someone", roles=(role,))
    client.force_login(user)
    assert client.get("/my/").status_code == 200


def test_administrators_see_the_edit_controls(client, objective, admin_user):
    client.force_login(admin_user)
    html = client.get(f"/objectives/{objective.pk}/").content.decode()
    assert len(set(EDIT_LINKS.findall(html))) == 5
    assert f'action="/objectives/{objective.pk}/updates/new/"' in html
