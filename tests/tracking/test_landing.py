"""``/`` sends each person to their work; ``/my/`` is always their worklist."""

from datetime import timedelta

import pytest
from django.utils import timezone

from objectives.permissions import ADMINISTRATORS, LEADERSHIP, MANAGERS
from tests import factories

pytestmark = pytest.mark.django_db


def test_leadership_lands_on_the_dashboard(client, leader):
    client.force_login(leader)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/dashboard/"


def test_administrators_land_on_plan_set_up(client, admin_user):
    client.force_login(admin_user)
    response = client.get("/")
    assert response.status_code == 302
    assert response["Location"] == "/manage/"


def test_managers_land_on_their_worklist(client, manager):
    client.force_login(manager)
    response = client.get("/")
    assert response.status_code == 200
    assert "My objectives" in response.content.decode()


@pytest.mark.parametrize("roles", [(LEADERSHIP,), (ADMINISTRATORS,), (LEADERSHIP, ADMINISTRATORS)])
def test_anyone_who_owns_objectives_lands_on_their_worklist(client, admin_user, roles):
    person = factories.make_user("ad_director", roles=roles)
    factories.make_objective(user=admin_user, owner=person, title="Edge of care offer")
    client.force_login(person)
    response = client.get("/")
    assert response.status_code == 200
    assert "Edge of care offer" in response.content.decode()


@pytest.mark.parametrize("roles", [(MANAGERS,), (LEADERSHIP,), (ADMINISTRATORS,)])
def test_my_objectives_stays_in_the_navigation_at_a_stable_address(client, db, roles):
    person = factories.make_user("someone", roles=roles)
    client.force_login(person)
    response = client.get("/my/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a class="govuk-service-navigation__link" href="/my/" aria-current="page">' in html


def test_the_worklist_groups_objectives_by_plan_when_they_span_plans(client, admin_user, manager):
    first = factories.make_plan(user=admin_user, name="Children's services plan")
    second = factories.make_plan(user=admin_user, name="Ofsted action plan")
    factories.make_objective(first, user=admin_user, owner=manager, ref="1.1", title="First one")
    factories.make_objective(second, user=admin_user, owner=manager, ref="1.1", title="Second one")
    client.force_login(manager)
    html = client.get("/my/").content.decode()
    assert '<h2 class="govuk-heading-m">Children&#x27;s services plan</h2>' in html
    assert '<h2 class="govuk-heading-m">Ofsted action plan</h2>' in html
    assert html.index("Children&#x27;s services plan") < html.index("First one")
    assert html.index("Ofsted action plan") < html.index("Second one")


def test_one_plan_needs_no_plan_heading(client, admin_user, manager):
    plan = factories.make_plan(user=admin_user, name="Children's services plan")
    factories.make_objective(plan, user=admin_user, owner=manager, title="Only one")
    client.force_login(manager)
    html = client.get("/my/").content.decode()
    assert "<h2" not in html.split("<main", 1)[1].split("</main>")[0]


def test_green_with_no_updates_does_not_claim_progress_is_reported(client, admin_user, manager):
    today = timezone.localdate()
    objective = factories.make_objective(
        user=admin_user,
        owner=manager,
        starts_on=today - timedelta(days=5),
        target_date=today + timedelta(days=300),
    )
    factories.make_milestone(objective, user=admin_user, due_date=today + timedelta(days=100))
    client.force_login(manager)
    html = client.get(f"/objectives/{objective.pk}/").content.decode()
    assert "progress is being reported" not in html
    assert "No progress update has been given yet." in html
    assert ">None<" not in html
    assert html.count("Not given") == 2  # the description and the finding it answers
