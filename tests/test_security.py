import logging

import pytest
from django.test import override_settings

from tests import factories

pytestmark = pytest.mark.django_db

AXES_ON = {
    "AXES_ENABLED": True,
    "AUTHENTICATION_BACKENDS": [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ],
}


def test_security_headers_on_every_page(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    csp = response.headers["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert response.headers["X-Content-Type-Options"] == "nosniff"


def test_pages_need_sign_in(client):
    response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")


def test_session_cookie_is_httponly_and_lax(client, manager):
    response = client.post(
        "/accounts/login/", {"username": manager.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 302
    cookie = response.cookies["sessionid"]
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"


def test_sign_in_and_failure_are_written_to_the_security_log(client, manager, caplog):
    with caplog.at_level(logging.INFO, logger="improve.security"):
        client.post("/accounts/login/", {"username": manager.username, "password": "wrong"})
        client.post(
            "/accounts/login/", {"username": manager.username, "password": factories.PASSWORD}
        )
    messages = [r.getMessage() for r in caplog.records if r.name == "improve.security"]
    assert f"sign-in-failed user={manager.username} ip=127.0.0.1" in messages
    assert f"sign-in user={manager.username} ip=127.0.0.1" in messages


def test_refused_requests_are_logged(client, caplog):
    with caplog.at_level(logging.INFO, logger="improve.security"):
        client.get("/api/drift/")
    assert any("refused status=401" in r.getMessage() for r in caplog.records)


@override_settings(**AXES_ON)
def test_sign_in_is_locked_after_five_failures_for_that_account_and_address(client, manager):
    for _ in range(5):
        client.post("/accounts/login/", {"username": manager.username, "password": "wrong"})
    response = client.post(
        "/accounts/login/", {"username": manager.username, "password": factories.PASSWORD}
    )
    assert response.status_code == 429
    assert b"Too many sign-in attempts" in response.content
    assert "_auth_user_id" not in client.session
    other = client.post(
        "/accounts/login/",
        {"username": manager.username, "password": factories.PASSWORD},
        REMOTE_ADDR="10.1.2.3",
    )
    assert other.status_code == 302


def test_production_settings_refuse_to_start_without_a_secret_key(monkeypatch):
    import importlib
    import sys

    import environ

    monkeypatch.delenv("SECRET_KEY", raising=False)
    monkeypatch.setenv("ALLOWED_HOSTS", "example.org")
    sys.modules.pop("stockton_improve.settings.production", None)
    with pytest.raises(environ.ImproperlyConfigured):
        importlib.import_module("stockton_improve.settings.production")
    sys.modules.pop("stockton_improve.settings.production", None)


def test_production_settings_refuse_a_wildcard_host(monkeypatch):
    import importlib
    import sys

    from django.core.exceptions import ImproperlyConfigured

    monkeypatch.setenv("SECRET_KEY", "x" * 60)
    monkeypatch.setenv("ALLOWED_HOSTS", "*")
    sys.modules.pop("stockton_improve.settings.production", None)
    with pytest.raises(ImproperlyConfigured):
        importlib.import_module("stockton_improve.settings.production")
    sys.modules.pop("stockton_improve.settings.production", None)


def test_bad_sign_in_says_what_to_do_and_keeps_the_username(client, manager):
    response = client.post("/accounts/login/", {"username": manager.username, "password": "nope"})
    assert response.status_code == 200
    assert "Enter a correct username and password" in response.content.decode()
    assert f'value="{manager.username}"' in response.content.decode()


def test_an_idle_session_is_signed_out_and_an_active_one_is_not(client, manager, settings):
    import time_machine

    settings.SESSION_IDLE_SECONDS = 3600
    with time_machine.travel("2026-03-10 09:00 +00:00", tick=False) as clock:
        client.post(
            "/accounts/login/", {"username": manager.username, "password": factories.PASSWORD}
        )
        assert client.get("/").status_code == 200
        clock.shift(50 * 60)
        assert client.get("/").status_code == 200  # active: the hour starts again
        clock.shift(59 * 60)
        assert client.get("/").status_code == 200
        clock.shift(61 * 60)
        response = client.get("/")
    assert response.status_code == 302
    assert response.url.startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_reading_pages_does_not_write_the_session_every_time(client, manager):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(manager)
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/")
    assert not [q for q in queries if "kit_account_session" in q["sql"] and "UPDATE" in q["sql"]]
