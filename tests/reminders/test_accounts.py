"""Invitations and "Forgot your password?": Django's token links, GOV.UK pages, nothing revealed."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core import mail
from django.core.signals import request_finished
from django.db import close_old_connections, connection
from django.test import RequestFactory
from django.test.signals import template_rendered
from django.test.utils import CaptureQueriesContext
from django.urls import resolve

from tests import factories

User = get_user_model()
STRONG = "a-long-and-unusual-passphrase-42"
LINK = re.compile(r"https?://[^\s\"<>]+/accounts/reset/[^\s\"<>]+/")


@pytest.fixture(autouse=True)
def _site_url(settings):
    settings.SITE_URL = "https://improve.example.org"


def _link(message) -> str:
    found = LINK.findall(message.body)
    assert found, message.body
    return found[0]


def _path(url: str) -> str:
    return url.removeprefix("https://improve.example.org")


def _choose_password(client, link: str, password: str = STRONG):
    response = client.get(_path(link))
    assert response.status_code == 302  # Django moves the token out of the address
    form_url = response.url
    page = client.get(form_url).content.decode()
    assert "Choose a password" in page
    return client.post(form_url, {"new_password1": password, "new_password2": password})


def test_the_sign_in_page_offers_forgot_your_password(client, db):
    page = client.get("/accounts/login/").content.decode()
    assert 'href="/accounts/password_reset/"' in page and "Forgot your password?" in page


def test_a_reset_link_lets_the_person_choose_a_password_once(client, manager):
    response = client.post("/accounts/password_reset/", {"email": manager.email.upper()})
    assert response.status_code == 302 and response.url == "/accounts/password_reset/done/"
    (message,) = mail.outbox
    assert message.to == [manager.email]
    assert message.subject == "Improvement plan: choose a new password"
    assert message.alternatives and "Choose a new password" in message.alternatives[0][0]
    link = _link(message)
    assert link.startswith("https://improve.example.org/accounts/reset/")
    response = _choose_password(client, link)
    assert response.status_code == 302 and response.url == "/accounts/reset/done/"
    manager.refresh_from_db()
    assert manager.check_password(STRONG)
    # Single use: the same link no longer works.
    response = client.get(_path(link))
    assert response.status_code == 200
    assert "This link does not work" in response.content.decode()


def test_the_answer_never_reveals_whether_an_account_exists(client, manager):
    known = client.post("/accounts/password_reset/", {"email": manager.email})
    unknown = client.post("/accounts/password_reset/", {"email": "nobody@example.org"})
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert len(mail.outbox) == 1
    done = client.get(known.url).content.decode()
    assert "If the address you entered matches an account" in done


def test_leavers_are_sent_nothing_and_old_links_stop_working(client, manager, admin_user):
    client.post("/accounts/password_reset/", {"email": manager.email})
    link = _link(mail.outbox[0])
    manager.is_active = False
    manager.save()
    response = client.get(_path(link))
    assert "This link does not work" in response.content.decode()
    mail.outbox.clear()
    response = client.post("/accounts/password_reset/", {"email": manager.email})
    assert response.status_code == 302
    assert mail.outbox == []


def test_requests_are_limited_per_address(client, manager, settings):
    settings.PASSWORD_RESET_LIMIT = 3
    for _ in range(5):
        response = client.post(
            "/accounts/password_reset/", {"email": manager.email}, REMOTE_ADDR="10.0.0.1"
        )
        assert response.status_code == 302 and response.url == "/accounts/password_reset/done/"
    assert len(mail.outbox) == 3
    # Another address from elsewhere is not held up by that.
    other = factories.make_manager("other_person")
    client.post("/accounts/password_reset/", {"email": other.email}, REMOTE_ADDR="10.0.0.2")
    assert len(mail.outbox) == 4


def test_requests_are_limited_per_network_address_too(client, db, settings):
    settings.PASSWORD_RESET_IP_LIMIT = 2
    people = [factories.make_manager(f"person{i}") for i in range(3)]
    for person in people:
        response = client.post(
            "/accounts/password_reset/", {"email": person.email}, REMOTE_ADDR="10.0.0.9"
        )
        assert response.url == "/accounts/password_reset/done/"
    assert [m.to[0] for m in mail.outbox] == [people[0].email, people[1].email]


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("", "Enter your email address"),
        ("not an address", "Enter an email address in the correct format"),
        ("a" * 300 + "@example.org", "Email address must be 254 characters or fewer"),
    ],
)
def test_the_form_says_what_is_wrong(client, db, value, message):
    page = client.post("/accounts/password_reset/", {"email": value}).content.decode()
    assert "There is a problem" in page and message in page
    assert mail.outbox == []


@pytest.mark.parametrize(
    "path",
    [
        "/accounts/reset/" + "A" * 5000 + "/set-password/",
        "/accounts/reset/%F0%9F%92%A9/abc-def/",
        "/accounts/reset/MQ/set-password/",
        "/accounts/reset/OTk5OTk5OTk5OTk5OTk5OTk5OTk5OTk5/x-y/",
    ],
)
def test_any_reset_link_answers_without_failing(client, db, path):
    response = client.get(path)
    assert response.status_code < 500
    client.post(path, {"new_password1": "x", "new_password2": "y"})


def test_weak_or_mismatched_passwords_are_refused_in_govuk_words(client, manager):
    client.post("/accounts/password_reset/", {"email": manager.email})
    form_url = client.get(_path(_link(mail.outbox[0]))).url
    page = client.post(
        form_url, {"new_password1": STRONG, "new_password2": STRONG + "x"}
    ).content.decode()
    assert "The passwords do not match" in page
    page = client.post(form_url, {"new_password1": "12345678", "new_password2": "12345678"})
    assert "This password is entirely numeric" in page.content.decode()
    manager.refresh_from_db()
    assert not manager.check_password("12345678")


def test_a_new_person_gets_an_invitation_and_chooses_their_password(client, admin_user):
    client.force_login(admin_user)
    managers = Group.objects.get(name="Managers")
    response = client.post(
        "/manage/people/new/",
        {
            "username": "sam.jones",
            "first_name": "Sam",
            "last_name": "Jones",
            "email": "sam.jones@example.org",
            "roles": [managers.pk],
        },
    )
    assert response.status_code == 302
    person = User.objects.get(username="sam.jones")
    assert not person.has_usable_password()
    (message,) = mail.outbox
    assert message.to == ["sam.jones@example.org"]
    assert message.subject == "Improvement plan: you have been invited to use the service"
    assert "Your username is: sam.jones" in message.body
    assert "an administrator of the improvement plan added you" in message.body
    page = client.get(response.url).content.decode()
    assert "We have emailed sam.jones@example.org a link" in page
    client.logout()
    response = _choose_password(client, _link(message))
    assert response.url == "/accounts/reset/done/"
    assert client.login(username="sam.jones", password=STRONG)
    # The link was for one use.
    client.logout()
    assert "This link does not work" in client.get(_path(_link(message))).content.decode()


def test_someone_invited_who_lost_the_email_can_ask_for_a_new_link(client, admin_user):
    person = factories.make_manager("invited")
    person.set_unusable_password()
    person.save()
    client.post("/accounts/password_reset/", {"email": person.email})
    assert len(mail.outbox) == 1


def test_an_administrator_can_still_set_a_password_by_hand_as_a_fallback(client, admin_user):
    client.force_login(admin_user)
    managers = Group.objects.get(name="Managers")
    client.post(
        "/manage/people/new/",
        {
            "username": "no.email.access",
            "first_name": "Pat",
            "last_name": "Smith",
            "email": "pat.smith@example.org",
            "roles": [managers.pk],
            "password1": STRONG,
        },
    )
    assert not User.objects.filter(username="no.email.access").exists()  # must confirm it
    page = client.get("/manage/people/new/").content.decode()
    assert "only if they cannot get email" in page


@pytest.mark.parametrize(
    "value",
    [
        "email=%00%40example.org",
        "email=" + "%C3%A9" * 100 + "%40example.org",
        "email=a%40" + "b" * 10000,
        "email=%ED%A0%80%40example.org",  # not UTF-8
        "email=%FF%FE",
        "email=a&email=b",
    ],
)
def test_odd_addresses_answer_without_failing(client, db, value):
    response = client.post(
        "/accounts/password_reset/", value, content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code in (200, 302)
    assert mail.outbox == []


def _reset_view_alone(address: str, remote: str = "10.0.0.5"):
    """The password-reset view called on its own, as the request does before the response is
    sent: (response, SQL run, templates rendered)."""
    request = RequestFactory().post(
        "/accounts/password_reset/", {"email": address}, REMOTE_ADDR=remote
    )
    request._dont_enforce_csrf_checks = True
    rendered = []

    def record(sender, template, **kwargs):
        rendered.append(template.name)

    template_rendered.connect(record)
    try:
        with CaptureQueriesContext(connection) as queries:
            response = resolve("/accounts/password_reset/").func(request)
    finally:
        template_rendered.disconnect(record)
    return response, [query["sql"] for query in queries], rendered


def _shapes(statements: list[str]) -> list[str]:
    """SQL with its quoted and numeric values taken out."""
    return [re.sub(r"'(?:[^']|'')*'|\d+", "?", sql) for sql in statements]


def _close_as_the_server_does(response):
    """What the server does once the answer is written (as Django's test client does it: the
    test's database connection is kept open)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def test_a_known_and_an_unknown_address_do_the_same_work_before_the_answer(manager):
    known, known_sql, known_templates = _reset_view_alone(manager.email)
    assert mail.outbox == []  # nothing looked up, built or sent yet
    # From another network address, so each request starts its own counts, as the first did.
    unknown, unknown_sql, unknown_templates = _reset_view_alone("nobody@example.org", "10.0.0.6")
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    # The same statements; only the values differ (each address's own request count).
    assert _shapes(known_sql) == _shapes(unknown_sql)
    assert known_templates == unknown_templates
    assert not any("password_reset_email" in name for name in known_templates)
    assert mail.outbox == []
    # Once the answer has gone (the server closes the response), the known address is sent
    # its link and the unknown one nothing.
    _close_as_the_server_does(unknown)
    assert mail.outbox == []
    _close_as_the_server_does(known)
    (message,) = mail.outbox
    assert message.to == [manager.email]
    assert _link(message).startswith("https://improve.example.org/accounts/reset/")


def test_the_link_is_sent_by_the_time_the_answer_has_been_sent(client, manager):
    response = client.post("/accounts/password_reset/", {"email": manager.email})
    assert response.url == "/accounts/password_reset/done/"
    assert [m.to for m in mail.outbox] == [[manager.email]]


def test_a_failure_to_send_after_the_answer_is_logged_not_raised(manager, settings, caplog):
    settings.EMAIL_BACKEND = "tests.reminders.test_accounts.BrokenBackend"
    response, _, _ = _reset_view_alone(manager.email)
    _close_as_the_server_does(response)
    assert mail.outbox == []
    assert any("password reset" in record.getMessage().lower() for record in caplog.records)


class BrokenBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("no mail server")


def test_the_limit_is_counted_in_the_database_and_lifts_after_an_hour(
    client, manager, settings, clock
):
    from datetime import date

    from reminders.models import RequestCount

    settings.PASSWORD_RESET_LIMIT = 2
    with clock(date(2026, 3, 2), 9, 0):
        for _ in range(3):
            client.post("/accounts/password_reset/", {"email": manager.email})
    assert len(mail.outbox) == 2
    # One row per email address and one per network address, each counting every request.
    assert sorted(RequestCount.objects.values_list("count", flat=True)) == [3, 3]
    with clock(date(2026, 3, 2), 9, 59):
        client.post("/accounts/password_reset/", {"email": manager.email})
    assert len(mail.outbox) == 2
    with clock(date(2026, 3, 2), 10, 1):
        client.post("/accounts/password_reset/", {"email": manager.email})
    assert len(mail.outbox) == 3
