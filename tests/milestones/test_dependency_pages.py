"""The pages that add and remove what a milestone waits for: the owner's, and the
administrators' under /manage/. Clock frozen at 10 March 2026."""

import re
from datetime import date

import pytest
from django.urls import reverse

from milestones.dependencies import milestone_dependency_add
from milestones.models import MilestoneDependency
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def predecessor(objective, admin_user, other_manager):
    other = factories.make_objective(
        objective.plan, user=admin_user, ref="2.3", owner=other_manager
    )
    return factories.make_milestone(
        other, user=admin_user, title="Recruit staff", due_date=date(2026, 4, 13)
    )


def page(milestone, place="milestones"):
    return reverse(f"{place}:milestone_dependencies", args=[milestone.pk])


def test_the_owner_adds_a_link_and_the_objective_page_says_what_it_waits_for(
    client, manager, objective, milestone, predecessor
):
    client.force_login(manager)
    form = client.get(page(milestone)).content.decode()
    assert "2.3 \u2018Recruit staff\u2019, due 13 April 2026" in form  # a choice
    response = client.post(
        page(milestone), {"depends_on": predecessor.pk, "reason": "Needs the staff"}
    )
    assert response.status_code == 302
    link = MilestoneDependency.objects.get()
    assert (link.milestone, link.depends_on) == (milestone, predecessor)
    assert link.history.get().history_change_reason == "Needs the staff"
    detail = client.get(reverse("tracking:objective_detail", args=[objective.pk])).content
    text = detail.decode()
    assert (
        "Waiting for 2.3 \u2018Recruit staff\u2019, due 13 April 2026, "
        "12 days after this milestone" in text
    )
    assert re.search(r'data-flags="[^"]*\bknock_on\b', text)


def test_a_missing_reason_or_choice_is_said_on_the_form(client, manager, milestone, predecessor):
    client.force_login(manager)
    response = client.post(page(milestone), {"depends_on": "", "reason": ""})
    text = response.content.decode()
    assert response.status_code == 200
    assert "Choose the milestone this one waits for" in text
    assert "Give a reason for adding the dependency" in text
    assert not MilestoneDependency.objects.exists()


@pytest.mark.parametrize("value", ["9999", "abc", "\x00", "1" * 5000])
def test_a_choice_not_offered_is_refused_on_the_form(client, manager, milestone, value):
    client.force_login(manager)
    response = client.post(page(milestone), {"depends_on": value, "reason": "Because"})
    assert response.status_code in (200, 400)
    assert not MilestoneDependency.objects.exists()


def test_a_loop_is_refused_on_the_form(client, admin_user, milestone, predecessor):
    milestone_dependency_add(
        user=admin_user, milestone=predecessor, depends_on=milestone, reason="x"
    )
    client.force_login(admin_user)
    response = client.post(page(milestone), {"depends_on": predecessor.pk, "reason": "Loop"})
    assert response.status_code == 200
    assert "cannot wait for each other" in response.content.decode()
    assert MilestoneDependency.objects.count() == 1


def test_the_owner_removes_a_link_with_a_reason(client, manager, milestone, predecessor):
    link = milestone_dependency_add(
        user=manager, milestone=milestone, depends_on=predecessor, reason="Needs the staff"
    )
    client.force_login(manager)
    url = reverse("milestones:milestone_dependency_remove", args=[link.pk])
    assert client.post(url, {"expected_version": "1", "reason": ""}).status_code == 200
    response = client.post(url, {"expected_version": "1", "reason": "Agency staff instead"})
    assert response.status_code == 302
    link.refresh_from_db()
    assert link.removed_on == date(2026, 3, 10)
    assert client.get(url).status_code == 403  # removed already: nothing more to do


def test_a_stale_removal_gets_the_conflict_page(client, manager, milestone, predecessor):
    link = milestone_dependency_add(
        user=manager, milestone=milestone, depends_on=predecessor, reason="Needs the staff"
    )
    client.force_login(manager)
    url = reverse("milestones:milestone_dependency_remove", args=[link.pk])
    response = client.post(url, {"expected_version": "7", "reason": "Old form"})
    assert response.status_code == 409
    link.refresh_from_db()
    assert link.removed_on is None


def test_administrators_use_the_same_pages_under_manage(
    client, admin_user, manager, milestone, predecessor
):
    url = page(milestone, "planning")
    assert url.startswith("/manage/")
    client.force_login(manager)
    assert client.get(url).status_code == 403
    client.force_login(admin_user)
    assert client.get(url).status_code == 200
    response = client.post(url, {"depends_on": predecessor.pk, "reason": "Agreed at the board"})
    assert response.status_code == 302 and response.url == url
    link = MilestoneDependency.objects.get()
    remove = reverse("planning:milestone_dependency_remove", args=[link.pk])
    assert remove.startswith("/manage/")
    response = client.post(remove, {"expected_version": "1", "reason": "Not needed"})
    assert response.status_code == 302 and response.url == url


def test_the_owner_of_the_waited_for_milestone_may_not_change_the_link(
    client, other_manager, milestone, predecessor
):
    client.force_login(other_manager)
    assert client.get(page(milestone)).status_code == 403
    assert client.get(page(predecessor)).status_code == 200  # their own milestone's page


def test_the_objective_timeline_shows_each_link_added_and_removed_with_why(
    client, manager, objective, milestone, predecessor
):
    from milestones.dependencies import milestone_dependency_remove

    link = milestone_dependency_add(
        user=manager, milestone=milestone, depends_on=predecessor, reason="Needs the staff"
    )
    url = reverse("tracking:objective_detail", args=[objective.pk])
    client.force_login(manager)
    first = client.get(url).content.decode()
    assert "Dependency added" in first and "Needs the staff" in first
    milestone_dependency_remove(
        user=manager, dependency=link, reason="Agency staff instead", expected_version=1
    )
    text = client.get(url).content.decode()  # a new record: the timeline is drawn again
    assert "Dependency removed" in text and "Agency staff instead" in text
    assert "Waits for: 2.3 \u2018Recruit staff\u2019" in text
