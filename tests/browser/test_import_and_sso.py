"""Moving in, in a real browser: an administrator imports an Excel tracker whose headings
differ from the template (upload, match the columns, preview, import, see the plan); a known
person signs in with their organisation's account at a local OpenID Connect provider, and an
unknown one is refused. Every page on the way is checked with axe-core."""

from datetime import date

import pytest
from playwright.sync_api import expect

from milestones.models import Milestone
from objectives.models import Objective
from tests import factories
from tests.importing import workbooks as wb
from tests.sso import provider as op

pytestmark = pytest.mark.browser


def test_administrator_imports_a_tracker(page, login, assert_accessible, console_errors, tmp_path):
    admin = factories.make_admin("ada", first_name="Ada", last_name="Lovelace")
    owner = factories.make_manager(
        "mo", first_name="Mo", last_name="Khan", email="Mo.Khan@example.org"
    )
    plan = factories.make_plan(
        user=admin,
        name="Improvement plan 2025 to 2027",
        starts_on=date(2025, 4, 1),
        ends_on=date(2027, 3, 31),
        published=False,
    )
    tracker = tmp_path / "Council tracker.xlsx"
    tracker.write_bytes(
        wb.build(
            [
                wb.objective(
                    "1.1", title="Permanent social workers", owner_email="mo.khan@EXAMPLE.org"
                )
            ],
            [
                wb.milestone(
                    "1.1", "Recruitment campaign", baseline_date="01/09/2025", due_date="01/11/2025"
                )
            ],
            objective_headings=[
                "Ref",
                "Priority",
                "Objective",
                "Notes",
                "Source",
                "Lead",
                "Start",
                "Item",
            ],
        )
    )
    login(page, admin)
    page.goto("/manage/")
    page.get_by_role("link", name="Import a plan from Excel").click()
    expect(page.get_by_role("heading", name="Import a plan from Excel")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("button", name="Upload and check").click()  # nothing chosen
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)

    page.get_by_label("Upload the workbook").set_input_files(str(tracker))
    page.get_by_label("Plan to import into").select_option(
        label="Improvement plan 2025 to 2027 (draft)"
    )
    page.get_by_role("button", name="Upload and check").click()

    expect(page.get_by_role("heading", name="Match the columns")).to_be_visible()
    assert_accessible(page)
    # "Item" is not a heading it can guess: the person says it is the target date.
    page.get_by_role("button", name="Continue to the preview").click()
    expect(page.get_by_text("Choose the column that holds the target date").first).to_be_visible()
    assert_accessible(page)
    page.locator("#id_objectives-target_date").select_option(label="Column H: Item")
    page.get_by_role("button", name="Continue to the preview").click()

    expect(page.get_by_role("heading", name="Check the import")).to_be_visible()
    expect(page.get_by_text("Permanent social workers")).to_be_visible()
    expect(page.get_by_role("cell", name="Mo Khan")).to_be_visible()
    assert_accessible(page)
    assert Objective.objects.count() == 0

    page.get_by_role("button", name="Import").click()
    expect(page.get_by_text("Imported Council tracker.xlsx")).to_be_visible()
    expect(page.get_by_role("heading", name="Improvement plan 2025 to 2027")).to_be_visible()
    expect(page.get_by_text("Permanent social workers").first).to_be_visible()
    assert_accessible(page)
    objective = Objective.objects.get(plan=plan)
    assert objective.owner == owner
    milestone = Milestone.objects.get()
    assert (milestone.baseline_date, milestone.due_date) == (date(2025, 9, 1), date(2025, 11, 1))
    assert console_errors == []


def test_sign_in_with_the_organisations_account(page, assert_accessible, console_errors, settings):
    person = factories.make_manager(
        "kim", first_name="Kim", last_name="Lee", email="Kim.Lee@example.org"
    )
    with op.provider() as base:
        op.configure(settings, base)
        op.add_person(base, "kim-sub", email="kim.lee@example.org")
        op.add_person(base, "stranger-sub", email="stranger@example.org")

        page.goto("/accounts/login/")
        assert_accessible(page)
        page.get_by_role("link", name="Sign in with your organisation's account").click()
        page.get_by_placeholder("sub").fill("kim-sub")
        page.get_by_role("button", name="Authorize").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        page.get_by_role("button", name="Sign out").click()

        page.goto("/accounts/login/")
        page.get_by_role("link", name="Sign in with your organisation's account").click()
        page.get_by_placeholder("sub").fill("stranger-sub")
        page.get_by_role("button", name="Authorize").click()
        expect(
            page.get_by_role("heading", name="You cannot sign in with your organisation's account")
        ).to_be_visible()
        expect(
            page.get_by_text("There is no account in this service for your email address")
        ).to_be_visible()
        assert_accessible(page)
    assert person.is_active
    # The provider's own pages load a stylesheet from the internet, which is not reachable
    # here, and it has no favicon (Flask's "NOT FOUND"); the refusal page answers 403 on
    # purpose. Nothing else may fail.
    expected = ("ERR_NAME_NOT_RESOLVED", "status of 403", "status of 404 (NOT FOUND)")
    unexpected = [e for e in console_errors if not any(x in e for x in expected)]
    assert unexpected == []
