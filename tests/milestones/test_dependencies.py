"""Adding and removing a milestone's dependencies: who may, the plan's links form no loop, a
duplicate gets the form's own message, and nothing is deleted. Clock frozen at 10 March 2026."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from milestones.dependencies import milestone_dependency_add, milestone_dependency_remove
from milestones.models import MilestoneDependency
from objectives import services as objective_services
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_objective(admin_user, other_manager, objective):
    return factories.make_objective(objective.plan, user=admin_user, owner=other_manager)


@pytest.fixture
def predecessor(other_objective, admin_user):
    return factories.make_milestone(
        other_objective, user=admin_user, title="Recruit staff", due_date=date(2026, 5, 3)
    )


def add(user, milestone, depends_on, reason="The hub needs its staff first"):
    return milestone_dependency_add(
        user=user, milestone=milestone, depends_on=depends_on, reason=reason
    )


def test_the_owner_of_the_waiting_milestone_links_it_with_a_reason(manager, milestone, predecessor):
    link = add(manager, milestone, predecessor)
    record = link.history.get()
    assert (record.history_user, record.history_change_reason) == (manager, link_reason())
    assert list(milestone.dependencies.linked()) == [link]


def link_reason():
    return "The hub needs its staff first"


def test_an_administrator_may_link_any_milestone(admin_user, milestone, predecessor):
    assert add(admin_user, milestone, predecessor).depends_on == predecessor


@pytest.mark.parametrize("who", ["other_manager", "leader"])
def test_others_may_not_link_it(request, who, milestone, predecessor):
    with pytest.raises(PermissionDenied):
        add(request.getfixturevalue(who), milestone, predecessor)
    assert not MilestoneDependency.objects.exists()


def test_the_owner_of_the_predecessor_alone_may_not(other_manager, milestone, predecessor):
    with pytest.raises(PermissionDenied):
        add(other_manager, milestone, predecessor)


def test_a_reason_is_required(manager, milestone, predecessor):
    with pytest.raises(ValidationError) as error:
        add(manager, milestone, predecessor, reason="   ")
    assert error.value.message_dict == {"reason": ["Give a reason for adding the dependency."]}


def test_a_milestone_cannot_wait_for_itself(admin_user, milestone):
    with pytest.raises(ValidationError) as error:
        add(admin_user, milestone, milestone)
    assert error.value.message_dict["depends_on"] == ["A milestone cannot wait for itself."]


def test_a_milestone_of_another_plan_is_refused(admin_user, milestone):
    elsewhere = factories.make_milestone(factories.make_objective(user=admin_user), user=admin_user)
    with pytest.raises(ValidationError) as error:
        add(admin_user, milestone, elsewhere)
    assert "same plan" in error.value.message_dict["depends_on"][0]


def test_no_loop_directly_or_through_others(admin_user, objective, milestone, predecessor):
    third = factories.make_milestone(objective, user=admin_user, title="Open the hub")
    add(admin_user, milestone, predecessor)  # milestone waits for predecessor
    add(admin_user, predecessor, third)  # predecessor waits for third
    with pytest.raises(ValidationError) as error:
        add(admin_user, third, milestone)  # third -> milestone -> predecessor -> third
    assert "cannot wait for each other" in error.value.message_dict["depends_on"][0]
    with pytest.raises(ValidationError):
        add(admin_user, predecessor, milestone)
    assert MilestoneDependency.objects.count() == 2


def test_a_removed_link_no_longer_makes_a_loop(admin_user, milestone, predecessor):
    link = add(admin_user, milestone, predecessor)
    milestone_dependency_remove(
        user=admin_user, dependency=link, reason="Not needed", expected_version=link.version
    )
    assert add(admin_user, predecessor, milestone).milestone == predecessor


def test_a_duplicate_gets_the_forms_own_message(admin_user, milestone, predecessor):
    add(admin_user, milestone, predecessor)
    with pytest.raises(ValidationError) as error:
        add(admin_user, milestone, predecessor)
    assert error.value.message_dict == {
        "depends_on": ["This milestone already depends on that one"]
    }


def test_a_withdrawn_predecessor_is_refused(admin_user, milestone, predecessor):
    from milestones.services import milestone_withdraw

    milestone_withdraw(milestone=predecessor, user=admin_user, reason="Dropped", expected_version=1)
    with pytest.raises(ValidationError) as error:
        add(admin_user, milestone, predecessor)
    assert "was withdrawn" in error.value.message_dict["depends_on"][0]


def test_an_owner_cannot_link_in_a_withdrawn_objective(
    admin_user, manager, objective, milestone, predecessor
):
    objective_services.objective_withdraw(
        objective=objective, user=admin_user, reason="Merged", expected_version=objective.version
    )
    with pytest.raises(ValidationError):
        add(manager, milestone, predecessor)


def test_removing_keeps_the_row_and_records_why(manager, milestone, predecessor):
    link = add(manager, milestone, predecessor)
    milestone_dependency_remove(
        user=manager, dependency=link, reason="Staff came from the agency", expected_version=1
    )
    link.refresh_from_db()
    assert link.removed_on == date(2026, 3, 10)
    assert link.history.count() == 2
    assert link.history.first().history_change_reason == "Staff came from the agency"
    assert not milestone.dependencies.linked().exists()
    with pytest.raises(ValidationError):
        milestone_dependency_remove(
            user=manager, dependency=link, reason="Again", expected_version=link.version
        )
    # and the same pair may be linked again, as a new row
    again = add(manager, milestone, predecessor)
    assert again.pk != link.pk


def test_removing_needs_rights_a_reason_and_the_version(
    manager, other_manager, milestone, predecessor
):
    from kit.stale_edits import StaleEditError

    link = add(manager, milestone, predecessor)
    with pytest.raises(PermissionDenied):
        milestone_dependency_remove(
            user=other_manager, dependency=link, reason="No", expected_version=1
        )
    with pytest.raises(ValidationError):
        milestone_dependency_remove(user=manager, dependency=link, reason="", expected_version=1)
    with pytest.raises(StaleEditError):
        milestone_dependency_remove(user=manager, dependency=link, reason="Ok", expected_version=7)
    link.refresh_from_db()
    assert link.removed_on is None
