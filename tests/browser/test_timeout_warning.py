"""The warning before the idle sign-out, in a browser: it opens before the time runs out, is
answered with the keyboard alone, keeps what was typed, and signs out when it is ignored."""

import pytest
from playwright.sync_api import expect

from kit.models import AccountSession
from tests import factories

pytestmark = pytest.mark.browser


@pytest.fixture
def short_idle(settings):
    settings.SESSION_IDLE_SECONDS = 12
    settings.SESSION_WARNING_SECONDS = 9  # opens three seconds after a page loads


def _last_seen() -> int:
    (session,) = AccountSession.objects.all()
    return session.get_decoded()["last_seen"]


def test_the_warning_opens_and_the_keyboard_keeps_the_person_signed_in(
    page, login, short_idle, console_errors, assert_accessible
):
    person = factories.make_manager("idle_browser")
    login(page, person)
    page.goto("/account/")
    page.keyboard.press("Tab")  # focus starts on the page, not in the dialog
    dialog = page.get_by_role("dialog", name="You’re about to be signed out")
    expect(dialog).to_be_visible(timeout=6000)
    assert_accessible(page)
    before = _last_seen()
    # A modal dialog: the focus is inside it, on the first button.
    expect(dialog.get_by_role("button", name="Stay signed in")).to_be_focused()
    page.keyboard.press("Enter")
    expect(dialog).to_be_hidden()
    assert page.url.endswith("/account/")  # the page was not left or reloaded
    assert _last_seen() >= before
    # Escape answers the same way the next time it opens.
    expect(dialog).to_be_visible(timeout=6000)
    page.keyboard.press("Escape")
    expect(dialog).to_be_hidden()
    page.wait_for_timeout(500)
    assert page.url.endswith("/account/")
    assert page.get_by_role("button", name="Sign out").first.is_visible()
    assert console_errors == []


def test_ignoring_the_warning_signs_the_person_out(page, login, short_idle):
    person = factories.make_manager("idle_ignored")
    login(page, person)
    page.goto("/my/")
    expect(page.get_by_role("dialog")).to_be_visible(timeout=6000)
    page.wait_for_url("**/accounts/login/?next=/my/", timeout=15000)
    expect(page.get_by_label("Username")).to_be_visible()
    page.goto("/my/")
    assert "/accounts/login/" in page.url
