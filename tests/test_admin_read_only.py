"""Django admin is read-only for every model it shows, accounts and groups included, for
everyone, superusers too: no add, no change, no delete, no bulk actions; a POST is refused."""

from datetime import date
from decimal import Decimal

import pytest
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from board import services as board_services
from calendars import services as calendar_services
from impact import value_services as impact_value_services
from objectives.admin import ReadOnlyAdmin
from objectives.permissions import ADMINISTRATORS, LEADERSHIP
from tests import factories

pytestmark = pytest.mark.django_db
User = get_user_model()


@pytest.fixture
def root(db):
    """A superuser who is also an administrator: the person with the most rights there is."""
    return factories.make_admin("root", is_staff=True, is_superuser=True)


@pytest.fixture
def every_model(root, manager, leader):
    """At least one row of every model the admin shows."""
    plan = factories.make_plan(user=root, name="Plan")
    theme = factories.make_theme(plan, user=root, name="Workforce", order=1)
    objective = factories.make_objective(plan, user=root, ref="1.1", theme=theme, owner=manager)
    factories.make_milestone(objective, user=root, title="Drive", due_date=date(2026, 6, 30))
    factories.make_update(objective, user=manager, reported_on=timezone.localdate())
    samples = factories.make_impact_samples(objective, admin=root)
    impact_value_services.measure_value_create(
        user=root,
        measure=samples["measure"],
        period_end=timezone.localdate(),
        value=Decimal("55"),
    )
    board_services.board_meeting_create(
        user=root, plan=plan, held_on=plan.starts_on, name="Improvement board"
    )
    board_services.challenge_raise(user=leader, objective=objective, question="Why late?")
    calendar_services.calendar_feed_start(user=manager)
    board_services.evidence_pack_request(
        user=root, plan=plan, as_of=timezone.localdate(), base_url="http://testserver/"
    )
    AccessAttempt.objects.create(username="x", ip_address="127.0.0.1", failures_since_start=1)
    AccessLog.objects.create(username="x", ip_address="127.0.0.1")
    AccessFailureLog.objects.create(username="x", ip_address="127.0.0.1")
    return sorted(admin.site._registry, key=lambda model: model._meta.label)


def _url(model, name, *args):
    return reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_{name}", args=args)


def _row(model):
    return model._default_manager.values().order_by("pk").first()


def _history(model, pk):
    manager = getattr(model, "history", None)
    if manager is None:
        return []
    return list(manager.filter(id=pk).order_by("history_id").values())


def test_every_model_the_admin_shows_has_a_row_here(every_model):
    assert User in every_model and Group in every_model
    for model in every_model:
        assert _row(model) is not None, model


def test_nobody_can_add_change_or_delete_anything_in_admin(client, root, every_model):
    client.force_login(root)
    for model in every_model:
        row = _row(model)
        pk = row["id"]
        count = model._default_manager.count()
        history = _history(model, pk)
        assert client.get(_url(model, "changelist")).status_code == 200, model
        page = client.get(_url(model, "change", pk))
        assert page.status_code == 200, model
        assert b'name="_save"' not in page.content, model
        assert client.get(_url(model, "add")).status_code == 403, model
        assert client.post(_url(model, "add"), {}).status_code == 403, model
        changed = {name: "changed" for name in row if name != "id"}
        assert client.post(_url(model, "change", pk), changed).status_code == 403, model
        assert client.get(_url(model, "delete", pk)).status_code == 403, model
        assert client.post(_url(model, "delete", pk), {"post": "yes"}).status_code == 403, model
        bulk = {"action": "delete_selected", "_selected_action": [pk], "post": "yes"}
        assert client.post(_url(model, "changelist"), bulk).status_code == 403, model
        assert model._default_manager.count() == count, model
        assert _row(model) == row, model
        assert _history(model, pk) == history, model


def test_every_model_admin_is_read_only_and_has_no_bulk_actions(root, every_model):
    request = RequestFactory().get("/admin/")
    request.user = root
    for model in every_model:
        model_admin = admin.site._registry[model]
        assert isinstance(model_admin, ReadOnlyAdmin), model
        assert model_admin.get_actions(request) == {}, model
        assert not model_admin.has_add_permission(request), model
        assert not model_admin.has_change_permission(request), model
        assert not model_admin.has_delete_permission(request), model


def test_a_surname_cannot_be_changed_in_admin(client, root, manager):
    client.force_login(root)
    url = _url(User, "change", manager.pk)
    form = {
        "username": manager.username,
        "first_name": manager.first_name,
        "last_name": "Changed",
        "email": manager.email,
        "is_active": "on",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "09:00:00",
    }
    records = manager.history.count()
    assert client.post(url, form).status_code == 403
    manager.refresh_from_db()
    assert manager.last_name != "Changed"
    assert manager.history.count() == records


def test_a_leader_cannot_be_made_superuser_in_admin(client, root, leader):
    client.force_login(root)
    form = {"username": leader.username, "is_superuser": "on", "is_staff": "on"}
    assert client.post(_url(User, "change", leader.pk), form).status_code == 403
    leader.refresh_from_db()
    assert not leader.is_superuser and not leader.is_staff


def test_a_password_cannot_be_set_in_admin(client, root, leader):
    client.force_login(root)
    url = reverse("admin:auth_user_password_change", args=[leader.pk])
    new = {"password1": "An0ther-long-pass", "password2": "An0ther-long-pass"}
    assert client.post(url, new).status_code == 403
    leader.refresh_from_db()
    assert leader.check_password(factories.PASSWORD)


def test_the_history_of_an_account_is_shown_in_admin(client, root, leader):
    client.force_login(root)
    response = client.get(_url(User, "history", leader.pk))
    assert response.status_code == 200


def test_roles_cannot_be_changed_in_admin(client, root, leader):
    client.force_login(root)
    group = Group.objects.get(name=ADMINISTRATORS)
    members = set(group.user_set.values_list("pk", flat=True))
    form = {"name": "Anyone", "permissions": []}
    assert client.post(_url(Group, "change", group.pk), form).status_code == 403
    group.refresh_from_db()
    assert group.name == ADMINISTRATORS
    assert set(group.user_set.values_list("pk", flat=True)) == members
    assert client.post(_url(Group, "add"), {"name": LEADERSHIP + "2"}).status_code == 403
    assert not Group.objects.filter(name=LEADERSHIP + "2").exists()
