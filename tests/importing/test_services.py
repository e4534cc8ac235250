"""The import writes through the plan's services: history names the file and the
administrator, baseline and forecast stay apart, re-importing duplicates nothing."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command

from importing.preview_rows import PlanChoice
from importing.services import ImportRefused, plan_import
from milestones.models import Milestone
from objectives.models import Objective, Plan, Theme
from tests.importing import workbooks as wb
from tests.importing.conftest import TODAY, read
from tracking.integrity import check_all, tracked_models

REASON = "Imported from tracker.xlsx"


def run(user, plan, objectives, milestones=(), name="tracker.xlsx", choice=None):
    workbook, mapping = read(wb.build(objectives, milestones))
    return plan_import(
        user=user,
        workbook=workbook,
        mapping=mapping,
        choice=choice or PlanChoice(plan=plan),
        file_name=name,
        today=TODAY,
    )


def every_history_record():
    for model in tracked_models():
        yield from model.history.all()


def test_a_clean_tracker_imports_with_owners_uk_dates_and_baseline_apart(
    clock, admin_user, plan, owner
):
    history_before = {model: model.history.count() for model in tracked_models()}
    with clock(TODAY):
        result = run(
            admin_user,
            plan,
            [
                wb.objective("1.1", owner_email="jo.OWNER@example.org", finding="Ofsted 2016"),
                wb.objective("1.2", theme="Edge of care", starts_on="01/05/2025"),
            ],
            [
                wb.milestone("1.1", "Recruit", baseline_date="01/09/2025", due_date="01/11/2025"),
                wb.milestone(
                    "1.1",
                    "Induct",
                    baseline_date="2025-10-01",
                    due_date="2025-10-01",
                    completed_on="03/10/2025",
                ),
            ],
        )
    assert result.summary() == (
        "2 objectives created, 2 milestones created, 1 milestone completed, 2 themes added"
    )
    first = Objective.objects.get(plan=plan, ref="1.1")
    assert first.owner == owner
    assert first.source == "Ofsted 2016"
    assert Objective.objects.get(ref="1.2").starts_on == date(2025, 5, 1)
    recruit = Milestone.objects.get(title="Recruit")
    assert (recruit.baseline_date, recruit.due_date) == (date(2025, 9, 1), date(2025, 11, 1))
    induct = Milestone.objects.get(title="Induct")
    assert induct.completed_on == date(2025, 10, 3)
    new_records = [
        record
        for model in tracked_models()
        for record in model.history.order_by("history_id")[history_before[model] :]
    ]
    assert new_records
    assert {r.history_change_reason for r in new_records} == {REASON}
    assert {r.history_user_id for r in new_records} == {admin_user.pk}
    assert check_all()[1] == []


def test_reimporting_duplicates_nothing_and_records_a_later_forecast(clock, admin_user, plan):
    objectives = [wb.objective("1.1", title="Stabilise the workforce")]
    with clock(TODAY):
        run(admin_user, plan, objectives, [wb.milestone("1.1", "Recruit")])
        counts = (Objective.objects.count(), Milestone.objects.count(), Theme.objects.count())
        result = run(
            admin_user,
            plan,
            [wb.objective("1.1", title="Stabilise the social work workforce")],
            [wb.milestone("1.1", "RECRUIT ", due_date=date(2025, 12, 15))],
            name="tracker v2.xlsx",
        )
    assert (Objective.objects.count(), Milestone.objects.count(), Theme.objects.count()) == counts
    assert result.summary() == "1 objective updated, 1 milestone re-forecast"
    milestone = Milestone.objects.get()
    assert milestone.baseline_date == date(2025, 9, 30)
    assert milestone.due_date == date(2025, 12, 15)
    latest = milestone.history.order_by("-history_id").first()
    assert latest.history_change_reason == "Imported from tracker v2.xlsx"
    assert latest.history_user == admin_user
    assert Objective.objects.get().title == "Stabilise the social work workforce"
    assert check_all()[1] == []


def test_reimporting_the_same_file_changes_nothing(clock, admin_user, plan):
    rows = ([wb.objective("1.1")], [wb.milestone("1.1", "Recruit", completed_on=date(2025, 9, 1))])
    with clock(TODAY):
        run(admin_user, plan, *rows)
        before = [model.history.count() for model in tracked_models()]
        assert run(admin_user, plan, *rows).summary() == "nothing to change"
    assert [model.history.count() for model in tracked_models()] == before


def test_a_reimport_may_not_move_a_baseline_and_never_deletes(clock, admin_user, plan):
    with clock(TODAY):
        run(admin_user, plan, [wb.objective("1.1"), wb.objective("1.2")], [wb.milestone()])
        with pytest.raises(ImportRefused) as refused:
            run(
                admin_user,
                plan,
                [wb.objective("1.1")],
                [wb.milestone(baseline_date=date(2025, 8, 1), due_date=date(2025, 9, 30))],
            )
    assert [str(p) for p in refused.value.problems] == [
        "Milestones!C2: The baseline is 30 September 2025 in the plan. A baseline changes only "
        "by re-baselining the milestone, with a reason, not by an import"
    ]
    assert Objective.objects.filter(ref="1.2").exists()


def test_owner_change_on_reimport_is_recorded_with_the_reason(clock, admin_user, plan, owner):
    with clock(TODAY):
        run(admin_user, plan, [wb.objective("1.1")])
        run(admin_user, plan, [wb.objective("1.1", owner_email="jo.owner@EXAMPLE.org")])
    objective = Objective.objects.get()
    assert objective.owner == owner
    assert objective.history.first().history_change_reason == REASON


def test_problems_write_nothing(clock, admin_user, plan):
    before = [model.history.count() for model in tracked_models()]
    with clock(TODAY), pytest.raises(ImportRefused):
        run(admin_user, plan, [wb.objective("1.1")], [wb.milestone("1.1"), wb.milestone("2.2")])
    assert [model.history.count() for model in tracked_models()] == before


def test_a_new_draft_plan(clock, admin_user):
    choice = PlanChoice(
        name="Imported plan",
        organisation="Kestrelford Borough Council",
        starts_on=date(2025, 4, 1),
        ends_on=date(2027, 3, 31),
    )
    with clock(TODAY):
        result = run(admin_user, None, [wb.objective()], choice=choice)
    assert result.plan.is_draft
    assert Plan.objects.get().history.get().history_change_reason == REASON


def test_only_administrators_may_import(clock, manager, plan):
    with clock(TODAY), pytest.raises(PermissionDenied):
        run(manager, plan, [wb.objective()])


def test_check_history_is_clean_after_an_import(clock, admin_user, plan, capsys):
    with clock(TODAY):
        run(admin_user, plan, [wb.objective()], [wb.milestone(due_date=date(2025, 10, 30))])
    call_command("check_history")
    assert "History is complete and consistent." in capsys.readouterr().out


def every_record_names_the_file():  # used by the command tests
    return {r.history_change_reason for r in every_history_record()}
