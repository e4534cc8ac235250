"""Django admin at /admin/: a read-only window for administrators; history can never be altered."""

from datetime import date

import pytest
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.urls import reverse

from milestones.models import Milestone
from objectives.models import Objective, Plan, ProgressUpdate, Theme
from tests import factories

pytestmark = pytest.mark.django_db
User = get_user_model()
TRACKED = [Plan, Theme, Objective, ProgressUpdate, Milestone]


@pytest.fixture
def update(objective, manager):
    return factories.make_update(objective, user=manager, reported_on=date(2025, 3, 1))


@pytest.fixture
def rows(plan, theme, objective, milestone, update):
    return {
        Plan: plan,
        Theme: theme,
        Objective: objective,
        ProgressUpdate: update,
        Milestone: milestone,
    }


def _url(model, name, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args)


def _snapshot(model, pk):
    return (
        model.objects.filter(pk=pk).values().get(),
        list(model.history.filter(id=pk).order_by("history_id").values()),
    )


def test_every_tracked_model_uses_simple_history_admin():
    from simple_history.admin import SimpleHistoryAdmin

    for model in TRACKED:
        assert isinstance(admin.site._registry[model], SimpleHistoryAdmin), model


def test_no_historical_model_is_registered_in_admin():
    for model in admin.site._registry:
        assert not model.__name__.startswith("Historical"), model
        assert not hasattr(model, "instance_type"), model  # simple-history's historical models


def test_administrator_sees_lists_records_and_history(admin_client, rows):
    response = admin_client.get("/admin/")
    assert response.status_code == 200
    for model, row in rows.items():
        assert admin_client.get(_url(model, "changelist")).status_code == 200, model
        assert admin_client.get(_url(model, "change", row.pk)).status_code == 200, model
        history = admin_client.get(_url(model, "history", row.pk))
        assert history.status_code == 200, model
        record = model.history.filter(id=row.pk).latest("history_date")
        form = admin_client.get(_url(model, "simple_history", row.pk, record.history_id))
        assert form.status_code == 200, model
        assert b"Revert" not in form.content or b'name="_save"' not in form.content


def test_objective_history_in_admin_shows_reasons(
    admin_client, objective, other_manager, staff_admin
):
    from objectives import services

    services.objective_assign_owner(
        objective=objective, user=staff_admin, owner=other_manager, reason="Moved to fostering"
    )
    response = admin_client.get(_url(Objective, "history", objective.pk))
    assert response.status_code == 200
    assert "Moved to fostering" in response.content.decode()


@pytest.mark.parametrize("user_fixture", ["staff_admin", "superuser"])
def test_nobody_can_add_change_or_delete_tracked_rows_in_admin(client, rows, user_fixture, request):
    if user_fixture == "superuser":
        user = User.objects.create_superuser("root", "root@example.org", factories.PASSWORD)
    else:
        user = request.getfixturevalue(user_fixture)
    client.force_login(user)
    for model, row in rows.items():
        before = _snapshot(model, row.pk)
        count = model.objects.count()
        assert client.get(_url(model, "add")).status_code == 403, model
        assert client.post(_url(model, "add"), {}).status_code == 403, model
        assert client.post(_url(model, "change", row.pk), {"title": "hacked"}).status_code == 403
        assert client.get(_url(model, "delete", row.pk)).status_code == 403, model
        assert client.post(_url(model, "delete", row.pk), {"post": "yes"}).status_code == 403
        changelist = client.post(
            _url(model, "changelist"),
            {"action": "delete_selected", "_selected_action": [row.pk], "post": "yes"},
        )
        assert changelist.status_code in (200, 302, 403)
        assert model.objects.count() == count
        assert _snapshot(model, row.pk) == before, model


@pytest.mark.parametrize("user_fixture", ["staff_admin", "superuser"])
def test_history_records_cannot_be_reverted_or_edited_in_admin(
    client, objective, staff_admin, other_manager, user_fixture, request
):
    from objectives import services

    first = objective.history.earliest("history_date")
    services.objective_update(objective=objective, user=staff_admin, title="Renamed")
    if user_fixture == "superuser":
        user = User.objects.create_superuser("root", "root@example.org", factories.PASSWORD)
    else:
        user = request.getfixturevalue(user_fixture)
    client.force_login(user)
    before = _snapshot(Objective, objective.pk)
    url = _url(Objective, "simple_history", objective.pk, first.history_id)
    for data in ({}, {"_save": "Save"}, {"_change_history": "1", "title": "Rewritten"}):
        response = client.post(url, data)
        assert response.status_code == 403
    assert _snapshot(Objective, objective.pk) == before
    objective.refresh_from_db()
    assert objective.title == "Renamed"


def test_there_are_no_admin_urls_for_history_models():
    names = {p.name for p in admin.site.get_urls() if getattr(p, "name", None)}
    assert not [n for n in names if "historical" in n]


def test_history_rows_refuse_change_and_delete_even_in_code(objective):
    record = objective.history.first()
    with pytest.raises(PermissionError):
        record.save()
    with pytest.raises(PermissionError):
        record.delete()


def test_nobody_can_delete_a_user_in_admin_not_even_a_superuser(client, manager, objective):
    root = User.objects.create_superuser("root", "root@example.org", factories.PASSWORD)
    client.force_login(root)
    assert client.get(_url(User, "delete", manager.pk)).status_code == 403
    assert client.post(_url(User, "delete", manager.pk), {"post": "yes"}).status_code == 403
    client.post(
        _url(User, "changelist"),
        {"action": "delete_selected", "_selected_action": [manager.pk], "post": "yes"},
    )
    assert User.objects.filter(pk=manager.pk).exists()
    changelist = client.get(_url(User, "changelist"))
    assert b"delete_selected" not in changelist.content


def test_administrator_can_view_people_in_admin_but_not_change_them(admin_client, manager):
    assert admin_client.get(_url(User, "changelist")).status_code == 200
    assert admin_client.get(_url(User, "change", manager.pk)).status_code == 200
    response = admin_client.post(
        _url(User, "change", manager.pk), {"username": manager.username, "is_superuser": "on"}
    )
    assert response.status_code == 403
    manager.refresh_from_db()
    assert not manager.is_superuser


@pytest.mark.parametrize("maker", [factories.make_manager, factories.make_leader])
def test_managers_and_leaders_cannot_reach_admin(client, maker, objective):
    person = maker(is_staff=True)
    client.force_login(person)
    response = client.get("/admin/")
    assert response.status_code == 302
    assert response.url.startswith("/admin/login/")
    response = client.get(_url(Objective, "history", objective.pk))
    assert response.status_code == 302


def test_the_manage_pages_link_to_django_admin(admin_client):
    assert 'href="/admin/"' in admin_client.get("/manage/").content.decode()


def test_no_group_holds_change_or_delete_rights_on_history_tables(staff_admin):
    from django.contrib.auth.models import Permission

    history_perms = Permission.objects.filter(
        content_type__model__startswith="historical",
        codename__regex=r"^(add|change|delete)_",
    )
    assert history_perms.exists()  # the check below is about something real
    assert not history_perms.filter(group__isnull=False).exists()
    assert not history_perms.filter(user__isnull=False).exists()
