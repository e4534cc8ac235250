"""The production cache path with the machine's Redis (``CACHE_URL=redis://...``, read by
django-environ as in the settings): two processes, each with its own Redis client, share what
is kept between requests, and every limit holds across them.

A "process" here is one cache client: ``caches["default"]`` is swapped between two clients made
from the same settings, as two gunicorn hosts would each make their own. Redis must be running
(``make test`` and ``.ci/run`` start it); ``REDIS_TEST_URL`` names another one.
"""

import os
import secrets
from contextlib import contextmanager
from datetime import timedelta
from urllib.parse import urlencode

import environ
import pytest
from django.conf import settings as django_settings
from django.core import mail
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from people import services as people_services
from tests import factories
from tracking import pastdays

pytestmark = pytest.mark.django_db

REDIS_URL = os.environ.get("REDIS_TEST_URL", "redis://127.0.0.1:6379/13")
AXES_ON = {
    "AXES_ENABLED": True,
    "AUTHENTICATION_BACKENDS": [
        "axes.backends.AxesStandaloneBackend",
        "django.contrib.auth.backends.ModelBackend",
    ],
}


@pytest.fixture
def hosts(settings):
    """Two cache clients on the machine's Redis, configured as ``CACHE_URL`` configures it;
    the keys of this run are its own (a fresh prefix), so nothing else in Redis is touched."""
    config = environ.Env.cache_url_config(REDIS_URL)
    assert config["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    settings.CACHES = {"default": {**config, "KEY_PREFIX": f"test-{secrets.token_hex(8)}"}}
    clients = {"A": caches.create_connection("default"), "B": caches.create_connection("default")}
    assert clients["A"] is not clients["B"]
    clients["A"].set("hello", "from A")
    assert clients["B"].get("hello") == "from A"  # one Redis behind both

    @contextmanager
    def on(name):
        previous = caches["default"]
        caches["default"] = clients[name]
        try:
            yield clients[name]
        finally:
            caches["default"] = previous

    yield on
    for client in clients.values():
        client.close()


@pytest.fixture
def story(clock):
    """A published plan whose owner was active all along, ten days ago."""
    day = timezone.localdate() - timedelta(days=10)
    with clock(day - timedelta(days=30)):
        admin = factories.make_admin("ada_admin")
        leader = factories.make_leader("lee_leader")
        owner = factories.make_manager("owen_owner")
        plan = factories.make_plan(user=admin, starts_on=day - timedelta(days=60))
        objective = factories.make_objective(
            plan,
            user=admin,
            owner=owner,
            starts_on=day - timedelta(days=60),
            target_date=day + timedelta(days=200),
        )
        factories.make_milestone(objective, user=admin, due_date=day + timedelta(days=100))
    return day, plan, admin, leader, owner


DRIFT_HISTORY = ("objectives_historical", "milestones_historical", "people_historical")


def _drift_history_reads(queries) -> list[str]:
    """The queries that replay the plan's history (the impact panel reads its own, uncached):
    they read its records, where the plan's marks only count them (tracking.plan_marks)."""
    return [
        q["sql"]
        for q in queries
        if any(t in q["sql"] for t in DRIFT_HISTORY) and "history_type" in q["sql"]
    ]


def test_a_past_day_kept_by_one_process_is_read_by_the_other_until_a_backdated_write(hosts, story):
    day, plan, admin, leader, owner = story
    url = "/api/drift/?" + urlencode({"as_of": day.isoformat(), "plan": plan.pk})
    client = Client()
    client.force_login(leader)

    with hosts("A"), CaptureQueriesContext(connection) as worked_out:
        first = client.get(url)
    assert first.status_code == 200
    assert _drift_history_reads(worked_out.captured_queries)  # A replayed the day
    assert "owner_inactive" not in first.json()["objectives"][0]["flags"]

    with hosts("B"):
        assert pastdays.kept(plan.pk).get_many("drift", [day])  # B finds what A kept
        with CaptureQueriesContext(connection) as queries:
            second = client.get(url)
    assert second.content == first.content
    assert _drift_history_reads(queries.captured_queries) == []  # not worked out again

    with hosts("B"):  # someone recorded on B as having left before the day
        people_services.person_mark_leaver(
            user=admin,
            person=owner,
            reason="Left the council",
            left_on=day - timedelta(days=5),
            expected_version=people_services.account_version(owner),
        )
    with hosts("A"):
        assert pastdays.kept(plan.pk).get_many("drift", [day]) == {}  # the old day is gone
        after_a = client.get(url)
    with hosts("B"):
        after_b = client.get(url)
    assert "owner_inactive" in after_a.json()["objectives"][0]["flags"]
    assert after_b.content == after_a.content


def test_the_password_reset_limit_holds_across_processes(hosts, client):
    person = factories.make_manager("rita_reset")
    limit = django_settings.PASSWORD_RESET_LIMIT
    for i in range(limit + 4):
        with hosts("AB"[i % 2]):
            response = client.post("/accounts/password_reset/", {"email": person.email})
        assert response.status_code == 302
    assert len(mail.outbox) == limit


def test_sign_in_failures_lock_the_account_in_every_process(hosts, settings):
    for name, value in AXES_ON.items():
        setattr(settings, name, value)
    person = factories.make_manager("sam_signin")
    limit = settings.AXES_FAILURE_LIMIT

    def sign_in(host: str, password: str) -> int:
        with hosts(host):
            return (
                Client()
                .post("/accounts/login/", {"username": person.username, "password": password})
                .status_code
            )

    failures = [sign_in("AB"[i % 2], "wrong") for i in range(limit)]
    assert failures == [200] * (limit - 1) + [429]
    assert sign_in("A", factories.PASSWORD) == 429
    assert sign_in("B", factories.PASSWORD) == 429
