"""Changing one's own password on /account/password/: the current one first, Django's
validators, GOV.UK errors; the person stays signed in, other sessions end, the security log
records it."""

import pytest
from django.test import Client
from django.urls import reverse

from tests import factories

URL = "/account/password/"
NEW = "plum-harbour-lantern-42"
pytestmark = pytest.mark.django_db


@pytest.fixture
def person(client):
    user = factories.make_manager("pat_person")
    client.force_login(user)
    return user


def test_the_account_page_links_to_it(client, person):
    html = client.get(reverse("reminders:account")).content.decode()
    assert f'<a class="govuk-link" href="{URL}">Change your password</a>' in html
    assert "Forgot your password?&rdquo; on the sign-in page." not in html


def test_a_person_changes_their_password_and_stays_signed_in(client, person, caplog):
    other_device = Client()
    other_device.force_login(person)
    history_before = person.history.count()
    page = client.get(URL)
    assert page.status_code == 200
    assert set(page.headers["Cache-Control"].split(", ")) == {"no-store", "private"}
    html = page.content.decode()
    for label in ("Current password", "New password", "Confirm the new password"):
        assert label in html
    assert 'autocomplete="current-password"' in html and 'autocomplete="new-password"' in html
    response = client.post(
        URL,
        {"old_password": factories.PASSWORD, "new_password1": NEW, "new_password2": NEW},
        follow=True,
    )
    assert response.redirect_chain == [(reverse("reminders:account"), 302)]
    assert "Your password has been changed." in response.content.decode()
    person.refresh_from_db()
    assert person.check_password(NEW)
    assert person.history.count() == history_before  # passwords are not kept in history
    assert client.get("/my/").status_code == 200  # still signed in here
    assert other_device.get("/my/").status_code == 302  # signed out elsewhere
    lines = [r.getMessage() for r in caplog.records if r.name == "improve.security"]
    assert "password-changed user=pat_person ip=127.0.0.1" in lines


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"old_password": "wrong", "new_password1": NEW, "new_password2": NEW},
            "Your current password is not right. Enter it again",
        ),
        (
            {"old_password": "", "new_password1": NEW, "new_password2": NEW},
            "Enter your current password",
        ),
        (
            {"old_password": factories.PASSWORD, "new_password1": NEW, "new_password2": NEW + "x"},
            "The passwords do not match",
        ),
        (
            {
                "old_password": factories.PASSWORD,
                "new_password1": "12345678",
                "new_password2": "12345678",
            },
            "This password is entirely numeric.",
        ),
        (
            {"old_password": factories.PASSWORD, "new_password1": "", "new_password2": ""},
            "Enter a new password",
        ),
    ],
)
def test_mistakes_are_shown_in_an_error_summary_and_change_nothing(client, person, data, message):
    response = client.post(URL, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert html.startswith("<!DOCTYPE html>")
    assert "<title>Error: Change your password" in html
    assert 'class="govuk-error-summary"' in html and message in html
    person.refresh_from_db()
    assert person.check_password(factories.PASSWORD)


def test_someone_without_a_password_yet_is_sent_to_choose_one(client, db):
    invited = factories.make_manager("ivy_invited")
    invited.set_unusable_password()
    invited.save()
    client.force_login(invited)
    html = client.get(URL).content.decode()
    assert (
        "You have not chosen a password yet" in html
        and '<form method="post" novalidate>' not in html
    )
    response = client.post(URL, {"old_password": "", "new_password1": NEW, "new_password2": NEW})
    assert response.status_code == 200
    invited.refresh_from_db()
    assert not invited.has_usable_password()


@pytest.mark.parametrize("value", ["\x00", "é" * 5000, "\u202e\n"])
def test_no_input_breaks_it(client, person, value):
    response = client.post(
        URL, {"old_password": value, "new_password1": value, "new_password2": value}
    )
    assert response.status_code == 200
