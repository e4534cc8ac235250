"""The improvement board's cycle in a real browser: a leader raises a challenge, the owner
answers it, the leader closes it; the board pack, the board meetings page and every challenge
page pass axe-core.

History is backdated through the services (``recorded_at``) so the plan has a past: a board
met five weeks ago and a milestone has been overdue since.
"""

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core import mail
from django.utils import timezone
from playwright.sync_api import expect

from board import services as board_services
from board.models import Challenge
from milestones import services as milestone_services
from objectives import services
from objectives.history import save_with_history
from tests import factories

pytestmark = pytest.mark.browser

LONDON = ZoneInfo("Europe/London")


def at(day, hour=10):
    return datetime.combine(day, time(hour), tzinfo=LONDON)


@pytest.fixture
def plan_with_board():
    today = timezone.localdate()
    start = today - timedelta(days=120)
    admin = factories.make_admin("ada", first_name="Ada", last_name="Lovelace")
    leader = factories.make_leader("lee", first_name="Lee", last_name="Leader")
    mo = factories.make_manager("mo", first_name="Mo", last_name="Khan")
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
    objective = services.objective_create(
        user=admin,
        plan=plan,
        ref="1.1",
        title="Recruit permanent social workers",
        owner=mo,
        starts_on=start,
        target_date=start + timedelta(days=600),
        recorded_at=at(start, 12),
    )
    milestone_services.milestone_create(
        user=admin,
        objective=objective,
        title="Recruitment campaign",
        due_date=today - timedelta(days=20),
        recorded_at=at(start, 13),
    )
    board_services.board_meeting_create(
        user=admin,
        plan=plan,
        held_on=today - timedelta(days=35),
        name="Improvement board",
        recorded_at=at(start, 14),
    )
    return {"plan": plan, "objective": objective, "admin": admin, "leader": leader, "mo": mo}


def test_leader_challenges_the_owner_answers_and_the_leader_closes(
    page, login, plan_with_board, assert_accessible, console_errors
):
    objective = plan_with_board["objective"]
    mail.outbox.clear()

    login(page, plan_with_board["leader"])
    page.goto(f"/objectives/{objective.pk}/")
    expect(page.get_by_role("heading", name="Challenges")).to_be_visible()
    page.get_by_role("button", name="Challenge the owner").click()
    expect(page.get_by_role("heading", name="Challenge the owner")).to_be_visible()
    page.get_by_role("button", name="Raise the challenge").click()
    expect(page.get_by_role("link", name="Enter your question for the owner")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your question for the owner").fill(
        "The campaign is three weeks overdue: what help do you need?"
    )
    page.get_by_role("button", name="Raise the challenge").click()
    expect(page.get_by_text("Challenge raised. Mo Khan has been emailed.")).to_be_visible()
    expect(page.get_by_text("Waiting for an answer").first).to_be_visible()
    assert_accessible(page)
    assert [m.to for m in mail.outbox] == [[plan_with_board["mo"].email]]
    page.get_by_role("button", name="Sign out").click()

    login(page, plan_with_board["mo"])
    expect(page.get_by_text("Questions for you")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="1.1 Recruit permanent social workers").first.click()
    expect(page.get_by_role("heading", name="Answer the challenge")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Your answer").fill("Two offers made; agency cover until they start.")
    page.get_by_role("button", name="Send the answer").click()
    expect(page.get_by_text("Answer sent.")).to_be_visible()
    expect(page.get_by_text("Two offers made; agency cover until they start.")).to_be_visible()
    assert len(mail.outbox) == 2 and mail.outbox[1].to == [plan_with_board["leader"].email]
    page.get_by_role("button", name="Sign out").click()

    login(page, plan_with_board["leader"])
    page.goto(f"/objectives/{objective.pk}/")
    page.get_by_role("button", name="Close the challenge from Lee Leader").click()
    expect(page.get_by_role("heading", name="Close the challenge")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Close the challenge").click()
    expect(page.get_by_text("Challenge closed.")).to_be_visible()
    expect(page.get_by_text("There are no open challenges on this objective.")).to_be_visible()
    assert Challenge.objects.get().status == Challenge.Status.CLOSED
    assert console_errors == []


def test_board_pack_dashboard_and_meetings_pages_are_accessible(
    page, login, plan_with_board, assert_accessible, console_errors
):
    plan = plan_with_board["plan"]
    login(page, plan_with_board["leader"])
    page.goto(f"/dashboard/?plan={plan.pk}")
    expect(page.get_by_text("Compared with the board on")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Board pack for this date").click()
    expect(page.get_by_role("heading", name="Board pack", exact=True)).to_be_visible()
    expect(page.get_by_role("heading", name="1.1 Recruit permanent social workers")).to_be_visible()
    assert_accessible(page)
    page.goto("/dashboard/report/?since=2020-13-01")
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    console_errors.clear()  # that page answers 400 on purpose
    page.get_by_role("button", name="Sign out").click()

    login(page, plan_with_board["admin"])
    page.goto(f"/manage/plans/{plan.pk}/")
    page.get_by_role("link", name="Add a board meeting").click()
    expect(page.get_by_role("heading", name="Board meetings")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Add the meeting").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Name of the meeting").fill("Improvement board")
    later = timezone.localdate() + timedelta(days=30)
    page.get_by_label("Day").fill(str(later.day))
    page.get_by_label("Month").fill(str(later.month))
    page.get_by_label("Year").fill(str(later.year))
    page.get_by_role("button", name="Add the meeting").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(f"on {later.day} ")
    assert console_errors == []
