"""The update cycle in a real browser, at 390 and 1280 px: the dashboard and /manage/ say whose
updates are in for the next board, and an administrator reminds the missing owners once (the
second press sends nothing); the pages fit the screen and pass axe-core."""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from board import services as board_services
from objectives import services
from objectives.history import save_with_history
from tests import factories

pytestmark = pytest.mark.browser

LONDON = ZoneInfo("Europe/London")


def at(day, hour=10):
    return datetime.combine(day, time(hour), tzinfo=LONDON)


@pytest.fixture
def cycle_plan():
    today = timezone.localdate()
    start = today - timedelta(days=90)
    admin = factories.make_admin("ada", first_name="Ada", last_name="Lovelace")
    leader = factories.make_leader("lee", first_name="Lee", last_name="Leader")
    owners = [
        factories.make_manager("mo", first_name="Mo", last_name="Khan"),
        factories.make_manager("sam", first_name="Samantha", last_name="Featherstonehaugh"),
    ]
    plan = services.plan_create(
        user=admin,
        name="Children's services improvement plan",
        organisation="Example Borough Council",
        starts_on=start,
        ends_on=start + timedelta(days=900),
        recorded_at=at(start),
    )
    plan.published_on = start
    save_with_history(plan, user=admin, reason="Published", recorded_at=at(start, 11))
    titles = (
        "Recruit permanent social workers to the assessment teams",
        "Step children in need down to early help when it is safe",
        "Trauma-informed training for designated teachers in all 45 schools",
    )
    objectives = [
        services.objective_create(
            user=admin,
            plan=plan,
            ref=f"1.{n}",
            title=title,
            owner=owners[n % 2],
            starts_on=start,
            target_date=start + timedelta(days=600),
            recorded_at=at(start, 12),
        )
        for n, title in enumerate(titles, start=1)
    ]
    board_services.board_meeting_create(
        user=admin,
        plan=plan,
        held_on=today + timedelta(days=7),
        name="Improvement board",
        recorded_at=at(start, 14),
    )
    services.progress_update_create(
        user=owners[1],
        objective=objectives[0],
        reported_on=today - timedelta(days=2),
        rag="green",
        summary="Two offers accepted.",
        recorded_at=at(today - timedelta(days=2)),
    )
    return {"plan": plan, "admin": admin, "leader": leader, "today": today}


@pytest.mark.parametrize("width", [390, 1280])
def test_whose_updates_are_in_and_the_reminder(
    page, login, cycle_plan, assert_accessible, console_errors, width
):
    page.set_viewport_size({"width": width, "height": 900})
    login(page, cycle_plan["leader"])
    page.goto(f"/dashboard/?plan={cycle_plan['plan'].pk}")
    held_on = cycle_plan["today"] + timedelta(days=7)
    headline = f"Updates for the board on {held_on.day} {held_on:%B %Y}: 1 of 3 in"
    section = page.locator(".app-update-cycle")
    expect(section.get_by_role("heading", name=headline)).to_be_visible()
    expect(section.get_by_role("cell", name="Samantha Featherstonehaugh")).to_be_visible()
    expect(section.get_by_role("button")).to_have_count(0)  # leadership cannot remind
    assert page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 0
    assert_accessible(page)

    page.context.clear_cookies()
    login(page, cycle_plan["admin"])
    page.goto("/manage/")
    section = page.locator(".app-update-cycle")
    expect(section.get_by_role("heading", name=headline)).to_be_visible()
    assert page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 0
    assert_accessible(page)
    section.get_by_role("button", name="Remind the missing owners").click()
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("Reminder sent to 2 owners")
    assert page.url.endswith("/manage/")
    assert len(mail.outbox) == 2
    page.locator(".app-update-cycle").get_by_role(
        "button", name="Remind the missing owners"
    ).click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "Already reminded for this board, so not sent again"
    )
    assert len(mail.outbox) == 2
    assert_accessible(page)
    assert console_errors == []
