"""The import pages: upload, match the columns, preview, import; and the template."""

import io
from datetime import date

from django.urls import reverse
from openpyxl import load_workbook

from importing.parsing import read_workbook
from milestones.models import Milestone
from objectives.models import Objective, Plan
from tests.importing import workbooks as wb
from tests.importing.conftest import TODAY
from tracking.integrity import tracked_models


def upload(client, data, file_name="Plan tracker.xlsx", **fields):
    body = io.BytesIO(data)
    body.name = file_name
    return client.post(reverse("importing:upload"), {"workbook": body, **fields})


def history():
    return [model.history.count() for model in tracked_models()]


def test_upload_preview_import(client, clock, admin_user, plan, owner):
    client.force_login(admin_user)
    data = wb.build(
        [wb.objective("1.1", owner_email="JO.OWNER@example.org")],
        [wb.milestone("1.1", "Recruit", due_date="31/10/2025")],
    )
    with clock(TODAY):
        response = upload(client, data, plan=plan.pk)
        assert response.status_code == 302
        assert response.url == reverse("importing:preview")
        before = history()
        page = client.get(reverse("importing:preview")).content.decode()
        assert "Check the import" in page
        assert "Objectives to create" in page and "Milestones to create" in page
        assert "31 October 2025" in page
        assert history() == before  # the preview writes nothing
        response = client.post(reverse("importing:preview"))
        follow = client.get(response.url).content.decode()
    assert response.status_code == 302
    assert response.url == reverse("planning:plan_detail", args=[plan.pk])
    objective = Objective.objects.get(plan=plan)
    assert objective.owner == owner
    assert Milestone.objects.get().due_date == date(2025, 10, 31)
    record = objective.history.get()
    assert record.history_change_reason == "Imported from Plan tracker.xlsx"
    assert record.history_user == admin_user
    assert "Imported Plan tracker.xlsx" in follow
    assert "importing.upload" not in client.session


def test_headings_that_differ_are_matched_by_the_person(client, clock, admin_user, plan):
    client.force_login(admin_user)
    headings = ["Item", "Priority", "Objective", "Notes", "Source", "Lead", "Start", "Deadline"]
    data = wb.build(
        [wb.objective("1.1")],
        [wb.milestone("1.1", "Recruit")],
        objective_headings=headings,
        milestone_headings=["Objective", "Milestone", "Agreed date", "Forecast", "Done"],
    )
    with clock(TODAY):
        response = upload(client, data, plan=plan.pk)
        assert response.url == reverse("importing:columns")
        page = client.get(response.url)
        form = page.context["form"]
        # Guessed from the headings; "Item" is not a heading it knows.
        assert form["objectives-ref"].initial == ""
        assert form["objectives-title"].initial == "2"
        assert form["objectives-target_date"].initial == "7"
        assert form["milestones-baseline_date"].initial == "2"
        assert form["milestones-due_date"].initial == "3"
        data = {name: form[name].initial for name in form.fields}
        response = client.post(reverse("importing:columns"), data)
        assert response.status_code == 200
        assert "Choose the column that holds the reference" in response.content.decode()
        data["objectives-ref"] = "0"
        data["objectives-theme"] = "2"  # also chosen for the title
        response = client.post(reverse("importing:columns"), data)
        assert "This column is already chosen for Theme" in response.content.decode()
        data["objectives-theme"] = "1"
        response = client.post(reverse("importing:columns"), data)
        assert response.url == reverse("importing:preview")
        page = client.get(response.url).content.decode()
        assert "1 to create" in page
        assert "Target date: Column H: Deadline" in page
        assert "Reference: Column A: Item" in page
        client.post(reverse("importing:preview"))
    assert Objective.objects.get().theme.name == "Workforce"
    assert Milestone.objects.get().title == "Recruit"


def test_problems_show_with_their_cells_and_block_the_import(client, clock, admin_user, plan):
    client.force_login(admin_user)
    data = wb.build([wb.objective("1.1", target_date="31/02/2026")])
    with clock(TODAY):
        upload(client, data, plan=plan.pk)
        page = client.get(reverse("importing:preview")).content.decode()
        assert "Objectives!H2" in page
        assert "“31/02/2026” is not a real date" in page
        assert ">Import</button>" not in page
        before = history()
        client.post(reverse("importing:preview"))
    assert history() == before


def test_a_new_draft_plan_from_the_page(client, clock, admin_user):
    client.force_login(admin_user)
    fields = {
        "plan": "new",
        "name": "Moving in",
        "organisation": "Kestrelford",
        "starts_on_day": "1",
        "starts_on_month": "4",
        "starts_on_year": "2025",
        "ends_on_day": "31",
        "ends_on_month": "3",
        "ends_on_year": "2027",
    }
    with clock(TODAY):
        upload(client, wb.build([wb.objective()]), **fields)
        response = client.post(reverse("importing:preview"))
    plan = Plan.objects.get()
    assert plan.name == "Moving in" and plan.is_draft
    assert response.url == reverse("planning:plan_detail", args=[plan.pk])


def test_the_upload_form_refuses_clearly(client, admin_user, plan):
    client.force_login(admin_user)
    page = client.post(reverse("importing:upload"), {}).content.decode()
    assert "Select an Excel workbook (.xlsx)" in page
    assert "Choose the plan to import into" in page
    page = upload(client, b"a,b,c", file_name="plan.csv", plan=plan.pk).content.decode()
    assert "The selected file must be an Excel workbook (.xlsx)" in page
    page = upload(client, wb.build([]), plan="new").content.decode()
    assert "Enter the name of the new plan" in page
    assert "Enter the start date of the new plan" in page


def test_later_steps_without_an_upload_point_back_to_the_start(client, admin_user):
    client.force_login(admin_user)
    before = history()
    for name in ("importing:columns", "importing:preview"):
        for method in (client.get, client.post):
            response = method(reverse(name))
            assert response.status_code == 200
            page = response.content.decode()
            assert "There is no workbook to import" in page
            assert reverse("importing:upload") in page
    assert history() == before


def test_the_template_workbook(client, admin_user):
    client.force_login(admin_user)
    response = client.get(reverse("importing:template"))
    assert response.status_code == 200
    assert "attachment" in response["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["Objectives", "Milestones"]
    objectives, milestones = book["Objectives"], book["Milestones"]
    assert [c.value for c in objectives[1]] == wb.OBJECTIVE_HEADINGS
    assert [c.value for c in milestones[1]] == [*wb.MILESTONE_HEADINGS, "depends_on"]
    assert all(c.comment and c.comment.text for c in objectives[1])
    assert all(c.comment and c.comment.text for c in milestones[1])
    validated = {
        str(ref).split(":")[0]
        for validation in objectives.data_validations.dataValidation
        if validation.type == "date"
        for ref in validation.sqref.ranges
    }
    assert validated == {"G2", "H2"}
    assert objectives["A2"].value == "1.1"  # the example row
    assert milestones["A2"].value == "1.1"
    read_workbook(response.content)  # and it reads back as a safe workbook
