"""Behind a load balancer: ``X-Forwarded-Proto`` is believed only from ``TRUSTED_PROXIES``,
``/healthz`` answers the balancer, and nothing private may be kept by a shared cache."""

import logging

import pytest
from django.conf import settings as django_settings
from django.db import OperationalError, connection
from django.test import Client
from django.urls import reverse

from tests import factories

pytestmark = pytest.mark.django_db

PROXY, MALLORY = "10.0.0.2", "203.0.113.66"


@pytest.fixture
def behind_tls_proxy(settings):
    settings.TRUSTED_PROXIES = [PROXY]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.SECURE_SSL_REDIRECT = True
    return settings


def test_https_is_believed_from_a_trusted_proxy(behind_tls_proxy):
    response = Client(REMOTE_ADDR=PROXY).get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 200


@pytest.mark.parametrize("trusted", [[PROXY], []])
def test_https_claimed_by_anyone_else_is_not_believed(behind_tls_proxy, trusted):
    behind_tls_proxy.TRUSTED_PROXIES = trusted
    client = Client(REMOTE_ADDR=MALLORY if trusted else PROXY)
    response = client.get("/accounts/login/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301
    assert response["Location"] == "https://testserver/accounts/login/"


def test_a_signed_in_page_is_not_served_over_a_forged_https(behind_tls_proxy, manager):
    client = Client(REMOTE_ADDR=MALLORY)
    client.force_login(manager)
    response = client.get("/", HTTP_X_FORWARDED_PROTO="https")
    assert response.status_code == 301


# --- /healthz ---------------------------------------------------------------------------------


def test_healthz_answers_ok_without_sign_in_session_or_data(behind_tls_proxy, caplog):
    factories.make_plan(user=factories.make_admin("ada_admin"))
    with caplog.at_level(logging.INFO, logger="improve.security"):
        # Plain HTTP from the balancer itself, as its health check asks.
        response = Client(REMOTE_ADDR=PROXY).get(reverse("healthz"))
    assert response.status_code == 200
    assert response.content == b"ok"
    assert response["Content-Type"].startswith("text/plain")
    assert not response.cookies
    assert "no-store" in response["Cache-Control"]
    assert not [r for r in caplog.records if r.name == "improve.security"]


def _refuse(*args, **kwargs):
    raise OperationalError("connection refused")


def test_healthz_answers_503_when_the_database_is_down(client, monkeypatch, caplog):
    monkeypatch.setattr(connection, "cursor", _refuse)
    with caplog.at_level(logging.INFO, logger="improve.security"):
        response = client.get(reverse("healthz"))
    assert response.status_code == 503
    assert response.content == b"unavailable"
    assert not response.cookies
    assert not [r for r in caplog.records if r.name == "improve.security"]


def test_healthz_answers_503_when_the_cache_is_down(client, settings):
    # A Redis nobody listens on (port 9 is "discard", closed on loopback).
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }
    response = client.get(reverse("healthz"))
    assert response.status_code == 503


def test_healthz_answers_nothing_but_get(client):
    assert client.post(reverse("healthz")).status_code == 405


# --- Cache-Control ----------------------------------------------------------------------------


def _private(response) -> bool:
    parts = {p.strip() for p in response.get("Cache-Control", "").split(",")}
    return {"private", "no-store"} <= parts


@pytest.mark.parametrize(
    "path",
    [
        "/",
        "/manage/",
        "/dashboard/",
        "/dashboard/accountability/",
        "/dashboard/export.csv",
        "/api/drift/",
    ],
)
def test_every_signed_in_page_file_and_api_answer_is_private(client, admin_user, path):
    factories.make_plan(user=admin_user)
    client.force_login(admin_user)
    response = client.get(path)
    assert response.status_code in (200, 302), path  # "/" sends an administrator on
    assert _private(response), response.get("Cache-Control")


def test_the_api_refusing_someone_not_signed_in_is_private(client):
    response = client.get("/api/drift/")
    assert response.status_code == 401
    assert _private(response)


def test_the_login_page_keeps_its_own_caching(client):
    response = client.get("/accounts/login/")
    assert response.status_code == 200
    # Django's own never-cache header for the sign-in form, exactly as the view set it.
    assert response["Cache-Control"] == "max-age=0, no-cache, no-store, must-revalidate, private"


def test_static_files_keep_their_own_caching(settings, manager):
    settings.WHITENOISE_USE_FINDERS = True  # served from the build folder, as in development
    settings.WHITENOISE_AUTOREFRESH = True
    client = Client()
    client.force_login(manager)  # even to someone signed in
    response = client.get(django_settings.STATIC_URL + "stylesheets/application.css")
    assert response.status_code == 200
    assert response["Cache-Control"].startswith("max-age=")
    assert "public" in response["Cache-Control"]
    assert "no-store" not in response["Cache-Control"]
