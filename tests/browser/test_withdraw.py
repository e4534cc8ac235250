"""An administrator withdraws a milestone with a reason, confirms on the "Are you sure?" page
(axe-core clean) and sees it struck through, with the reason, on the objective page."""

import re
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from milestones.models import Milestone
from tests import factories

pytestmark = pytest.mark.browser


def test_admin_withdraws_a_milestone(page, login, assert_accessible, console_errors):
    today = timezone.localdate()
    admin = factories.make_admin("wanda_admin", is_staff=True)
    owner = factories.make_manager("otto_owner")
    plan = factories.make_plan(
        user=admin, starts_on=today - timedelta(days=200), ends_on=today + timedelta(days=500)
    )
    objective = factories.make_objective(
        plan,
        user=admin,
        owner=owner,
        ref="4.2",
        starts_on=today - timedelta(days=100),
        target_date=today + timedelta(days=300),
    )
    milestone = factories.make_milestone(
        objective, user=admin, title="Second audit cycle", due_date=today + timedelta(days=60)
    )
    factories.make_milestone(
        objective, user=admin, title="Training delivered", due_date=today + timedelta(days=90)
    )

    login(page, admin)
    page.goto(f"/objectives/{objective.pk}/")
    page.get_by_text("Correct or withdraw (administrators)").click()
    page.get_by_role("link", name="Withdraw ‘Second audit cycle’").click()
    expect(page.get_by_role("heading", name="Withdraw the milestone")).to_be_visible()
    page.get_by_label("Why is it being withdrawn?").fill(
        "The board merged it into the regional audit"
    )
    page.get_by_role("button", name="Continue").click()

    expect(page.get_by_role("heading", name="Are you sure? Withdraw the milestone")).to_be_visible()
    expect(page.locator("#what-will-change")).to_contain_text("Second audit cycle")
    expect(page.locator("#what-will-change")).to_contain_text("merged it into the regional audit")
    assert_accessible(page)
    assert Milestone.objects.get(pk=milestone.pk).withdrawn_on is None
    page.get_by_role("button", name="Withdraw the milestone").click()

    expect(page).to_have_url(re.compile(rf"/objectives/{objective.pk}/$"))
    struck = page.locator("#withdrawn-milestones + ul del")
    expect(struck).to_have_text("Second audit cycle")
    expect(page.locator(".app-withdrawn")).to_contain_text(
        "The board merged it into the regional audit"
    )
    assert Milestone.objects.get(pk=milestone.pk).withdrawn_on == today
    assert_accessible(page)
    assert console_errors == []
