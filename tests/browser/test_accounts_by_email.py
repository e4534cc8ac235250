"""A new person's invitation, and "Forgot your password?", as people really use them.

Every page on the way, error states included, is checked with axe-core. The emails are read
from Django's in-memory outbox (the live server runs in this process).
"""

import re
from datetime import date

import pytest
from django.core import mail
from django.core.cache import cache
from playwright.sync_api import expect

from reminders.models import SentEmail
from tests import factories

pytestmark = pytest.mark.browser
STRONG = "a-long-and-unusual-passphrase-42"
LINK = re.compile(r"https?://[^\s\"<>]+/accounts/reset/[^\s\"<>]+/")


@pytest.fixture(autouse=True)
def _site(settings, live_server):
    settings.SITE_URL = live_server.url
    cache.clear()
    mail.outbox.clear()
    yield
    cache.clear()


def _link(message) -> str:
    return LINK.findall(message.body)[0]


def _choose_password(page, assert_accessible):
    expect(page.get_by_role("heading", name="Choose a password")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(STRONG)
    page.get_by_label("Confirm the new password").fill(STRONG + "-typo")
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("heading", name="There is a problem")).to_be_visible()
    expect(page).to_have_title(re.compile("^Error: "))
    assert_accessible(page)
    page.get_by_label("New password", exact=True).fill(STRONG)
    page.get_by_label("Confirm the new password").fill(STRONG)
    page.get_by_role("button", name="Save password").click()
    expect(page.get_by_role("heading", name="Your password has been saved")).to_be_visible()
    assert_accessible(page)


def _sign_in(page, username):
    page.goto("/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(STRONG)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_a_new_person_is_invited_and_chooses_a_password(
    page, login, assert_accessible, console_errors
):
    admin = factories.make_admin("ada", first_name="Ada", last_name="Admin", is_staff=True)
    login(page, admin)
    page.goto("/manage/people/new/")
    assert_accessible(page)
    page.get_by_label("Username").fill("sam.jones")
    page.get_by_label("First name").fill("Sam")
    page.get_by_label("Last name").fill("Jones")
    page.get_by_label("Email address").fill("sam.jones@example.org")
    page.get_by_label("Manager: updates the objectives they own").check()
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_text("We have emailed sam.jones@example.org a link")).to_be_visible()
    assert_accessible(page)
    (message,) = mail.outbox
    assert message.to == ["sam.jones@example.org"]
    page.get_by_role("button", name="Sign out").click()

    page.goto(_link(message))
    _choose_password(page, assert_accessible)
    _sign_in(page, "sam.jones")
    page.goto("/account/")
    expect(page.get_by_role("heading", name="Your account")).to_be_visible()
    assert_accessible(page)
    expect(page.get_by_label("Send me the weekly digest")).to_have_count(0)  # managers get none
    page.get_by_label("Send me a daily reminder").uncheck()
    page.get_by_role("button", name="Save email choices").click()
    expect(page.get_by_text("Your email choices have been saved.")).to_be_visible()
    expect(page.get_by_label("Send me a daily reminder")).not_to_be_checked()
    assert_accessible(page)

    # The invitation link was for one use.
    page.get_by_role("button", name="Sign out").click()
    page.goto(_link(message))
    expect(page.get_by_role("heading", name="This link does not work")).to_be_visible()
    assert_accessible(page)
    assert console_errors == []


def test_forgot_your_password_from_the_sign_in_page(page, assert_accessible, console_errors):
    factories.make_manager("mo", first_name="Mo", last_name="Khan")
    page.goto("/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    expect(page.get_by_role("heading", name="Reset your password")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("link", name="Enter your email address")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Email address").fill("mo@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert_accessible(page)
    (message,) = mail.outbox

    # An address with no account gets the same page, and no email.
    page.goto("/accounts/password_reset/")
    page.get_by_label("Email address").fill("nobody@example.org")
    page.get_by_role("button", name="Send the link").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    assert len(mail.outbox) == 1

    page.goto(_link(message))
    _choose_password(page, assert_accessible)
    page.get_by_role("link", name="Sign in").click()
    _sign_in(page, "mo")
    assert console_errors == []


def test_the_email_log_is_accessible(page, login, assert_accessible):
    admin = factories.make_admin("ada", is_staff=True)
    for status, error in (("sent", ""), ("failed", "ConnectionRefusedError: refused")):
        SentEmail.objects.create(
            person=admin,
            kind="admin_digest" if status == "sent" else "reminder",
            day=date(2026, 3, 2),
            status=status,
            address=admin.email,
            subject="1 objective with no owner",
            error=error,
        )
    login(page, admin)
    page.goto("/manage/emails/")
    expect(page.get_by_text("ConnectionRefusedError: refused")).to_be_visible()
    expect(page.get_by_role("heading", name="Emails sent")).to_be_visible()
    assert_accessible(page)
