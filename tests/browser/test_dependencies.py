"""An owner links their milestone to one it waits for, at 390 px and 1280 px: the form and the
objective page fit the screen, pass axe-core, and the page says what the milestone waits for."""

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from kit.formatting import long_date
from tests import factories

pytestmark = pytest.mark.browser


def overflow(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("width", [390, 1280])
def test_an_owner_links_a_milestone_and_sees_the_knock_on(
    page, login, assert_accessible, console_errors, width
):
    today = timezone.localdate()
    admin = factories.make_admin(f"ada_admin_{width}")
    owner = factories.make_manager(f"olu_owner_{width}")
    plan = factories.make_plan(
        user=admin, starts_on=today - timedelta(days=100), ends_on=today + timedelta(days=500)
    )
    hub_objective = factories.make_objective(
        plan,
        user=admin,
        owner=owner,
        ref="1.1",
        starts_on=today - timedelta(days=50),
        target_date=today + timedelta(days=300),
    )
    staff_objective = factories.make_objective(
        plan,
        user=admin,
        ref="2.3",
        starts_on=today - timedelta(days=50),
        target_date=today + timedelta(days=300),
    )
    hub = factories.make_milestone(
        hub_objective, user=admin, title="Open the family hub", due_date=today + timedelta(days=60)
    )
    recruit_due = today + timedelta(days=72)
    factories.make_milestone(
        staff_objective, user=admin, title="Recruit staff", due_date=recruit_due
    )
    page.set_viewport_size({"width": width, "height": 800})
    login(page, owner)
    page.goto(f"/objectives/{hub_objective.pk}/")
    page.get_by_role("link", name="What ‘Open the family hub’ waits for").click()
    expect(page.get_by_role("heading", name="What ‘Open the family hub’ waits for")).to_be_visible()
    assert overflow(page) <= 0
    assert_accessible(page)
    page.get_by_label("Milestone it waits for").select_option(
        label=f"2.3 ‘Recruit staff’, due {long_date(recruit_due)}"
    )
    page.get_by_label("Reason").fill("The hub needs its staff in post first")
    page.get_by_role("button", name="Add dependency").click()
    expect(page.locator(".govuk-notification-banner, .app-dependencies")).not_to_have_count(0)
    expect(page.locator(".app-dependencies")).to_contain_text("2.3 ‘Recruit staff’")
    assert hub.dependencies.linked().count() == 1

    page.goto(f"/objectives/{hub_objective.pk}/")
    expect(page.locator(f"#milestone-{hub.pk} .app-knock-on")).to_contain_text(
        f"Waiting for 2.3 ‘Recruit staff’, due {long_date(recruit_due)}, "
        "12 days after this milestone"
    )
    assert overflow(page) <= 0
    assert_accessible(page)
    assert console_errors == []
