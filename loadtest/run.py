"""`make load`: a bounded mixed workload against gunicorn + PostgreSQL on 127.0.0.1, with faults.

Managers sign in and post progress updates and re-forecasts; leaders read the dashboard, the
exports and the API. Part-way through, PostgreSQL is restarted once and one gunicorn worker is
killed with SIGKILL while writes are in flight. Afterwards the script measures how soon the app
answered again, checks that every accepted write is in the database with its history, and runs
``check_history``. It prints requests per second, p50/p95/p99 and errors, and exits non-zero
when the app did not recover, an accepted write was lost or history is inconsistent.

Only loopback addresses are used; every loop is bounded by a deadline.
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from html import unescape
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script: the project's root, for loadtest.report

from loadtest.report import check_writes, print_table  # noqa: E402 (the root is on the path)

PYTHON = str(ROOT / ".venv" / "bin" / "python")
GUNICORN = str(ROOT / ".venv" / "bin" / "gunicorn")
HOST = "127.0.0.1"
PASSWORD = secrets.token_urlsafe(16)  # the demo users get it for this run only
CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
VERSION_RE = re.compile(r'name="expected_version" value="(\d+)"')


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- HTTP client with its own cookies (production cookies are Secure; we speak HTTP on loopback
# and tell Django the proxy terminated TLS, as a real load balancer would).
class Session:
    def __init__(self, port: int, host: str = HOST):
        self.port = port
        self.host = host
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: dict | None = None, timeout: float = 15):
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        headers = {
            "X-Forwarded-Proto": "https",
            "Host": "localhost",
            "Referer": "https://localhost/",
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
        }
        data = None
        if body is not None:
            data = urlencode(body)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        try:
            conn.request(method, path, body=data, headers=headers)
            response = conn.getresponse()
            content = response.read()
            for header, value in response.getheaders():
                if header.lower() == "set-cookie":
                    name, _, rest = value.partition("=")
                    self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, response.getheader("Location", ""), content
        finally:
            conn.close()

    def form(self, path: str) -> tuple[str, str]:
        """The CSRF token of the form at ``path``, and the page."""
        status, _, content = self.request("GET", path)
        page = content.decode("utf-8", "replace")
        match = CSRF_RE.search(page)
        if status != 200 or not match:
            raise RuntimeError(f"no form at {path} (status {status})")
        return unescape(match.group(1)), page

    def csrf(self, path: str) -> str:
        return self.form(path)[0]

    def login(self, username: str) -> None:
        token = self.csrf("/accounts/login/")
        status, location, _ = self.request(
            "POST",
            "/accounts/login/",
            {"csrfmiddlewaretoken": token, "username": username, "password": PASSWORD},
        )
        if status != 302:
            raise RuntimeError(f"sign-in failed for {username} (status {status})")


@dataclass
class Results:
    timings: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    statuses: dict[str, dict[int, int]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(int))
    )
    errors: list[tuple[float, str, str]] = field(default_factory=list)
    # (when it started, name, milliseconds) of every answered request, for the phases of a run.
    answered: list[tuple[float, str, float]] = field(default_factory=list)
    accepted_summaries: list[str] = field(default_factory=list)
    uncertain_summaries: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, name: str, started: float, status: int | None, error: str = ""):
        elapsed = (time.monotonic() - started) * 1000
        with self.lock:
            if status is None or status >= 500:
                self.errors.append((time.monotonic(), name, error or f"HTTP {status}"))
            else:
                self.timings[name].append(elapsed)
                self.answered.append((started, name, elapsed))
            self.statuses[name][status or 0] += 1


def timed(results: Results, name: str, call):
    started = time.monotonic()
    try:
        status, location, content = call()
    except Exception as error:  # noqa: BLE001 (a refused connection during a fault is data)
        results.record(name, started, None, type(error).__name__)
        return None
    results.record(name, started, status)
    return status, location, content


# --- workloads -----------------------------------------------------------------------------
def leader_loop(
    port: int, deadline: float, results: Results, plan_id: int, host: str = HOST
) -> None:
    session = Session(port, host)
    session.login("leader")
    past = (date.today() - timedelta(days=120)).isoformat()
    pages = [
        ("dashboard", f"/dashboard/?plan={plan_id}"),
        ("dashboard past", f"/dashboard/?plan={plan_id}&as_of={past}"),
        ("export.csv", f"/dashboard/export.csv?plan={plan_id}"),
        ("export.xlsx", f"/dashboard/export.xlsx?plan={plan_id}"),
        ("api", f"/api/drift/?plan={plan_id}"),
    ]
    i = 0
    while time.monotonic() < deadline:
        name, path = pages[i % len(pages)]
        outcome = timed(results, name, lambda p=path: session.request("GET", p))
        if outcome and outcome[0] == 302 and "/accounts/login/" in outcome[1]:
            session.login("leader")  # sessions survive restarts; this is only a safety net
        i += 1


def manager_loop(
    port: int,
    deadline: float,
    results: Results,
    objectives: list[tuple[int, int]],
    host: str = HOST,
) -> None:
    session = Session(port, host)
    session.login("manager")
    i = 0
    while time.monotonic() < deadline:
        objective_id, milestone_id = objectives[i % len(objectives)]
        timed(results, "my objectives", lambda: session.request("GET", "/"))
        page = f"/objectives/{objective_id}/"
        timed(results, "objective page", lambda p=page: session.request("GET", p))
        # A progress update with a unique summary, so we can find it afterwards.
        summary = f"Load test update {secrets.token_hex(6)}"
        form = f"/objectives/{objective_id}/updates/new/"
        try:
            token = session.csrf(form)
        except Exception as error:  # noqa: BLE001
            results.record("progress update", time.monotonic(), None, str(error)[:80])
            i += 1
            continue
        today = date.today()
        body = {
            "csrfmiddlewaretoken": token,
            "reported_on_day": today.day,
            "reported_on_month": today.month,
            "reported_on_year": today.year,
            "rag": "amber",
            "summary": summary,
        }
        outcome = timed(
            results, "progress update", lambda b=body, f=form: session.request("POST", f, b)
        )
        with results.lock:
            if outcome and outcome[0] == 302:
                results.accepted_summaries.append(summary)
            elif outcome is None or outcome[0] >= 500:
                results.uncertain_summaries.append(summary)
        if milestone_id:
            reforecast(session, results, milestone_id)
        i += 1


def reforecast(session: Session, results: Results, milestone_id: int) -> None:
    """Move the milestone to a new date, with a reason, at the version the form was loaded at.

    Several managers share the demo manager's objectives, so some re-forecasts meet a newer
    version and get 409 (a conflict, not an error).
    """
    path = f"/milestones/{milestone_id}/reforecast/"
    try:
        token, page = session.form(path)
    except Exception as error:  # noqa: BLE001
        results.record("re-forecast", time.monotonic(), None, str(error)[:80])
        return
    version = VERSION_RE.search(page)
    if not version:
        results.record("re-forecast", time.monotonic(), None, "form without a version")
        return
    later = date.today() + timedelta(days=30 + secrets.randbelow(365))
    body = {
        "csrfmiddlewaretoken": token,
        "expected_version": version.group(1),
        "due_date_day": later.day,
        "due_date_month": later.month,
        "due_date_year": later.year,
        "reason": "Load test: the provider moved its start date",
    }
    timed(results, "re-forecast", lambda: session.request("POST", path, body))


# --- faults --------------------------------------------------------------------------------
def restart_postgres() -> float:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    started = time.monotonic()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "restart"],
        check=True,
        capture_output=True,
    )
    return time.monotonic() - started


def gunicorn_workers(master_pid: int) -> list[int]:
    out = subprocess.run(
        ["pgrep", "-P", str(master_pid)], capture_output=True, text=True, check=False
    ).stdout
    return [int(pid) for pid in out.split()]


def wait_until_serving(session: Session, deadline_seconds: float = 30) -> float | None:
    """Seconds until a signed-in page that reads the database answers 200 again."""
    started = time.monotonic()
    while time.monotonic() - started < deadline_seconds:
        try:
            status, _, _ = session.request("GET", "/api/drift/", timeout=2)
            if status == 200:
                return time.monotonic() - started
        except Exception:  # noqa: BLE001, S110 (still down: try again)
            pass
        time.sleep(0.05)
    return None


# --- set-up --------------------------------------------------------------------------------
def django_env(database_url: str) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="stockton_improve.settings.production",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="localhost,127.0.0.1",
        # Production settings require the service's https address (for links in emails).
        SITE_URL="https://localhost",
        # The load client stands in for the TLS-terminating proxy: it connects from loopback
        # and says the request came in over https, which is believed only from a trusted proxy.
        TRUSTED_PROXIES="127.0.0.1",
        DATABASE_URL=database_url,
        DEMO_PASSWORD=PASSWORD,
        CONN_MAX_AGE="60",
        LOG_LEVEL="ERROR",
        AXES_FAILURE_LIMIT="1000",
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise RuntimeError(f"manage.py {' '.join(args)} failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def prepare_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def demo_objectives(env: dict[str, str]) -> tuple[int, list[tuple[int, int]]]:
    script = (
        "from objectives.models import Objective, Plan\n"
        "plan = Plan.objects.order_by('id').first()\n"
        "print(plan.pk)\n"
        "for o in Objective.objects.filter(owner__username='manager'):\n"
        "    m = o.milestones.filter(completed_on__isnull=True).first()\n"
        "    print(o.pk, m.pk if m else 0)\n"
    )
    lines = manage(env, "shell", "--no-imports", "-c", script).split()
    plan_id, rest = int(lines[0]), list(map(int, lines[1:]))
    return plan_id, list(zip(rest[::2], rest[1::2], strict=True))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--leaders", type=int, default=4)
    parser.add_argument("--managers", type=int, default=4)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("LOAD_ADMIN_URL", "postgresql://postgres@127.0.0.1/postgres"),
    )
    parser.add_argument("--database", default="improve_load")
    args = parser.parse_args()

    database_url = args.admin_url.rsplit("/", 1)[0] + "/" + args.database
    env = django_env(database_url)
    log(f"Preparing PostgreSQL database {args.database}")
    prepare_database(args.admin_url, args.database)
    manage(env, "migrate", "--no-input")
    manage(env, "seed_demo", "--force")
    manage(env, "collectstatic", "--no-input")
    plan_id, objectives = demo_objectives(env)
    if not objectives:
        raise SystemExit("The demo manager owns no objectives: nothing to write to.")

    log(f"Starting gunicorn with {args.workers} workers on {HOST}:{args.port}")
    server = subprocess.Popen(
        [
            GUNICORN,
            "stockton_improve.wsgi",
            "-b",
            f"{HOST}:{args.port}",
            "-w",
            str(args.workers),
            "--timeout",
            "30",
            "--graceful-timeout",
            "5",
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
    )
    try:
        probe = Session(args.port)
        deadline_start = time.monotonic() + 30
        while True:
            try:
                probe.login("leader")
                break
            except Exception:  # noqa: BLE001 (not up yet)
                if time.monotonic() > deadline_start:
                    raise SystemExit("gunicorn did not start") from None
                time.sleep(0.2)
        results = Results()
        started = time.monotonic()
        deadline = started + args.seconds
        threads = [
            threading.Thread(target=leader_loop, args=(args.port, deadline, results, plan_id))
            for _ in range(args.leaders)
        ] + [
            threading.Thread(target=manager_loop, args=(args.port, deadline, results, objectives))
            for _ in range(args.managers)
        ]
        for thread in threads:
            thread.start()

        time.sleep(args.seconds * 0.3)
        log("Fault 1: restarting PostgreSQL")
        pg_restart_at = time.monotonic()
        took = restart_postgres()
        pg_back = wait_until_serving(probe)
        log(f"PostgreSQL restarted in {took:.1f}s; pages served again {pg_back:.2f}s after that")

        time.sleep(args.seconds * 0.25)
        workers = gunicorn_workers(server.pid)
        log(f"Fault 2: SIGKILL to gunicorn worker {workers[0]} while writes are in flight")
        kill_at = time.monotonic()
        os.kill(workers[0], signal.SIGKILL)
        kill_back = wait_until_serving(probe)

        for thread in threads:
            thread.join(timeout=args.seconds + 60)
        elapsed = time.monotonic() - started
    finally:
        server.send_signal(signal.SIGTERM)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()

    # --- report -------------------------------------------------------------------------
    print()
    print(
        f"Workload: {args.leaders} leaders + {args.managers} managers for {elapsed:.0f}s, "
        f"gunicorn {args.workers} workers, PostgreSQL"
    )
    print_table(results, elapsed)
    # A fault's window: from just before it until 2 s after the app answered again (for the
    # database, the answer is timed from the end of the restart, which itself took ``took``).
    pg_window = (pg_restart_at - 0.5, pg_restart_at + took + (pg_back or 30) + 2)
    kill_window = (kill_at - 0.5, kill_at + (kill_back or 30) + 2)
    near_pg = sum(1 for t, _, _ in results.errors if pg_window[0] <= t <= pg_window[1])
    near_kill = sum(1 for t, _, _ in results.errors if kill_window[0] <= t <= kill_window[1])
    elsewhere = len(results.errors) - near_pg - near_kill
    kinds: dict[str, int] = defaultdict(int)
    for _, _, what in results.errors:
        kinds[what] += 1
    print(
        f"Errors during the PostgreSQL restart: {near_pg}; during the worker kill: {near_kill}; "
        f"at any other time: {elsewhere}"
    )
    print("Errors by kind: " + ", ".join(f"{k} {v}" for k, v in sorted(kinds.items())))
    print(
        f"Recovery: PostgreSQL was down for {took:.1f}s; signed-in pages served again "
        f"{(pg_back or 0):.2f}s after it was back, and {(kill_back or 0):.2f}s after the worker kill"
    )

    # --- integrity ---------------------------------------------------------------------
    writes = check_writes(env, results)
    wanted, found, with_history = writes.wanted, writes.found, writes.with_history
    u_found, u_hist = writes.cut_off_found, writes.cut_off_with_history
    history = subprocess.run(
        [PYTHON, "manage.py", "check_history"], cwd=ROOT, env=env, text=True, capture_output=True
    )
    print(history.stdout.strip().splitlines()[-1] if history.stdout else history.stderr)

    failures = []
    if pg_back is None or pg_back > 30:
        failures.append("the app did not answer within 30s of the PostgreSQL restart")
    if kill_back is None or kill_back > 10:
        failures.append("the app did not answer within 10s of the worker kill")
    if found != wanted or with_history != wanted:
        failures.append("an accepted write is missing or has no history")
    if u_hist != u_found:
        failures.append("a write cut off by a fault was saved without its history")
    if history.returncode != 0:
        failures.append("check_history found problems")
    if elsewhere:
        failures.append(f"{elsewhere} errors outside the two faults")
    if any(status == 500 for by_status in results.statuses.values() for status in by_status):
        failures.append("a request answered 500 (a database outage should answer 503)")
    for failure in failures:
        print(f"FAILED: {failure}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
