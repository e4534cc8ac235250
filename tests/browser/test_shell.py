"""The app shell in a real browser: styled sign-in, errors, the manager's worklist, sign out."""

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.browser


def test_login_page_is_styled_with_govuk_frontend_in_arial(page, console_errors):
    stylesheets = []
    page.on(
        "response",
        lambda response: (
            stylesheets.append(response)
            if response.url.endswith("/stylesheets/application.css")
            else None
        ),
    )
    page.goto("/accounts/login/")

    assert [response.status for response in stylesheets] == [200]
    heading = page.get_by_role("heading", name="Sign in", level=1)
    expect(heading).to_have_class("govuk-heading-l")
    font_family = heading.evaluate("element => getComputedStyle(element).fontFamily")
    assert "arial" in font_family.lower()
    assert "transport" not in font_family.lower()
    # GOV.UK Frontend ran: init.mjs marks the body and no script was refused or failed.
    expect(page.locator("body")).to_have_class(
        "govuk-template__body js-enabled govuk-frontend-supported"
    )
    assert console_errors == []


def test_bad_password_shows_the_error_summary_and_keeps_the_username(page, assert_accessible):
    factories.make_manager("mo_manager")
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill("mo_manager")
    page.get_by_label("Password").fill("not-the-password")
    page.get_by_role("button", name="Sign in").click()

    summary = page.locator(".govuk-error-summary")
    expect(summary).to_be_visible()
    expect(summary.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(summary.get_by_role("link")).to_have_attribute("href", "#id_username")
    expect(page).to_have_title("Error: Sign in – Improvement plan")
    expect(page.get_by_label("Username")).to_have_value("mo_manager")
    expect(page.get_by_label("Password")).to_have_value("")
    assert_accessible(page)


def test_manager_sees_their_objectives_with_rag_in_words(
    page, login, assert_accessible, live_server
):
    admin = factories.make_admin("ada_admin")
    manager = factories.make_manager("mo_manager", first_name="Mo", last_name="Khan")
    other = factories.make_manager("nat_manager")
    plan = factories.make_plan(user=admin, starts_on=date(2019, 1, 1))
    today = timezone.localdate()
    # Past its target date whatever today is: red.
    late = factories.make_objective(
        plan,
        user=admin,
        owner=manager,
        ref="1.1",
        title="Stabilise the social work workforce",
        starts_on=date(2019, 1, 1),
        target_date=date(2020, 6, 30),
    )
    # Started today with a milestone ten days out: green, "due in 10 days".
    on_track = factories.make_objective(
        plan,
        user=admin,
        owner=manager,
        ref="2.1",
        title="Family group conferencing for every family at the edge of care",
        starts_on=today,
        target_date=today + timedelta(days=300),
    )
    factories.make_milestone(
        on_track, user=admin, title="Coordinators recruited", due_date=today + timedelta(days=10)
    )
    factories.make_objective(plan, user=admin, owner=other, ref="3.1", title="Not mine")

    login(page, manager)

    expect(page).to_have_url(f"{live_server.url}/")
    expect(page.get_by_role("heading", name="My objectives", level=1)).to_be_visible()
    expect(page.locator("header")).to_contain_text("Mo Khan")
    current = page.get_by_role("navigation", name="Menu").get_by_role("link", name="My objectives")
    expect(current).to_have_attribute("aria-current", "page")
    expect(page.get_by_role("link", name="Admin")).to_have_count(0)

    rows = page.locator("table.govuk-table tbody tr")
    expect(rows).to_have_count(2)
    red, green = rows.nth(0), rows.nth(1)
    expect(red.locator(".govuk-tag")).to_have_text("Red")
    expect(red).to_contain_text("Past its target date")
    expect(red.get_by_role("link", name=late.title)).to_have_attribute(
        "href", f"/objectives/{late.pk}/"
    )
    expect(green.locator(".govuk-tag")).to_have_text("Green")
    expect(green).to_contain_text("Coordinators recruited")
    expect(green).to_contain_text("due in 10 days")
    expect(green).to_contain_text("No updates yet")
    expect(green.get_by_role("link", name=on_track.title)).to_have_attribute(
        "href", f"/objectives/{on_track.pk}/"
    )
    expect(page.get_by_text("Not mine")).to_have_count(0)
    assert_accessible(page)


def test_only_administrators_see_the_admin_link(page, login):
    login(page, factories.make_admin("ada_admin"))
    menu = page.get_by_role("navigation", name="Menu")
    expect(menu.get_by_role("link", name="Admin")).to_have_count(1)
    expect(menu.get_by_role("link", name="Dashboard")).to_have_attribute("href", "/dashboard/")


def test_someone_without_objectives_sees_the_empty_state(page, login, assert_accessible):
    login(page, factories.make_manager("new_manager"))
    expect(page.get_by_text("You do not own any objectives yet.")).to_be_visible()
    expect(page.locator("table")).to_have_count(0)
    assert_accessible(page)


def test_sign_out_returns_to_the_login_page(page, login, live_server):
    login(page, factories.make_manager("mo_manager"))
    page.get_by_role("button", name="Sign out").click()

    expect(page).to_have_url(f"{live_server.url}/accounts/login/")
    expect(page.get_by_role("heading", name="Sign in", level=1)).to_be_visible()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)
    page.goto("/")
    expect(page).to_have_url(f"{live_server.url}/accounts/login/?next=/")
