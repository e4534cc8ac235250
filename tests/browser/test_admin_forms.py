"""Every administrators' form, submitted empty, shows a GOV.UK error summary axe-core accepts."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.browser


def test_set_up_and_people_forms_are_accessible_with_and_without_errors(
    page, login, assert_accessible, console_errors
):
    admin = factories.make_admin("ada", first_name="Ada", last_name="Lovelace", is_staff=True)
    mo = factories.make_manager("mo", first_name="Mo", last_name="Khan")
    plan = factories.make_plan(user=admin, name="Improvement plan")
    theme = factories.make_theme(plan, user=admin, name="Workforce", order=1)
    objective = factories.make_objective(plan, user=admin, ref="1.1", theme=theme, owner=mo)
    milestone = factories.make_milestone(objective, user=admin, due_date=date(2026, 9, 1))
    login(page, admin)

    forms = [
        ("/manage/plans/new/", "Create plan"),
        (f"/manage/plans/{plan.pk}/edit/", "Save changes"),
        (f"/manage/plans/{plan.pk}/themes/new/", "Add theme"),
        (f"/manage/plans/{plan.pk}/objectives/new/", "Add objective"),
        (f"/manage/objectives/{objective.pk}/edit/", "Save changes"),
        (f"/manage/objectives/{objective.pk}/milestones/new/", "Add milestone"),
        (f"/manage/milestones/{milestone.pk}/edit/", "Save changes"),
        (f"/manage/milestones/{milestone.pk}/rebaseline/", "Re-baseline"),
        (f"/manage/objectives/{objective.pk}/owner/", "Change owner"),
        ("/manage/accountability/bulk-reassign/", "Move open objectives"),
        ("/manage/people/new/", "Add person"),
        (f"/manage/people/{mo.pk}/edit/", "Save changes"),
        (f"/manage/people/{mo.pk}/password/", "Set password"),
    ]
    for url, button in forms:
        page.goto(url)
        assert_accessible(page)
        main = page.get_by_role("main")
        # Clear what the form offers, so every required field is missing.
        for field in main.locator("input.govuk-input, textarea").all():
            field.fill("")
        for box in main.locator("input[type=checkbox]:checked").all():
            box.uncheck()
        main.get_by_role("button", name=button, exact=True).click()
        summary = page.locator(".govuk-error-summary")
        expect(summary).to_be_visible()
        expect(page).to_have_title(re.compile(r"^Error: "))
        # Each link in the summary leads to a field on the page.
        for link in summary.get_by_role("link").all():
            target = link.get_attribute("href")
            assert page.locator(target).count() == 1, (url, target)
        assert_accessible(page)
    assert console_errors == []
