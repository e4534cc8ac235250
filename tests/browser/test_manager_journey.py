"""A manager keeps their objective true in a real browser; a leader sees it without edit controls.

axe-core checks every page on the way, error and conflict states included, and fails the test on
any serious or critical violation.
"""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from milestones import services as milestone_services
from milestones.models import Milestone
from tests import factories

pytestmark = pytest.mark.browser

RECRUIT = "Recruit ten experienced social workers"
INDUCTION = "Induction programme running"


def long_date(day: date) -> str:
    return f"{day.day} {day:%B %Y}"


@pytest.fixture
def plan():
    today = timezone.localdate()
    admin = factories.make_admin("ada", first_name="Ada", last_name="Lovelace")
    manager = factories.make_manager("mo", first_name="Mo", last_name="Khan")
    leader = factories.make_leader("lee", first_name="Lee", last_name="Leader")
    plan = factories.make_plan(user=admin, starts_on=date(2019, 1, 1), ends_on=date(2035, 1, 1))
    theme = factories.make_theme(plan, user=admin, name="Stabilising the workforce")
    objective = factories.make_objective(
        plan,
        user=admin,
        ref="1.2",
        title="Stabilise the social work workforce",
        theme=theme,
        source="Inspection: too many agency social workers",
        owner=manager,
        starts_on=today - timedelta(days=300),
        target_date=today + timedelta(days=800),
    )
    recruit = factories.make_milestone(
        objective, user=admin, title=RECRUIT, due_date=today + timedelta(days=20)
    )
    induction = factories.make_milestone(
        objective, user=admin, title=INDUCTION, due_date=today + timedelta(days=60)
    )
    factories.make_update(
        objective, user=manager, reported_on=today - timedelta(days=7), summary="Offers made"
    )
    return {
        "today": today,
        "admin": admin,
        "manager": manager,
        "leader": leader,
        "objective": objective,
        "recruit": recruit,
        "induction": induction,
    }


def fill_date(page, prefix: str, day: date) -> None:
    page.locator(f"#id_{prefix}_day").fill(str(day.day))
    page.locator(f"#id_{prefix}_month").fill(str(day.month))
    page.locator(f"#id_{prefix}_year").fill(str(day.year))


def submit(page, name: str) -> None:
    page.get_by_role("main").get_by_role("button", name=name).click()


def success_banner(page):
    return page.locator(".govuk-notification-banner--success")


def history(page):
    return page.locator("table.app-timeline")


def test_manager_reforecasts_completes_and_reports(
    page, login, assert_accessible, console_errors, plan
):
    today, objective = plan["today"], plan["objective"]
    login(page, plan["manager"])
    expect(page.get_by_role("heading", name="My objectives", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Stabilise the social work workforce")).to_be_visible()
    assert_accessible(page)

    page.get_by_role("link", name="Stabilise the social work workforce").click()
    expect(page).to_have_url(f"{page.url.split('/objectives/')[0]}/objectives/{objective.pk}/")
    expect(page.get_by_role("heading", name="Stabilise the social work workforce")).to_be_visible()
    expect(page.get_by_role("heading", name="Milestone trend")).to_be_visible()
    expect(
        page.get_by_role("img", name="Milestone trend analysis for objective 1.2")
    ).to_be_visible()
    assert_accessible(page)

    # Move a milestone later without a reason: refused, and the page said so beforehand.
    page.get_by_role("link", name=f"Re-forecast \u2018{RECRUIT}\u2019").click()
    current = today + timedelta(days=20)
    expect(page.get_by_text("you must say why", exact=False)).to_be_visible()
    assert_accessible(page)
    later = today + timedelta(days=50)
    fill_date(page, "due_date", later)
    submit(page, "Save new forecast")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("link")).to_have_text(
        f"Give a reason for moving the date later than {long_date(current)}"
    )
    assert page.title().startswith("Error: ")
    expect(page.locator("#id_due_date_day")).to_have_value(str(later.day))
    assert_accessible(page)
    assert Milestone.objects.get(pk=plan["recruit"].pk).due_date == current

    # With a reason: saved, and the reason and the person are in the history.
    page.get_by_label("Reason for the change").fill("Agency staff withdrew their offers")
    submit(page, "Save new forecast")
    expect(success_banner(page)).to_contain_text(f"is now forecast for {long_date(later)}")
    row = history(page).locator("tr", has_text="Agency staff withdrew their offers")
    expect(row).to_contain_text("Mo Khan")
    expect(row).to_contain_text("Milestone re-forecast later")
    expect(row).to_contain_text(f"from {long_date(current)} to {long_date(later)} (30 days later)")
    assert_accessible(page)

    # Complete a milestone: a future date is refused, today is accepted.
    page.get_by_role("link", name=f"Mark complete \u2018{INDUCTION}\u2019").click()
    expect(page.locator("#id_completed_on_day")).to_have_value(str(today.day))
    assert_accessible(page)
    fill_date(page, "completed_on", today + timedelta(days=1))
    submit(page, "Mark as complete")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Completion date cannot be in the future"
    )
    assert_accessible(page)
    fill_date(page, "completed_on", today)
    submit(page, "Mark as complete")
    expect(success_banner(page)).to_contain_text(f"marked as complete on {long_date(today)}")
    expect(history(page).locator("tr", has_text="Milestone completed")).to_contain_text("Mo Khan")
    assert Milestone.objects.get(pk=plan["induction"].pk).completed_on == today

    # A progress update from the form on the objective page: first empty, then filled in.
    submit(page, "Add progress update")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Enter a summary of progress")
    expect(page.locator(".govuk-error-summary")).to_contain_text("Select red, amber or green")
    assert_accessible(page)
    page.get_by_label("Amber").check()
    page.get_by_label("Summary of progress").fill("Two <b>offers</b> withdrawn; re-advertising.")
    submit(page, "Add progress update")
    expect(success_banner(page)).to_contain_text(f"Progress update for {long_date(today)} added")
    updates = page.locator("#updates ~ .app-update").first
    expect(updates).to_contain_text("Two <b>offers</b> withdrawn; re-advertising.")
    expect(updates).to_contain_text("By Mo Khan")
    assert_accessible(page)
    assert objective.progress_updates.count() == 2
    assert console_errors == []


def test_manager_adds_a_milestone_and_edits_the_description(
    page, login, assert_accessible, console_errors, plan
):
    objective = plan["objective"]
    login(page, plan["manager"])
    page.goto(f"/objectives/{objective.pk}/")

    page.get_by_role("button", name="Add a milestone").click()
    assert_accessible(page)
    page.get_by_label("Milestone").fill("x" * 301)
    page.locator("#id_due_date_day").fill("31")
    page.locator("#id_due_date_month").fill("2")
    page.locator("#id_due_date_year").fill(str(plan["today"].year + 1))
    submit(page, "Add milestone")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Milestone must be 300 characters or fewer")
    expect(summary).to_contain_text("Due date must be a real date")
    assert_accessible(page)
    page.get_by_label("Milestone").fill("Caseloads below 18")
    page.locator("#id_due_date_day").fill("28")
    submit(page, "Add milestone")
    expect(success_banner(page)).to_contain_text("Milestone \u2018Caseloads below 18\u2019 added")

    page.get_by_role("button", name="Change description or status").click()
    assert_accessible(page)
    page.get_by_label("Description").fill("Permanent, experienced social workers in every team.")
    page.get_by_label("In progress").check()
    page.get_by_label("Why are you making this change? (optional)").fill("Campaign launched")
    submit(page, "Save changes")
    expect(success_banner(page)).to_contain_text("its status is in progress")
    expect(history(page).locator("tr", has_text="Campaign launched")).to_contain_text(
        "Status changed from Not started to In progress"
    )
    assert console_errors == []


def test_a_stale_form_shows_the_conflict_and_saves_nothing(page, login, assert_accessible, plan):
    recruit = plan["recruit"]
    login(page, plan["manager"])
    page.goto(f"/milestones/{recruit.pk}/reforecast/")
    # Someone else saves first.
    moved = plan["today"] + timedelta(days=40)
    milestone_services.milestone_reschedule(
        milestone=recruit, user=plan["admin"], due_date=moved, reason="Board decision"
    )
    fill_date(page, "due_date", plan["today"] + timedelta(days=45))
    page.get_by_label("Reason for the change").fill("My reason")
    submit(page, "Save new forecast")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Someone else changed this milestone while you were editing it"
    )
    banner = page.locator(".govuk-notification-banner")
    expect(banner).to_contain_text("Your change has not been saved")
    expect(banner).to_contain_text(long_date(moved))  # the forecast date as it is now
    expect(page.get_by_text("Last changed by Ada Lovelace", exact=False)).to_be_visible()
    expect(page.get_by_label("Reason for the change")).to_have_value("My reason")
    assert_accessible(page)
    assert Milestone.objects.get(pk=recruit.pk).due_date == moved


def test_leader_sees_no_edit_controls(page, login, assert_accessible, console_errors, plan):
    objective = plan["objective"]
    login(page, plan["leader"])
    page.goto(f"/objectives/{objective.pk}/")
    main = page.get_by_role("main")
    expect(main.get_by_role("heading", name="Stabilise the social work workforce")).to_be_visible()
    expect(main.get_by_role("table").first).to_contain_text(RECRUIT)
    expect(main.get_by_role("button", name="Add a progress update")).to_have_count(0)
    expect(main.get_by_role("link", name="Re-forecast", exact=False)).to_have_count(0)
    expect(main.get_by_role("link", name="Mark complete", exact=False)).to_have_count(0)
    expect(main.locator("form[method=post]")).to_have_count(0)
    expect(main.locator("textarea")).to_have_count(0)
    assert_accessible(page)

    # The objective as it stood last week, from the date boxes.
    last_week = plan["today"] - timedelta(days=7)
    page.get_by_text("See this objective on an earlier date").click()
    fill_date(page, "as_of", last_week)
    main.get_by_role("button", name="Show").click()
    expect(
        page.get_by_text(f"You are looking at this objective as it stood on {long_date(last_week)}")
    ).to_be_visible()
    expect(page.get_by_role("link", name="See this objective as it is today")).to_be_visible()
    assert_accessible(page)

    assert console_errors == []

    # A bad date in the address: a clear error (a 400 page), not a server error.
    response = page.goto(f"/objectives/{objective.pk}/?as_of=2026-02-31")
    assert response.status == 400
    expect(page.locator(".govuk-error-summary")).to_contain_text("Date to show must be a real date")
    assert_accessible(page)


def test_the_forms_work_without_javascript(browser, live_server, plan):
    context = browser.new_context(base_url=live_server.url, java_script_enabled=False)
    page = context.new_page()
    try:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill("mo")
        page.get_by_label("Password").fill(factories.PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        page.goto(f"/milestones/{plan['recruit'].pk}/reforecast/")
        later = plan["today"] + timedelta(days=30)
        fill_date(page, "due_date", later)
        page.get_by_label("Reason for the change").fill("Without JavaScript")
        submit(page, "Save new forecast")
        expect(page.locator(".govuk-notification-banner--success")).to_be_visible()
        expect(history(page)).to_contain_text("Without JavaScript")
        assert Milestone.objects.get(pk=plan["recruit"].pk).due_date == later
    finally:
        context.close()
