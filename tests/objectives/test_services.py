from datetime import date

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from milestones import services as milestone_services
from objectives import services
from objectives.history import StaleEditError
from objectives.models import Objective, Plan
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel("2026-03-10 10:00 +00:00", tick=False):
        yield


def test_objective_create_records_the_user_and_a_creation_record(admin_user, manager):
    objective = factories.make_objective(user=admin_user, owner=manager)
    record = objective.history.get()
    assert record.history_type == "+"
    assert record.history_user == admin_user
    assert record.owner_id == manager.pk


def test_owner_change_needs_a_reason_and_saves_nothing_without_one(admin_user, manager):
    objective = factories.make_objective(user=admin_user)
    with pytest.raises(ValidationError) as error:
        services.objective_assign_owner(
            objective=objective, user=admin_user, owner=manager, reason="  "
        )
    assert "reason" in error.value.message_dict
    objective.refresh_from_db()
    assert objective.owner is None
    assert objective.history.count() == 1


def test_owner_change_records_the_reason(admin_user, manager):
    objective = factories.make_objective(user=admin_user)
    services.objective_assign_owner(
        objective=objective, user=admin_user, owner=manager, reason="Head of service for LAC"
    )
    latest = objective.history.first()
    assert latest.owner_id == manager.pk
    assert latest.history_change_reason == "Head of service for LAC"
    assert latest.history_user == admin_user


def test_a_leaver_cannot_be_given_an_objective(admin_user):
    leaver = factories.make_manager("gone", active=False)
    objective = factories.make_objective(user=admin_user)
    with pytest.raises(ValidationError) as error:
        services.objective_assign_owner(
            objective=objective, user=admin_user, owner=leaver, reason="Cover"
        )
    assert "owner" in error.value.message_dict


def test_ref_is_unique_within_a_plan_but_not_across_plans(admin_user):
    plan = factories.make_plan(user=admin_user)
    factories.make_objective(plan, user=admin_user, ref="1.1")
    with pytest.raises(ValidationError):
        factories.make_objective(plan, user=admin_user, ref="1.1")
    factories.make_objective(factories.make_plan(user=admin_user), user=admin_user, ref="1.1")
    assert Objective.objects.filter(ref="1.1").count() == 2


def test_database_refuses_a_target_before_the_start(admin_user):
    plan = factories.make_plan(user=admin_user)
    with pytest.raises(IntegrityError), transaction.atomic():
        Objective.objects.create(
            plan=plan,
            ref="9.9",
            title="x",
            starts_on=date(2026, 1, 2),
            target_date=date(2026, 1, 1),
        )


def test_service_refuses_a_target_before_the_start_with_a_field_error(admin_user):
    with pytest.raises(ValidationError) as error:
        factories.make_objective(
            user=admin_user, starts_on=date(2026, 5, 1), target_date=date(2026, 4, 1)
        )
    assert "target_date" in error.value.message_dict


@pytest.mark.parametrize(
    "field", ["slip_tolerance_days", "stale_after_days", "due_soon_days", "update_window_days"]
)
def test_plan_tolerances_must_be_positive(admin_user, field):
    with pytest.raises(ValidationError):
        factories.make_plan(user=admin_user, **{field: 0})
    assert not Plan.objects.exists()


def test_moving_the_target_later_needs_a_reason(admin_user):
    objective = factories.make_objective(user=admin_user, target_date=date(2026, 6, 30))
    with pytest.raises(ValidationError):
        services.objective_update(
            objective=objective, user=admin_user, target_date=date(2026, 9, 30)
        )
    services.objective_update(
        objective=objective, user=admin_user, target_date=date(2026, 9, 30), reason="Funding"
    )
    assert objective.history.first().history_change_reason == "Funding"


def test_objective_update_cannot_change_the_owner(admin_user, manager):
    objective = factories.make_objective(user=admin_user)
    with pytest.raises(ValueError):
        services.objective_update(objective=objective, user=admin_user, owner=manager)


def test_objective_update_without_changes_records_nothing(admin_user):
    objective = factories.make_objective(user=admin_user, title="Same")
    services.objective_update(objective=objective, user=admin_user, title="Same")
    assert objective.history.count() == 1


def test_stale_edit_is_refused_and_changes_nothing(admin_user, manager):
    objective = factories.make_objective(user=admin_user, owner=manager)
    loaded_version = objective.version
    services.objective_update(
        objective=objective, user=manager, description="First", expected_version=loaded_version
    )
    with pytest.raises(StaleEditError) as error:
        services.objective_update(
            objective=objective, user=manager, description="Second", expected_version=loaded_version
        )
    assert error.value.current.description == "First"
    objective.refresh_from_db()
    assert objective.description == "First"
    assert objective.history.count() == 2


def test_progress_update_needs_a_summary_and_no_future_date(admin_user, manager):
    objective = factories.make_objective(user=admin_user, owner=manager)
    with pytest.raises(ValidationError):
        factories.make_update(objective, user=manager, reported_on=date(2026, 3, 10), summary=" ")
    with pytest.raises(ValidationError):
        factories.make_update(objective, user=manager, reported_on=date(2026, 3, 11))
    update = factories.make_update(objective, user=manager, reported_on=date(2026, 3, 10))
    assert update.history.get().history_user == manager


def test_milestone_baseline_equals_first_due_date(admin_user):
    objective = factories.make_objective(user=admin_user)
    milestone = factories.make_milestone(objective, user=admin_user, due_date=date(2026, 5, 1))
    assert milestone.baseline_date == milestone.due_date == date(2026, 5, 1)


def test_moving_a_milestone_later_needs_a_reason(admin_user, manager):
    objective = factories.make_objective(user=admin_user, owner=manager)
    milestone = factories.make_milestone(objective, user=admin_user, due_date=date(2026, 5, 1))
    with pytest.raises(ValidationError) as error:
        milestone_services.milestone_reschedule(
            milestone=milestone, user=manager, due_date=date(2026, 6, 1)
        )
    assert "reason" in error.value.message_dict
    milestone.refresh_from_db()
    assert milestone.due_date == date(2026, 5, 1)
    assert milestone.history.count() == 1

    milestone_services.milestone_reschedule(
        milestone=milestone, user=manager, due_date=date(2026, 6, 1), reason="Panel postponed"
    )
    latest = milestone.history.first()
    assert (latest.due_date, latest.history_change_reason) == (date(2026, 6, 1), "Panel postponed")
    assert latest.history_user == manager
    assert latest.baseline_date == date(2026, 5, 1)


def test_moving_a_milestone_earlier_needs_no_reason(admin_user):
    objective = factories.make_objective(user=admin_user)
    milestone = factories.make_milestone(objective, user=admin_user, due_date=date(2026, 5, 1))
    milestone_services.milestone_reschedule(
        milestone=milestone, user=admin_user, due_date=date(2026, 4, 1)
    )
    milestone.refresh_from_db()
    assert milestone.due_date == date(2026, 4, 1)


def test_completion_cannot_be_in_the_future(admin_user):
    objective = factories.make_objective(user=admin_user)
    milestone = factories.make_milestone(objective, user=admin_user)
    with pytest.raises(ValidationError) as error:
        milestone_services.milestone_complete(
            milestone=milestone, user=admin_user, completed_on=date(2026, 3, 11)
        )
    assert "completed_on" in error.value.message_dict
    milestone_services.milestone_complete(
        milestone=milestone, user=admin_user, completed_on=date(2026, 3, 10)
    )
    milestone.refresh_from_db()
    assert milestone.completed_on == date(2026, 3, 10)


def test_rebaseline_needs_a_reason_and_keeps_the_old_baseline_in_history(admin_user):
    objective = factories.make_objective(user=admin_user)
    milestone = factories.make_milestone(objective, user=admin_user, due_date=date(2026, 5, 1))
    with pytest.raises(ValidationError):
        milestone_services.milestone_rebaseline(
            milestone=milestone, user=admin_user, baseline_date=date(2026, 7, 1), reason=""
        )
    milestone_services.milestone_rebaseline(
        milestone=milestone, user=admin_user, baseline_date=date(2026, 7, 1), reason="Board agreed"
    )
    baselines = list(
        milestone.history.order_by("history_date").values_list("baseline_date", flat=True)
    )
    assert baselines == [date(2026, 5, 1), date(2026, 7, 1)]
    assert milestone.history.first().history_change_reason == "Board agreed"


def test_stale_milestone_edit_is_refused(admin_user):
    objective = factories.make_objective(user=admin_user)
    milestone = factories.make_milestone(objective, user=admin_user, due_date=date(2026, 5, 1))
    version = milestone.version
    milestone_services.milestone_reschedule(
        milestone=milestone, user=admin_user, due_date=date(2026, 4, 20), expected_version=version
    )
    with pytest.raises(StaleEditError):
        milestone_services.milestone_reschedule(
            milestone=milestone,
            user=admin_user,
            due_date=date(2026, 4, 1),
            expected_version=version,
        )
    assert milestone.history.count() == 2


def test_backdated_history_must_stay_in_order_and_not_in_the_future(admin_user):
    from datetime import UTC, datetime

    objective = factories.make_objective(user=admin_user)
    milestone = milestone_services.milestone_create(
        user=admin_user,
        objective=objective,
        title="Backdated",
        due_date=date(2026, 5, 1),
        recorded_at=datetime(2026, 2, 1, 10, tzinfo=UTC),
    )
    with pytest.raises(ValueError):
        milestone_services.milestone_reschedule(
            milestone=milestone,
            user=admin_user,
            due_date=date(2026, 6, 1),
            reason="Earlier than its creation",
            recorded_at=datetime(2026, 1, 1, 10, tzinfo=UTC),
        )
    with pytest.raises(ValueError):
        milestone_services.milestone_reschedule(
            milestone=milestone,
            user=admin_user,
            due_date=date(2026, 6, 1),
            reason="In the future",
            recorded_at=datetime(2027, 1, 1, 10, tzinfo=UTC),
        )
    assert milestone.history.count() == 1


def test_a_completed_milestone_cannot_be_rebaselined(admin_user):
    objective = factories.make_objective(user=admin_user)
    milestone = factories.make_milestone(objective, user=admin_user, due_date=date(2026, 3, 1))
    milestone_services.milestone_complete(
        milestone=milestone,
        user=admin_user,
        completed_on=date(2026, 3, 9),
        reason="Finished before it was put on the system",
    )
    with pytest.raises(ValidationError):
        milestone_services.milestone_rebaseline(
            milestone=milestone, user=admin_user, baseline_date=date(2026, 3, 9), reason="Hide it"
        )
