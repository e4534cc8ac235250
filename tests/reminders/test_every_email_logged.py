"""Every email the service sends goes through one sender: marked as sent by a machine (so
out-of-office replies are not sent back), recorded in the sent-email log, and with a subject that
starts with the service's name."""

from django.contrib.auth.models import Group
from django.core import mail

from reminders.models import SentEmail
from tests import factories

from .test_send_reminders import run

AUTOMATIC = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


def assert_automatic_and_logged(message, kind):
    assert message.subject.startswith("Improvement plan: ")
    for header, value in AUTOMATIC.items():
        assert message.extra_headers.get(header) == value
        assert message.message()[header] == value
    (address,) = message.to
    row = SentEmail.objects.filter(kind=kind, address=address).latest("id")
    assert row.status == SentEmail.Status.SENT
    assert row.subject == message.subject
    assert row.person.email == address


def test_reminders_and_both_digests(morning, clock, settings):
    settings.SITE_URL = "https://improve.example.org"
    run(clock, "--digest")
    kinds = {
        "mo@example.org": SentEmail.Kind.REMINDER,
        "nat@example.org": SentEmail.Kind.REMINDER,
        "lee@example.org": SentEmail.Kind.LEADERSHIP_DIGEST,
        "ada@example.org": SentEmail.Kind.ADMIN_DIGEST,
    }
    assert sorted(m.to[0] for m in mail.outbox) == sorted(kinds)
    for message in mail.outbox:
        assert_automatic_and_logged(message, kinds[message.to[0]])


def test_an_invitation(client, admin_user):
    client.force_login(admin_user)
    client.post(
        "/manage/people/new/",
        {
            "username": "sam.jones",
            "first_name": "Sam",
            "last_name": "Jones",
            "email": "sam.jones@example.org",
            "roles": [Group.objects.get(name="Managers").pk],
        },
    )
    (message,) = mail.outbox
    assert_automatic_and_logged(message, SentEmail.Kind.INVITATION)


def test_each_password_reset_link_is_logged_even_twice_on_one_day(client, db):
    person = factories.make_manager("mo")
    client.post("/accounts/password_reset/", {"email": person.email})
    client.post("/accounts/password_reset/", {"email": person.email})
    assert len(mail.outbox) == 2
    for message in mail.outbox:
        assert_automatic_and_logged(message, SentEmail.Kind.PASSWORD_RESET)
    rows = SentEmail.objects.filter(person=person, kind=SentEmail.Kind.PASSWORD_RESET)
    assert rows.count() == 2


def test_a_failed_invitation_is_logged_as_failed(client, admin_user, settings):
    settings.EMAIL_BACKEND = "tests.reminders.test_accounts.BrokenBackend"
    person = factories.make_manager("sam")
    client.force_login(admin_user)
    client.post(f"/manage/people/{person.pk}/invite/")
    row = SentEmail.objects.get(person=person, kind=SentEmail.Kind.INVITATION)
    assert row.status == SentEmail.Status.FAILED
    assert "no mail server" in row.error
