"""The account page, the administrators' email log and sending an invitation again."""

import re
from datetime import date

import pytest
from django.core import mail

from reminders.models import Preference, SentEmail
from tests import factories


def test_the_account_page_shows_my_details_and_saves_my_choices(client, manager):
    client.force_login(manager)
    page = client.get("/account/").content.decode()
    assert "Your account" in page and manager.email in page and "Managers" in page
    assert 'name="daily_reminder"' in page and "checked" in page
    response = client.post("/account/", {"weekly_digest": "on"})
    assert response.status_code == 302 and response.url == "/account/"
    preference = Preference.objects.get(user=manager)
    assert (preference.daily_reminder, preference.weekly_digest) == (False, True)
    record = preference.history.latest()
    assert record.history_user == manager
    page = client.get("/account/").content.decode()
    assert "Your email choices have been saved." in page
    # Saving the same choices again records nothing new.
    client.post("/account/", {"weekly_digest": "on"})
    assert preference.history.count() == 1


def test_the_account_page_takes_any_input_without_failing(client, manager):
    client.force_login(manager)
    response = client.post("/account/", {"daily_reminder": "\x00" * 5000, "weekly_digest": "é"})
    assert response.status_code == 302
    assert Preference.objects.get(user=manager).daily_reminder is True


def test_the_email_log_shows_who_what_when_and_the_result(client, admin_user, manager, leader):
    SentEmail.objects.create(
        person=manager,
        kind="reminder",
        day=date(2026, 3, 2),
        status="sent",
        address=manager.email,
        subject="1 milestone overdue",
    )
    SentEmail.objects.create(
        person=leader,
        kind="leadership_digest",
        day=date(2026, 3, 2),
        status="failed",
        address=leader.email,
        subject="Week to 2 March",
        error="SMTPServerDisconnected: Connection unexpectedly closed",
    )
    client.force_login(admin_user)
    page = client.get("/manage/emails/").content.decode()
    assert "Emails sent" in page
    assert "Mo_Manager Tester" in page and "1 milestone overdue" in page and "Sent" in page
    assert "Weekly digest for Leadership" in page and "Failed" in page
    assert "Connection unexpectedly closed" in page
    # when, as the service writes times everywhere: "4 Dec 2026, 4:52pm"
    assert len(re.findall(r"\d{4}, (?:\d{1,2}:\d{2}[ap]m|midday|midnight)</td>", page)) == 2
    client.force_login(leader)
    assert client.get("/manage/emails/").status_code == 403


def test_an_administrator_can_send_the_invitation_again(client, admin_user):
    person = factories.make_manager("newbie")
    client.force_login(admin_user)
    response = client.post(f"/manage/people/{person.pk}/invite/")
    assert response.status_code == 302
    (email,) = mail.outbox
    assert email.to == ["newbie@example.org"]
    assert "/accounts/reset/" in email.body


@pytest.mark.parametrize("path", ["/account/", "/manage/emails/"])
def test_visitors_are_sent_to_sign_in(client, db, path):
    response = client.get(path)
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


@pytest.mark.parametrize(
    ("make", "offered"),
    [
        (factories.make_manager, False),
        (factories.make_leader, True),
        (factories.make_admin, True),
    ],
)
def test_the_weekly_digest_is_offered_only_to_those_who_get_it(client, db, make, offered):
    person = make("digest_chooser")
    client.force_login(person)
    html = client.get("/account/").content.decode()
    assert ("Send me the weekly digest" in html) is offered
    assert "Send me a daily reminder" in html
    response = client.post("/account/", {"daily_reminder": "on", "weekly_digest": "on"})
    assert response.status_code == 302
    preference = Preference.objects.get(user=person)
    assert preference.daily_reminder is True
    assert preference.weekly_digest is True  # a manager's unseen choice is left as it was
