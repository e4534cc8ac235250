"""Signing in with the organisation's account, against a local OpenID Connect provider:
known active people get in; unknown people, leavers, unverified emails, a wrong state or
nonce and an expired token are refused with a clear page, and all of it is in the security
log. Local passwords stay."""

from datetime import timedelta
from urllib.parse import urlsplit

import pytest
from django.urls import reverse

from tests import factories
from tests.sso import provider as op


@pytest.fixture
def oidc(settings, db):
    with op.provider() as base:
        op.configure(settings, base)
        yield base


def start(client) -> str:
    response = client.get(reverse("sso:start"))
    assert response.status_code == 302
    return response.url


def callback(client, url: str):
    parts = urlsplit(url)
    return client.get(f"{parts.path}?{parts.query}")


def sign_in(client, base, sub):
    return callback(client, op.authorize(start(client), sub))


def signed_in_as(client):
    response = client.get(reverse("tracking:my_objectives"))
    return response.status_code == 200 and response.wsgi_request.user.get_username()


def test_a_known_person_signs_in_by_verified_email_whatever_its_case(client, oidc, caplog):
    person = factories.make_manager("kim", email="Kim.Manager@Example.org")
    op.add_person(oidc, "kim-sub", email="kim.manager@EXAMPLE.org")
    with caplog.at_level("INFO", logger="improve.security"):
        response = sign_in(client, oidc, "kim-sub")
    assert response.status_code == 302
    assert signed_in_as(client) == person.get_username()
    assert "sso-sign-in user=kim" in caplog.text


@pytest.mark.parametrize(
    ("setup", "words", "reason"),
    [
        ("unknown", "There is no account in this service for your email address", "unknown"),
        ("leaver", "The account for your email address has been closed", "left"),
        ("unverified", "did not confirm your email address", "unverified"),
    ],
)
def test_unknown_people_leavers_and_unverified_emails_are_refused(
    client, oidc, caplog, setup, words, reason
):
    if setup == "leaver":
        factories.make_manager("lee", email="lee@example.org", active=False)
    if setup == "unverified":
        factories.make_manager("lee", email="lee@example.org")
    op.add_person(oidc, "lee-sub", email="lee@example.org", verified=setup != "unverified")
    with caplog.at_level("INFO", logger="improve.security"):
        response = sign_in(client, oidc, "lee-sub")
    assert response.status_code == 403
    page = response.content.decode()
    assert "You cannot sign in with your organisation's account" in page
    assert words in page
    assert f"sso-refused reason={reason}" in caplog.text
    assert signed_in_as(client) is False


def test_a_wrong_state_is_refused(client, oidc, caplog):
    factories.make_manager("kim", email="kim@example.org")
    op.add_person(oidc, "kim-sub", email="kim@example.org")
    url = op.authorize(start(client), "kim-sub")
    forged = url.replace("state=", "state=forged")
    with caplog.at_level("INFO", logger="improve.security"):
        response = callback(client, forged)
    assert response.status_code == 403
    assert "did not match the one started from this browser" in response.content.decode()
    assert "sso-refused reason=state" in caplog.text
    assert signed_in_as(client) is False


def test_a_callback_with_no_sign_in_started_is_refused(client, oidc):
    response = client.get(reverse("sso:callback") + "?code=abc&state=xyz")
    assert response.status_code == 403
    assert signed_in_as(client) is False


def test_a_wrong_nonce_is_refused(client, oidc, caplog):
    factories.make_manager("kim", email="kim@example.org")
    op.add_person(oidc, "kim-sub", email="kim@example.org")
    url = op.authorize(start(client), "kim-sub")
    session = client.session
    for state in session["oidc_states"].values():
        state["nonce"] = "not-the-nonce-sent"
    session.save()
    with caplog.at_level("INFO", logger="improve.security"):
        response = callback(client, url)
    assert response.status_code == 403
    assert "could not be trusted" in response.content.decode()
    assert "sso-refused reason=token" in caplog.text
    assert signed_in_as(client) is False


def test_an_expired_token_is_refused(client, settings, caplog, db):
    factories.make_manager("kim", email="kim@example.org")
    with op.provider(token_max_age=timedelta(minutes=-10)) as base:
        op.configure(settings, base)
        op.add_person(base, "kim-sub", email="kim@example.org")
        with caplog.at_level("INFO", logger="improve.security"):
            response = sign_in(client, base, "kim-sub")
    assert response.status_code == 403
    assert "sso-refused reason=token" in caplog.text
    assert signed_in_as(client) is False


def test_a_denial_at_the_provider_is_refused(client, oidc):
    response = client.get(reverse("sso:callback") + "?error=access_denied&state=x")
    assert response.status_code == 403
    assert "did not sign you in" in response.content.decode()


def test_the_sign_in_page_offers_it_only_when_configured(client, settings, oidc):
    assert (
        "Sign in with your organisation's account"
        in client.get("/accounts/login/").content.decode()
    )
    settings.OIDC_RP_CLIENT_ID = ""
    assert "organisation's account" not in client.get("/accounts/login/").content.decode()
    assert client.get(reverse("sso:start")).status_code == 404
    assert client.get(reverse("sso:callback")).status_code == 404


def test_local_passwords_still_work_when_configured(client, oidc):
    person = factories.make_admin("ada")
    response = client.post("/accounts/login/", {"username": "ada", "password": factories.PASSWORD})
    assert response.status_code == 302
    assert signed_in_as(client) == person.get_username()
