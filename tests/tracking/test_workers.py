"""The README's production recipe, for real: gunicorn with three workers on PostgreSQL and
nothing else configured (no shared cache). A past day changed by a backdated write reads the
same from every worker at once, and the password-reset and sign-in limits hold across
workers."""

import http.client
import json
import os
import re
import secrets
import socket
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.utils import timezone

from people import services as people_services
from tests import factories

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="several gunicorn workers share one database server: PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parent.parent.parent
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
PYTHON = ROOT / ".venv" / "bin" / "python"
WORKERS = 3
BEFORE, AFTER = 30, 36
MOST = 200  # requests, at most, to have every worker answer
PID = re.compile(r"^<(\d+)> (\d{3}) (\S+)$")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    port = db.get("PORT") or 5432
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db.get('HOST') or '127.0.0.1'}:{port}"
        f"/{db['NAME']}"
    )


class Server:
    """gunicorn serving the production settings on a free port, its access log naming the worker
    that answered each request, and its emails written to a folder."""

    def __init__(self, folder: Path):
        self.port = _free_port()
        self.access_log = folder / "access.log"
        self.mail = folder / "mail"
        self.mail.mkdir()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": os.environ.get("HOME", str(folder)),
            "LANG": "C.UTF-8",
            "DJANGO_SETTINGS_MODULE": "stockton_improve.settings.production",
            # The test's own key, so the session signed in here is good there.
            "SECRET_KEY": settings.SECRET_KEY,
            "ALLOWED_HOSTS": "127.0.0.1",
            "SITE_URL": "https://improve.example.org",
            "SECURE_SSL_REDIRECT": "0",
            "DATABASE_URL": _database_url(),
            "EMAIL_URL": f"filemail:///{self.mail}",  # django-environ drops one slash
        }
        env["STATIC_ROOT"] = str(folder / "static")  # the pages' manifest, as in production
        subprocess.run(  # noqa: S603 (the project's own manage.py)
            [str(PYTHON), "manage.py", "collectstatic", "--no-input", "-v0"],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
        self.process = subprocess.Popen(  # noqa: S603 (the project's own gunicorn)
            [
                str(GUNICORN),
                "stockton_improve.wsgi",
                "--bind",
                f"127.0.0.1:{self.port}",
                "--workers",
                str(WORKERS),
                "--access-logfile",
                str(self.access_log),
                "--access-logformat",
                "%(p)s %(s)s %(U)s",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=(folder / "error.log").open("wb"),
        )
        deadline = time.monotonic() + 30
        while True:
            try:
                self.request("GET", "/api/drift/")
                break
            except OSError:
                if self.process.poll() is not None or time.monotonic() > deadline:
                    self.stop()
                    raise AssertionError((folder / "error.log").read_text()) from None
                time.sleep(0.2)

    def request(self, method: str, path: str, *, body: str = "", cookies=None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=20)
        headers = {"Connection": "close", "Host": "127.0.0.1"}
        if cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in cookies.items())
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=body or None, headers=headers)
            response = conn.getresponse()
            return response.status, response.read()
        finally:
            conn.close()

    def workers_by_path(self, path: str) -> list[str]:
        """Which worker answered each request for ``path``, in order."""
        rows = []
        for line in self.access_log.read_text().splitlines():
            found = PID.match(line)
            if found and found.group(3) == path:
                rows.append(found.group(1))
        return rows

    def emails_sent(self, *, at_least: int) -> int:
        """The emails written so far: they go out after the answer, so wait for ``at_least``
        (up to ten seconds), then a moment more for any beyond them."""

        def count() -> int:
            return sum(
                len(re.findall(r"^Message-ID: ", f.read_text(), re.MULTILINE))
                for f in self.mail.iterdir()
            )

        deadline = time.monotonic() + 10
        while count() < at_least and time.monotonic() < deadline:
            time.sleep(0.1)
        time.sleep(1)
        return count()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture(scope="module")
def server(django_db_setup, tmp_path_factory):
    """One server for the tests here; each test's rows are its own (and flushed after it)."""
    running = Server(tmp_path_factory.mktemp("gunicorn"))
    yield running
    running.stop()


@pytest.fixture
def story(clock):
    """A published plan whose owner was active all along, written over a month before the day
    asked about (ten days ago)."""
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


def _session(user) -> dict:
    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


def _ask_until_every_worker_answered(server, url, cookies, at_least) -> tuple[list[bool], int]:
    """Ask for the day ``at_least`` times and until every worker has answered since; return
    whether each answer showed the owner as having left, and how many workers answered. The
    requests go out a few at a time: one by one, the worker that has just answered is often the
    first to take the next, and another may not be asked for a long while."""
    path = url.split("?", 1)[0]
    already = len(server.workers_by_path(path))
    answers = []
    with ThreadPoolExecutor(WORKERS) as pool:
        while len(answers) < MOST:
            for status, body in pool.map(
                lambda _: server.request("GET", url, cookies=cookies), range(WORKERS)
            ):
                assert status == 200, body[:300]
                rows = json.loads(body)["objectives"]
                assert len(rows) == 1
                answers.append("owner_inactive" in rows[0]["flags"])
            served = server.workers_by_path(path)[already:]
            if len(answers) >= at_least and len(set(served)) == WORKERS:
                break
    return answers, len(set(server.workers_by_path(path)[already:]))


def test_a_backdated_leaver_is_seen_by_every_worker_at_once(server, story):
    day, plan, admin, leader, owner = story
    cookies = _session(leader)
    url = "/api/drift/?" + urlencode({"as_of": day.isoformat(), "plan": plan.pk})

    before, workers = _ask_until_every_worker_answered(server, url, cookies, BEFORE)
    assert workers == WORKERS  # every worker has worked the day out and kept it
    assert not any(before)

    people_services.person_mark_leaver(
        user=admin,
        person=owner,
        reason="Left the council",
        left_on=day - timedelta(days=5),
        expected_version=people_services.account_version(owner),
    )

    after, workers = _ask_until_every_worker_answered(server, url, cookies, AFTER)
    assert workers == WORKERS
    stale = after.count(False)
    assert stale == 0, f"{stale} of {len(after)} answers still show the owner as active"


def test_the_password_reset_limit_holds_across_workers(server):
    person = factories.make_manager("rita_reset")
    limit = settings.PASSWORD_RESET_LIMIT
    token = secrets.token_hex(16)  # Django takes its own unmasked secret back as the form token
    path = "/accounts/password_reset/"
    asked = 0
    # At least limit + 3 requests, and until every worker has answered some.
    while asked < limit + 3 or len(set(server.workers_by_path(path))) < WORKERS:
        assert asked < MOST
        status, body = server.request(
            "POST",
            path,
            body=urlencode({"email": person.email, "csrfmiddlewaretoken": token}),
            cookies={settings.CSRF_COOKIE_NAME: token},
        )
        assert status == 302, body[:300]
        asked += 1
    sent = server.emails_sent(at_least=limit)
    assert sent == limit, f"{sent} emails sent for {asked} requests across {WORKERS} workers"


def test_sign_in_failures_lock_the_account_on_every_worker(server):
    person = factories.make_manager("sam_signin")
    limit = settings.AXES_FAILURE_LIMIT
    token = secrets.token_hex(16)
    path = "/accounts/login/"

    def sign_in(password: str) -> int:
        status, _ = server.request(
            "POST",
            path,
            body=urlencode(
                {"username": person.username, "password": password, "csrfmiddlewaretoken": token}
            ),
            cookies={settings.CSRF_COOKIE_NAME: token},
        )
        return status

    already = len(server.workers_by_path(path))
    # The form again for each failure, until the one that reaches the limit locks the account.
    assert [sign_in("wrong") for _ in range(limit)] == [200] * (limit - 1) + [429]
    # The right password now, on every worker: each knows of the failures made on the others.
    answers: list[int] = []
    while len(set(server.workers_by_path(path)[already + limit :])) < WORKERS:
        assert len(answers) < MOST
        answers.append(sign_in(factories.PASSWORD))
    assert set(answers) == {429}, answers


def test_a_leaver_today_is_seen_on_today_by_every_worker_at_once(server, story):
    """Today's API keeps each objective's part under its stamp (tracking.api_body): the write
    bumps the stamp in the database, so no worker shows the part it kept before."""
    _day, plan, admin, leader, owner = story
    cookies = _session(leader)
    url = "/api/drift/?" + urlencode({"plan": plan.pk})

    before, workers = _ask_until_every_worker_answered(server, url, cookies, BEFORE)
    assert workers == WORKERS
    assert not any(before)

    people_services.person_mark_leaver(
        user=admin,
        person=owner,
        reason="Left the council",
        expected_version=people_services.account_version(owner),
    )

    after, workers = _ask_until_every_worker_answered(server, url, cookies, AFTER)
    assert workers == WORKERS
    stale = after.count(False)
    assert stale == 0, f"{stale} of {len(after)} answers still show the owner as active"
