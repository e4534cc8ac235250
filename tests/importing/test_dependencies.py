"""The Milestones sheet's "Waits for" column (``depends_on``): links written through the
service with the import's reason, and each problem named by its cell."""

from datetime import date

import pytest

from importing.preview import PlanChoice, build_preview
from importing.services import ImportRefused, plan_import
from milestones.dependencies import milestone_dependency_add
from milestones.models import Milestone, MilestoneDependency
from milestones.services import milestone_withdraw
from tests import factories
from tests.importing import workbooks as wb
from tests.importing.conftest import TODAY, read

HEADINGS = [*wb.MILESTONE_HEADINGS, "depends_on"]  # "Waits for" is column F


def workbook(milestones, waits_for):
    def fill(book):
        for row, text in enumerate(waits_for, start=2):
            book["Milestones"].cell(row=row, column=6, value=text)

    objectives = [wb.objective("1.1"), wb.objective("2.3")]
    return read(wb.build(objectives, milestones, milestone_headings=HEADINGS, before_save=fill))


def step(ref, title, due):
    return wb.milestone(ref, title, baseline_date=due, due_date=due)


SHEET = [
    step("1.1", "Open the hub", date(2025, 12, 1)),
    step("2.3", "Recruit staff", date(2025, 12, 20)),
    step("2.3", "Train staff", date(2025, 11, 1)),
]


def objective_in(plan, admin, ref):
    return factories.make_objective(
        plan, user=admin, ref=ref, starts_on=date(2025, 4, 1), target_date=date(2026, 3, 31)
    )


def preview_of(plan, waits_for, milestones=SHEET):
    book, mapping = workbook(milestones, waits_for)
    return build_preview(book, mapping, PlanChoice(plan=plan), today=TODAY)


def problems(plan, waits_for, milestones=SHEET):
    return [(p.where, p.message) for p in preview_of(plan, waits_for, milestones).problems]


def test_the_column_is_guessed_from_its_heading(plan):
    book, mapping = workbook(SHEET, [])
    assert mapping["Milestones"]["depends_on"] == 5


def test_links_are_made_with_the_imports_reason(clock, admin_user, plan):
    book, mapping = workbook(SHEET, ["2.3: Recruit staff; 2.3 : train STAFF"])
    with clock(TODAY):
        result = plan_import(
            user=admin_user,
            workbook=book,
            mapping=mapping,
            choice=PlanChoice(plan=plan),
            file_name="tracker.xlsx",
        )
    assert result.dependencies_added == 2
    assert "2 dependencies added" in result.summary()
    hub = Milestone.objects.get(title="Open the hub", due_date=date(2025, 12, 1))
    links = MilestoneDependency.objects.filter(milestone=hub)
    assert sorted(link.depends_on.title for link in links) == ["Recruit staff", "Train staff"]
    assert {link.history.get().history_change_reason for link in links} == {
        "Imported from tracker.xlsx"
    }
    # importing the same file again adds nothing and refuses nothing
    with clock(TODAY):
        again = plan_import(
            user=admin_user,
            workbook=book,
            mapping=mapping,
            choice=PlanChoice(plan=plan),
            file_name="tracker.xlsx",
        )
    assert again.dependencies_added == 0
    assert MilestoneDependency.objects.count() == 2


def test_a_milestone_already_in_the_plan_may_be_waited_for(clock, admin_user, plan):
    with clock(TODAY):
        objective = objective_in(plan, admin_user, "4.1")
        factories.make_milestone(
            objective, user=admin_user, title="Agree budget", due_date=date(2025, 10, 1)
        )
    assert problems(plan, ["4.1: Agree budget"]) == []


@pytest.mark.parametrize(
    "cell, expected",
    [
        ("Recruit staff", "is not a milestone: write each milestone as"),
        ("2.3: Hire a chef", "No milestone \u201c2.3: Hire a chef\u201d on the Milestones sheet"),
        ("1.1: Open the hub", "A milestone cannot wait for itself"),
    ],
)
def test_each_problem_names_its_cell(plan, cell, expected):
    [(where, message)] = problems(plan, [cell])
    assert where == "Milestones!F2"
    assert expected in message


def test_a_loop_on_the_sheet_is_refused_at_the_cell_that_closes_it(plan):
    found = problems(plan, ["2.3: Recruit staff", "2.3: Train staff", "1.1: Open the hub"])
    assert found == [
        (
            "Milestones!F4",
            "\u201c1.1: Open the hub\u201d already waits, directly or through other milestones, "
            "for this one: the two cannot wait for each other",
        )
    ]


def test_a_loop_with_the_plans_own_links_is_refused(clock, admin_user, plan):
    with clock(TODAY):
        objective = objective_in(plan, admin_user, "1.1")
        hub = factories.make_milestone(
            objective, user=admin_user, title="Open the hub", due_date=date(2025, 12, 1)
        )
        other = objective_in(plan, admin_user, "2.3")
        staff = factories.make_milestone(
            other, user=admin_user, title="Recruit staff", due_date=date(2025, 12, 20)
        )
        milestone_dependency_add(user=admin_user, milestone=hub, depends_on=staff, reason="x")
    found = problems(plan, ["", "1.1: Open the hub"])
    assert [where for where, _ in found] == ["Milestones!F3"]


def test_a_withdrawn_milestone_cannot_be_waited_for(clock, admin_user, plan):
    with clock(TODAY):
        objective = objective_in(plan, admin_user, "4.1")
        gone = factories.make_milestone(
            objective, user=admin_user, title="Old step", due_date=date(2025, 12, 1)
        )
        milestone_withdraw(milestone=gone, user=admin_user, reason="Dropped", expected_version=1)
    [(where, message)] = problems(plan, ["4.1: Old step"])
    assert (where, "was withdrawn" in message) == ("Milestones!F2", True)


def test_a_refused_import_writes_no_links(clock, admin_user, plan):
    book, mapping = workbook(SHEET, ["2.3: Recruit staff", "", "9.9: Nowhere"])
    with clock(TODAY), pytest.raises(ImportRefused):
        plan_import(
            user=admin_user,
            workbook=book,
            mapping=mapping,
            choice=PlanChoice(plan=plan),
            file_name="tracker.xlsx",
        )
    assert not MilestoneDependency.objects.exists()
    assert not Milestone.objects.exists()


def test_the_template_workbook_documents_the_column():
    import io

    from openpyxl import load_workbook

    from importing.template import template_workbook

    sheet = load_workbook(io.BytesIO(template_workbook()))["Milestones"]
    headings = [cell.value for cell in sheet[1]]
    assert headings[-1] == "depends_on"
    assert '"2.3: Recruit staff; 1.4: Open the hub"' in sheet.cell(1, 6).comment.text


def _upload(client, objectives, milestones, waits_for, plan):
    import io

    from django.urls import reverse

    def fill(book):
        for row, text in enumerate(waits_for, start=2):
            book["Milestones"].cell(row=row, column=6, value=text)

    body = io.BytesIO(
        wb.build(objectives, milestones, milestone_headings=HEADINGS, before_save=fill)
    )
    body.name = "tracker.xlsx"
    response = client.post(reverse("importing:upload"), {"workbook": body, "plan": plan.pk})
    assert response.status_code == 302
    return client.get(response.url).content.decode()


def test_the_preview_lists_the_links_and_names_each_problems_cell(client, clock, admin_user, plan):
    client.force_login(admin_user)
    objectives = [wb.objective("1.1"), wb.objective("2.3")]
    with clock(TODAY):
        page = _upload(client, objectives, SHEET, ["2.3: Recruit staff"], plan)
        assert "Dependencies to add" in page
        assert "2.3: Recruit staff" in page
        page = _upload(client, objectives, SHEET, ["", "Hire a chef"], plan)
    assert "Milestones!F3" in page
    assert "is not a milestone" in page
