"""The warning before the idle sign-out and "Stay signed in" (WCAG 2.2.1)."""

import re
import time

import pytest
from django.urls import reverse

from kit.security import CONTENT_SECURITY_POLICY
from tests import factories

STAY = "/session/stay-signed-in/"


@pytest.fixture
def person(db, client):
    user = factories.make_manager("idle_person")
    client.force_login(user)
    return user


def _age_session(client, seconds: int):
    session = client.session
    session["last_seen"] = int(time.time()) - seconds
    session.save()


def test_staying_signed_in_starts_the_idle_time_again(client, person, settings):
    settings.SESSION_IDLE_SECONDS = 3600
    _age_session(client, 3400)  # in the warning's last five minutes
    response = client.post(STAY, {"next": "/my/"}, headers={"Accept": "application/json"})
    assert response.status_code == 204
    assert int(time.time()) - client.session["last_seen"] <= 1
    _age_session(client, 0)
    # An hour after the warning was first due, the person is still signed in.
    assert client.get(reverse("tracking:my_objectives")).status_code == 200


def test_without_javascript_the_form_comes_back_to_the_same_page(client, person):
    _age_session(client, 3400)
    response = client.post(STAY, {"next": "/my/?plan=1"})
    assert response.status_code == 302 and response.url == "/my/?plan=1"
    assert int(time.time()) - client.session["last_seen"] <= 1


@pytest.mark.parametrize("next_url", ["https://evil.example/", "//evil.example/", "", "\x00" * 3])
def test_it_never_sends_anyone_to_another_site(client, person, next_url):
    response = client.post(STAY, {"next": next_url})
    assert response.status_code == 302 and response.url == reverse("tracking:home")


def test_once_signed_out_it_cannot_sign_anyone_back_in(client, person, settings):
    _age_session(client, settings.SESSION_IDLE_SECONDS + 5)
    response = client.post(STAY, {"next": "/my/"}, headers={"Accept": "application/json"})
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session
    assert client.get("/my/").status_code == 302


def test_a_signed_out_visitor_is_sent_to_sign_in(client, db):
    response = client.post(STAY, headers={"Accept": "application/json"})
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")


def test_it_needs_the_csrf_token(db):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(factories.make_manager("csrf_person"))
    assert client.post(STAY).status_code == 403


def test_every_signed_in_page_carries_the_warning(client, person, settings):
    settings.SESSION_IDLE_SECONDS = 45 * 60
    settings.SESSION_WARNING_SECONDS = 3 * 60
    response = client.get("/my/?plan=x")
    html = response.content.decode()
    dialog = re.search(r"<dialog [^>]*>", html).group(0)
    assert 'data-idle-seconds="2700"' in dialog and 'data-warning-seconds="180"' in dialog
    assert 'data-signed-out-url="/accounts/login/?next=/my/%3Fplan%3Dx"' in dialog
    assert "we will sign you out in 3 minutes" in html
    assert f'action="{STAY}"' in html and 'name="next" value="/my/?plan=x"' in html
    assert ">Stay signed in</button>" in html
    assert 'formaction="/accounts/logout/"' in html
    assert "you will be signed out after 45 minutes" in html  # without JavaScript
    # The page's one script is a file: the Content-Security-Policy stays without inline script.
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in CONTENT_SECURITY_POLICY
    assert re.findall(r"<script[^>]*>", html) == [
        '<script type="module" src="/static/javascripts/init.mjs">'
    ]


def test_pages_before_signing_in_carry_no_warning(client, db):
    html = client.get(reverse("login")).content.decode()
    assert "<dialog" not in html and "Stay signed in" not in html
