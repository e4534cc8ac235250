"""Every problem the preview names, each with its sheet!cell and a plain reason."""

from datetime import date

import pytest

from importing.preview import build_preview
from importing.preview_rows import PlanChoice
from tests import factories
from tests.importing import workbooks as wb
from tests.importing.conftest import TODAY, read


def problems_for(plan, objectives, milestones=()):
    workbook, mapping = read(wb.build(objectives, milestones))
    preview = build_preview(workbook, mapping, PlanChoice(plan=plan), today=TODAY)
    return [str(p) for p in preview.problems], preview


def test_a_clean_workbook_has_no_problems_and_lists_what_it_creates(plan, owner):
    problems, preview = problems_for(
        plan,
        [wb.objective("1.1", owner_email="JO.OWNER@example.ORG")],
        [wb.milestone("1.1", "Recruit", due_date="31/10/2025")],
    )
    assert problems == []
    assert [o.ref for o in preview.objectives_new] == ["1.1"]
    assert preview.objectives[0].owner == owner
    assert preview.milestones_new[0].due_date == date(2025, 10, 31)
    assert preview.new_themes == ["Workforce"]


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (date(2025, 6, 1), date(2025, 6, 1)),
        ("2025-06-01", date(2025, 6, 1)),
        ("01/06/2025", date(2025, 6, 1)),  # UK order: 1 June, never 6 January
        ("1/6/2025", date(2025, 6, 1)),
        (None, date(2025, 4, 1)),  # blank start: the plan's start
    ],
)
def test_dates_are_read_as_real_dates_iso_text_or_uk_text(plan, value, expected):
    problems, preview = problems_for(plan, [wb.objective(starts_on=value)])
    assert problems == []
    assert (preview.objectives[0].starts_on or plan.starts_on) == expected


@pytest.mark.parametrize(
    ("value", "words"),
    [
        ("next March", "“next March” is not a date"),
        ("06/31/2025", "“06/31/2025” is not a real date"),  # US order is refused
        ("2025-02-30", "“2025-02-30” is not a real date"),
        (45000, "45000 is a number, not a date"),
    ],
)
def test_not_a_date(plan, value, words):
    problems, _ = problems_for(plan, [wb.objective(target_date=value)])
    assert len(problems) == 1
    assert problems[0].startswith("Objectives!H2: ")
    assert words in problems[0]


def test_unknown_objective_ref(plan):
    problems, _ = problems_for(plan, [wb.objective("1.1")], [wb.milestone("9.9", "Orphan")])
    assert problems == [
        "Milestones!A2: No objective has the reference 9.9, on the Objectives sheet or in the plan"
    ]


def test_duplicate_ref(plan):
    problems, _ = problems_for(plan, [wb.objective("1.1"), wb.objective("1.1", title="Again")])
    assert problems == ["Objectives!A3: The reference 1.1 is used twice (also in row 2)"]


def test_owner_email_matching_nobody_and_a_leaver(plan):
    factories.make_manager("left_person", email="gone@example.org", active=False)
    problems, _ = problems_for(
        plan,
        [
            wb.objective("1.1", owner_email="nobody@example.org"),
            wb.objective("1.2", owner_email="GONE@example.org"),
        ],
    )
    assert problems == [
        "Objectives!F2: No one with an active account has the email nobody@example.org",
        "Objectives!F3: GONE@example.org belongs to someone who has left; choose a current owner",
    ]


def test_completion_in_the_future(plan):
    problems, _ = problems_for(
        plan, [wb.objective()], [wb.milestone(completed_on=date(2026, 1, 16))]
    )
    assert problems == ["Milestones!E2: 16 January 2026 is in the future"]


def test_dates_outside_the_plan(plan):
    problems, _ = problems_for(
        plan,
        [wb.objective(starts_on=date(2025, 3, 31), target_date=date(2027, 4, 1))],
    )
    assert problems == [
        "Objectives!G2: 31 March 2025 is before the plan starts (1 April 2025)",
        "Objectives!H2: 1 April 2027 is after the plan ends (31 March 2027)",
    ]


def test_milestone_after_its_objectives_target(plan):
    problems, _ = problems_for(
        plan,
        [wb.objective(target_date=date(2026, 3, 31))],
        [wb.milestone(baseline_date=date(2026, 3, 1), due_date="30/04/2026")],
    )
    assert problems == [
        "Milestones!D2: 30 April 2026 is after its objective's target date (31 March 2026)"
    ]


def test_missing_values_and_target_before_start(plan):
    problems, _ = problems_for(
        plan,
        [
            wb.objective("", title=""),
            wb.objective("1.2", starts_on=date(2026, 1, 1), target_date=date(2025, 12, 1)),
        ],
        [wb.milestone("1.2", "", baseline_date=None, due_date=None)],
    )
    assert "Objectives!A2: Enter a reference for this objective" in problems
    assert "Objectives!C2: Enter a title for this objective" in problems
    assert (
        "Objectives!H3: The target date (1 December 2025) must be after the start date "
        "(1 January 2026)"
    ) in problems
    assert "Milestones!B2: Enter a title for this milestone" in problems
    assert "Milestones!D2: Enter a due date for this milestone" in problems


def test_a_missing_objectives_sheet_is_named(plan):
    data = wb.build(
        [], [], with_milestones=False, before_save=lambda b: setattr(b.active, "title", "Plan")
    )
    workbook, mapping = read(data)
    preview = build_preview(workbook, mapping, PlanChoice(plan=plan), today=TODAY)
    assert [str(p) for p in preview.problems] == [
        "The workbook has no sheet called Objectives (its sheets: Plan)"
    ]


def test_text_too_long_and_control_characters(plan):
    problems, _ = problems_for(plan, [wb.objective(title="x" * 301, description="bad\x7fdelete")])
    assert problems == [
        "Objectives!C2: This text is 301 characters long; the limit is 300",
        "Objectives!D2: This cell has control characters in it; remove them",
    ]


def test_milestone_before_its_objective_starts(plan):
    problems, _ = problems_for(
        plan,
        [wb.objective(starts_on=date(2025, 6, 1))],
        [wb.milestone(baseline_date=date(2025, 5, 1), due_date=date(2025, 7, 1))],
    )
    assert problems == ["Milestones!C2: 1 May 2025 is before its objective starts (1 June 2025)"]


def test_an_owner_is_looked_up_once_per_email(plan, owner, django_assert_max_num_queries):
    objectives = [wb.objective(f"1.{n}", owner_email="jo.owner@example.org") for n in range(30)]
    workbook, mapping = read(wb.build(objectives))
    with django_assert_max_num_queries(6):
        preview = build_preview(workbook, mapping, PlanChoice(plan=plan), today=TODAY)
    assert {row.owner for row in preview.objectives} == {owner}
