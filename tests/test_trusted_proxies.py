"""Behind a load balancer: X-Forwarded-For is believed only from the proxies in
``TRUSTED_PROXIES``, for the sign-in limits (django-axes), the password-reset limits and the
security log. A header forged by anyone else changes nothing."""

import logging

import pytest
from axes.models import AccessAttempt
from django.core import mail
from django.core.exceptions import ImproperlyConfigured
from django.test import Client, RequestFactory, override_settings

from kit.proxies import client_ip
from kit.security import client_address
from tests import factories

pytestmark = pytest.mark.django_db

PROXY = "10.0.0.2"  # the load balancer
TRUSTED = ["10.0.0.0/24", "192.0.2.7"]
ALICE, BOB = "203.0.113.5", "198.51.100.20"  # clients behind the balancer
MALLORY = "203.0.113.66"  # reaching the app directly, forging the header
AXES_ON = {
    "AXES_ENABLED": True,
    "AUTHENTICATION_BACKENDS": [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ],
}


def _request(remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("trusted", "remote", "forwarded", "client"),
    [
        # No proxies named (the default): the header is never believed.
        ([], PROXY, ALICE, PROXY),
        ([], MALLORY, "1.1.1.1", MALLORY),
        # From a trusted proxy: the right-most entry that is not one of ours.
        (TRUSTED, PROXY, ALICE, ALICE),
        (TRUSTED, PROXY, f"1.1.1.1, {ALICE}", ALICE),
        (TRUSTED, PROXY, f"1.1.1.1, {ALICE}, 192.0.2.7, 10.0.0.9", ALICE),
        (TRUSTED, "192.0.2.7", f"{ALICE}:51234", ALICE),
        (TRUSTED, PROXY, "[2001:db8::5]:443", "2001:db8::5"),
        (TRUSTED, "::ffff:10.0.0.2", ALICE, ALICE),
        # From a trusted proxy but no header, or only our own proxies in it.
        (TRUSTED, PROXY, None, PROXY),
        (TRUSTED, PROXY, "10.0.0.7, 10.0.0.8", "10.0.0.7"),
        # Something that is not an address: believe nothing to its left.
        (TRUSTED, PROXY, f"{ALICE}, not-an-address", PROXY),
        (TRUSTED, PROXY, f"not-an-address, {ALICE}", ALICE),
        # From anywhere else: the header changes nothing.
        (TRUSTED, MALLORY, ALICE, MALLORY),
        (TRUSTED, MALLORY, f"{ALICE}, {PROXY}", MALLORY),
    ],
)
def test_the_client_is_believed_only_from_trusted_proxies(
    settings, trusted, remote, forwarded, client
):
    settings.TRUSTED_PROXIES = trusted
    request = _request(remote, forwarded)
    assert client_ip(request) == client
    assert client_address(request) == client


def test_a_request_with_no_address_has_none(settings):
    settings.TRUSTED_PROXIES = TRUSTED
    request = _request("", ALICE)
    assert client_ip(request) is None
    assert client_address(request) == "-"


def test_a_mistyped_proxy_stops_the_service(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/33"]
    with pytest.raises(ImproperlyConfigured):
        client_ip(_request(PROXY, ALICE))


# --- sign-in limits --------------------------------------------------------------------------


def _fail(client, user, remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post("/accounts/login/", {"username": user.username, "password": "no"}, **extra)


def _sign_in(client, user, remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return client.post(
        "/accounts/login/", {"username": user.username, "password": factories.PASSWORD}, **extra
    )


@override_settings(**AXES_ON, TRUSTED_PROXIES=TRUSTED)
def test_sign_in_failures_count_against_the_client_behind_the_proxy(client, manager):
    for _ in range(5):
        _fail(client, manager, PROXY, ALICE)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {ALICE}
    assert _sign_in(client, manager, PROXY, ALICE).status_code == 429
    # Someone else behind the same balancer is not locked out by Alice's failures.
    assert _sign_in(client, manager, PROXY, BOB).status_code == 302


@override_settings(**AXES_ON, TRUSTED_PROXIES=TRUSTED)
def test_a_forged_header_does_not_escape_the_sign_in_limit(client, manager):
    for n in range(5):
        _fail(client, manager, MALLORY, f"198.51.100.{n}")
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {MALLORY}
    assert _sign_in(client, manager, MALLORY, "198.51.100.99").status_code == 429


@override_settings(**AXES_ON)
def test_without_trusted_proxies_everyone_behind_the_balancer_is_the_balancer(client, manager):
    for _ in range(5):
        _fail(client, manager, PROXY, ALICE)
    assert set(AccessAttempt.objects.values_list("ip_address", flat=True)) == {PROXY}
    assert _sign_in(client, manager, PROXY, BOB).status_code == 429


# --- password-reset limits -------------------------------------------------------------------


def _reset(client, person, remote, forwarded=None):
    extra = {"REMOTE_ADDR": remote}
    if forwarded:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    response = client.post("/accounts/password_reset/", {"email": person.email}, **extra)
    assert response.status_code == 302


def test_reset_limits_per_address_count_the_client_behind_the_proxy(client, db, settings):
    settings.TRUSTED_PROXIES = TRUSTED
    settings.PASSWORD_RESET_IP_LIMIT = 2
    people = [factories.make_manager(f"person{i}") for i in range(4)]
    for person in people[:3]:
        _reset(client, person, PROXY, ALICE)
    assert [m.to[0] for m in mail.outbox] == [people[0].email, people[1].email]
    _reset(client, people[3], PROXY, BOB)  # Bob has his own count
    assert mail.outbox[-1].to == [people[3].email]


def test_a_forged_header_does_not_escape_the_reset_limit(client, db, settings):
    settings.TRUSTED_PROXIES = TRUSTED
    settings.PASSWORD_RESET_IP_LIMIT = 2
    people = [factories.make_manager(f"person{i}") for i in range(3)]
    for n, person in enumerate(people):
        _reset(client, person, MALLORY, f"198.51.100.{n}")
    assert len(mail.outbox) == 2


# --- the security log ------------------------------------------------------------------------


def _security_log(caplog) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "improve.security"]


def test_the_security_log_names_the_client_behind_a_trusted_proxy(client, manager, caplog):
    with (
        override_settings(TRUSTED_PROXIES=TRUSTED),
        caplog.at_level(logging.INFO, logger="improve.security"),
    ):
        _fail(client, manager, PROXY, f"1.1.1.1, {ALICE}")
        _sign_in(client, manager, PROXY, f"1.1.1.1, {ALICE}")
        Client().get("/api/drift/", REMOTE_ADDR=PROXY, HTTP_X_FORWARDED_FOR=ALICE)  # 401
    lines = _security_log(caplog)
    for kind in ("sign-in-failed", "sign-in ", "refused"):
        line = next(line for line in lines if line.startswith(kind))
        assert ALICE in line and PROXY not in line and "1.1.1.1" not in line, line


def test_a_forged_header_does_not_change_the_security_log(client, manager, caplog):
    with (
        override_settings(TRUSTED_PROXIES=TRUSTED),
        caplog.at_level(logging.INFO, logger="improve.security"),
    ):
        _fail(client, manager, MALLORY, ALICE)
        client.get("/api/drift/", REMOTE_ADDR=MALLORY, HTTP_X_FORWARDED_FOR=ALICE)
    lines = _security_log(caplog)
    assert len(lines) == 2
    assert all(MALLORY in line and ALICE not in line for line in lines), lines
