"""An administrator publishes a draft plan through its confirmation page, in a real browser;
before that the leader cannot see it, afterwards they can. Every page is checked with axe-core.
"""

import pytest
from playwright.sync_api import expect

from objectives.models import Plan
from tests import factories

pytestmark = pytest.mark.browser


@pytest.fixture
def draft_plan():
    admin = factories.make_admin("ada", first_name="Ada", last_name="Lovelace", is_staff=True)
    leader = factories.make_leader("lee", first_name="Lee", last_name="Leader")
    owner = factories.make_manager("mo", first_name="Mo", last_name="Khan")
    plan = factories.make_plan(user=admin, name="Draft plan 2026 to 2028", published=False)
    objective = factories.make_objective(
        plan, user=admin, ref="1.1", title="Permanent social workers", owner=owner
    )
    return {"admin": admin, "leader": leader, "plan": plan, "objective": objective}


def test_administrator_publishes_a_draft_plan_after_confirming(
    page, login, assert_accessible, console_errors, draft_plan
):
    data = draft_plan
    plan = data["plan"]

    # Before: the leader does not see the draft anywhere.
    login(page, data["leader"])
    page.goto("/dashboard/")
    expect(page.get_by_role("main")).to_contain_text("There is no improvement plan yet")
    assert page.request.get(f"/api/drift/?plan={plan.pk}").status == 400
    assert page.goto(f"/objectives/{data['objective'].pk}/").status == 404
    console_errors.clear()  # the browser reports the 404 it was just asked for
    page.goto("/")
    page.get_by_role("button", name="Sign out").click()

    # The administrator sees it, tagged as a draft, and publishes it.
    login(page, data["admin"])
    page.goto("/manage/")
    row = page.get_by_role("row").filter(has=page.get_by_role("link", name=plan.name))
    expect(row).to_contain_text("Draft")
    assert_accessible(page)
    page.get_by_role("link", name=plan.name).click()
    expect(page.get_by_role("heading", name=plan.name, level=1)).to_be_visible()
    expect(page.locator(".app-draft-tag").first).to_have_text("Draft")
    assert_accessible(page)
    page.get_by_role("link", name=f"Publish {plan.name}").click()
    expect(page.get_by_role("heading", name="Publish this plan?", level=1)).to_be_visible()
    assert_accessible(page)
    assert Plan.objects.get(pk=plan.pk).is_draft  # nothing happens until confirmed
    page.get_by_role("main").get_by_role("button", name="Publish the plan").click()
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        f"Plan “{plan.name}” is published"
    )
    expect(page.get_by_role("main")).to_contain_text("Published on")
    expect(page.locator(".app-draft-tag")).to_have_count(0)
    assert_accessible(page)
    assert not Plan.objects.get(pk=plan.pk).is_draft
    page.get_by_role("button", name="Sign out").click()

    # After: the leader sees the plan and its objective.
    login(page, data["leader"])
    page.goto("/dashboard/")
    expect(page.get_by_role("link", name="Permanent social workers")).to_be_visible()
    assert_accessible(page)
    assert page.request.get(f"/api/drift/?plan={plan.pk}").ok
    assert console_errors == []
