"""Draft plans (``published_on`` empty) are for administrators only, until one publishes them."""

from datetime import date

import pytest

from objectives.models import Plan
from planning import services as planning_services
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2026, 4, 10)


@pytest.fixture
def world(clock, admin_user, leader, manager):
    with clock(date(2026, 1, 5)):
        published = factories.make_plan(user=admin_user, name="Published plan")
        draft = factories.make_plan(user=admin_user, name="Secret draft plan", published=False)
        shown = factories.make_objective(
            published, user=admin_user, owner=manager, ref="1.1", title="Visible objective"
        )
        hidden = factories.make_objective(
            draft, user=admin_user, owner=manager, ref="9.1", title="Hidden draft objective"
        )
        milestone = factories.make_milestone(hidden, user=admin_user, due_date=date(2026, 9, 1))
    return {
        "published": published,
        "draft": draft,
        "shown": shown,
        "hidden": hidden,
        "milestone": milestone,
    }


@pytest.fixture
def at_today(clock):
    with clock(TODAY):
        yield


def _as(client, user):
    client.force_login(user)
    return client


def test_new_plans_are_drafts(admin_user):
    plan = planning_services.objective_services.plan_create(
        user=admin_user,
        name="New",
        organisation="Council",
        starts_on=date(2025, 1, 1),
        ends_on=date(2027, 1, 1),
    )
    assert plan.is_draft
    assert list(Plan.objects.visible_to(admin_user)) == [plan]


def test_visible_to(world, admin_user, leader, manager):
    assert set(Plan.objects.visible_to(admin_user)) == {world["published"], world["draft"]}
    for user in (leader, manager):
        assert list(Plan.objects.visible_to(user)) == [world["published"]]


@pytest.mark.parametrize("who", ["leader", "manager"])
def test_drafts_are_hidden_from_everyone_but_administrators(client, world, at_today, who, request):
    user = request.getfixturevalue(who)
    _as(client, user)
    draft = world["draft"]

    page = client.get("/dashboard/").content.decode()
    assert "Published plan" in page and "Secret draft plan" not in page
    assert client.get(f"/dashboard/?plan={draft.pk}").status_code == 400
    assert client.get(f"/dashboard/accountability/?plan={draft.pk}").status_code == 400
    for export in ("/dashboard/export.csv", "/dashboard/export.xlsx"):
        assert client.get(f"{export}?plan={draft.pk}").status_code == 400
        # With one plan they may see, it is "the only plan": no need to name it.
        response = client.get(export)
        assert response.status_code == 200
        if export.endswith("csv"):
            body = response.content.decode()
            assert "Visible objective" in body and "Hidden draft objective" not in body

    response = client.get(f"/api/drift/?plan={draft.pk}")
    assert response.status_code == 400
    assert response.json() == {"error": f"There is no plan {draft.pk}."}
    response = client.get("/api/drift/")
    assert response.status_code == 200
    assert response.json()["plan"]["name"] == "Published plan"

    assert client.get(f"/objectives/{world['hidden'].pk}/").status_code == 404
    assert client.get(f"/milestones/{world['milestone'].pk}/").status_code == 404
    assert client.get(f"/objectives/{world['shown'].pk}/").status_code == 200


def test_the_owner_cannot_reach_their_objective_in_a_draft(client, world, at_today, manager):
    _as(client, manager)
    worklist = client.get("/").content.decode()
    assert "Visible objective" in worklist
    assert "Hidden draft objective" not in worklist
    hidden, milestone = world["hidden"], world["milestone"]
    for url in (
        f"/objectives/{hidden.pk}/edit/",
        f"/objectives/{hidden.pk}/updates/new/",
        f"/objectives/{hidden.pk}/milestones/new/",
        f"/objectives/{hidden.pk}/evidence/new/",
        f"/milestones/{milestone.pk}/reforecast/",
        f"/milestones/{milestone.pk}/complete/",
    ):
        assert client.get(url).status_code == 404, url


def test_administrators_see_drafts_with_a_draft_tag(client, world, at_today, admin_user):
    _as(client, admin_user)
    draft = world["draft"]
    page = client.get(f"/dashboard/?plan={draft.pk}").content.decode()
    assert "Hidden draft objective" in page
    assert "app-draft-tag" in page and ">Draft<" in page
    picker = client.get(f"/dashboard/?plan={world['published'].pk}").content.decode()
    assert "Secret draft plan (draft)" in picker
    assert client.get(f"/api/drift/?plan={draft.pk}").status_code == 200
    assert client.get(f"/dashboard/export.csv?plan={draft.pk}").status_code == 200
    page = client.get(f"/objectives/{world['hidden'].pk}/").content.decode()
    assert ">Draft<" in page
    assert ">Draft<" not in client.get(f"/objectives/{world['shown'].pk}/").content.decode()
    for url in ("/manage/", f"/manage/plans/{draft.pk}/"):
        assert ">Draft<" in client.get(url).content.decode()


def test_publishing_asks_for_confirmation_then_shows_the_plan_to_everyone(
    client, world, at_today, admin_user, leader
):
    draft = world["draft"]
    _as(client, admin_user)
    detail = client.get(f"/manage/plans/{draft.pk}/").content.decode()
    assert f"/manage/plans/{draft.pk}/publish/" in detail
    confirm = client.get(f"/manage/plans/{draft.pk}/publish/")
    assert confirm.status_code == 200
    assert "Publish this plan?" in confirm.content.decode()
    draft.refresh_from_db()
    assert draft.is_draft  # nothing changes until confirmed
    response = client.post(f"/manage/plans/{draft.pk}/publish/")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.published_on == TODAY
    record = draft.history.order_by("-history_date", "-history_id").first()
    assert (record.history_user, record.history_change_reason) == (admin_user, "Plan published")
    assert "is published" in client.get(response.url).content.decode()
    again = client.get(f"/manage/plans/{draft.pk}/publish/")
    assert again.status_code == 302  # already published: back to the plan

    _as(client, leader)
    assert client.get(f"/api/drift/?plan={draft.pk}").status_code == 200
    assert client.get(f"/objectives/{world['hidden'].pk}/").status_code == 200


def test_only_administrators_publish(world, leader, manager):
    from django.core.exceptions import PermissionDenied, ValidationError

    for user in (leader, manager, None):
        with pytest.raises(PermissionDenied):
            planning_services.plan_publish(plan=world["draft"], user=user)
    assert Plan.objects.get(pk=world["draft"].pk).is_draft
    with pytest.raises(ValidationError):
        planning_services.plan_publish(plan=world["published"], user=factories.make_admin())


def test_a_leader_with_only_drafts_sees_that_there_is_no_plan_yet(
    client, clock, admin_user, leader
):
    with clock(TODAY):
        factories.make_plan(user=admin_user, published=False)
        _as(client, leader)
        page = client.get("/dashboard/").content.decode()
        assert "There is no improvement plan yet" in page
        response = client.get("/api/drift/")
        assert response.status_code == 400
        assert response.json() == {"error": "There is no plan yet."}
