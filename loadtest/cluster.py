"""`make cluster`: two app hosts behind HAProxy, sharing one PostgreSQL, Redis and evidence folder.

Host A is gunicorn on 127.0.0.2 and host B on 127.0.0.3 (the same port), both with the
production settings, one database, the machine's Redis as the cache (``CACHE_URL``) and one
evidence folder. HAProxy from Debian listens on 127.0.0.1, checks each host's ``/healthz``, adds
``X-Forwarded-For`` and says the request came in over https (as a TLS-terminating balancer
would); the hosts trust it (``TRUSTED_PROXIES=127.0.0.1``).

The mixed load of ``make load`` (leaders reading, managers writing) runs through the balancer
with 8 people at once. Part-way through, host B is killed with SIGKILL (its master and workers)
and started again. Afterwards ``send_reminders`` runs on both hosts at the same moment, into a
real SMTP sink. The script exits non-zero unless:

- every write answered 2xx/3xx is in the database with its history, and ``check_history`` is
  clean;
- a session started on host A works on host B;
- after a backdated write on host A, a past day reads byte for byte the same from both hosts
  (and shows the write);
- each email went once (the SMTP sink and the sent-email log agree, and a second run on both
  hosts sends nothing more);
- the only errors are requests in flight to host B while it died: none outside that moment, at
  most one per person.

It prints throughput and p50/p95 per page, for the whole run and for its phases (both hosts, one
host down, both again). Only loopback addresses are used; every wait is bounded.
"""

from __future__ import annotations

import argparse
import email
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loadtest.run import (  # noqa: E402 (the project's root is on the path first)
    GUNICORN,
    PYTHON,
    Results,
    Session,
    check_writes,
    demo_objectives,
    django_env,
    leader_loop,
    log,
    manage,
    manager_loop,
    percentile,
    prepare_database,
    print_table,
)

HOSTS = {"A": "127.0.0.2", "B": "127.0.0.3"}
BALANCER = "127.0.0.1"
HAPROXY = "/usr/sbin/haproxy"
WORK = ROOT / ".cache" / "cluster"
VERSION_RE = re.compile(r'name="version" value="([^"]+)"')
# A request line of HAProxy's log: "... improve app_hosts/host_b 0/481/0/-1/683 502 ..."
LOGGED_FAILURE = re.compile(r" improve app_hosts/(\S+) \S+ (\d{3}) ")

HAPROXY_CONFIG = """\
# make cluster: HAProxy in front of two app hosts. In production the frontend binds :443 with
# "ssl crt /etc/haproxy/improve.pem" and the servers are the hosts' own addresses.
global
    maxconn 512
    log stdout format raw local0

defaults
    mode http
    log global
    option httplog
    option dontlog-normal  # only the requests that failed
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    option forwardfor
    # A request that cannot reach a host (refused: it has just died) is sent to the other one.
    retries 3
    option redispatch 1

frontend improve
    bind {balancer}:{balancer_port}
    # TLS ends here: tell the app so (it believes this only from TRUSTED_PROXIES).
    http-request set-header X-Forwarded-Proto https
    default_backend app_hosts

backend app_hosts
    balance roundrobin
    option httpchk
    http-check send meth GET uri /healthz ver HTTP/1.1 hdr Host localhost
    http-check expect string ok
    # A host that is down refuses the check at once; a busy one may take a while to answer.
    timeout check 5s
    # A host whose connections fail is taken out at once, without waiting for its check.
    default-server inter 1s fall 2 rise 2 maxconn {maxconn} observe layer4 error-limit 1 on-error mark-down
    timeout queue 30s
    server host_a {host_a}:{port} check
    server host_b {host_b}:{port} check

frontend stats
    bind {balancer}:{stats_port}
    stats enable
    stats uri /stats
"""


def free_port(addresses: tuple[str, ...]) -> int:
    """A port free on every one of ``addresses``."""
    for _ in range(100):
        with socket.socket() as probe:
            probe.bind((addresses[0], 0))
            port = probe.getsockname()[1]
        try:
            for address in addresses[1:]:
                with socket.socket() as other:
                    other.bind((address, port))
            return port
        except OSError:
            continue
    raise SystemExit(f"no port free on all of {addresses}")


# --- the pieces -----------------------------------------------------------------------------
class AppHost:
    """gunicorn with the production settings on one loopback address, in its own process
    group, so that killing the host kills its master and workers at once."""

    def __init__(self, name: str, address: str, port: int, env: dict[str, str], workers: int):
        self.name, self.address, self.port, self.env, self.workers = (
            name,
            address,
            port,
            env,
            workers,
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        errors = (WORK / f"host-{self.name}.log").open("ab")
        self.process = subprocess.Popen(  # noqa: S603 (the project's own gunicorn)
            [
                GUNICORN,
                "stockton_improve.wsgi",
                "--bind",
                f"{self.address}:{self.port}",
                "--workers",
                str(self.workers),
                "--timeout",
                "30",
                "--graceful-timeout",
                "5",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=errors,
            start_new_session=True,
        )

    def healthy(self) -> bool:
        try:
            status, _, body = Session(self.port, self.address).request("GET", "/healthz", timeout=2)
        except OSError:
            return False
        return status == 200 and body == b"ok"

    def wait_healthy(self, seconds: float = 60) -> float | None:
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            if self.healthy():
                return time.monotonic() - started
            if self.process is not None and self.process.poll() is not None:
                return None
            time.sleep(0.1)
        return None

    def kill(self) -> None:
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()


class Balancer:
    def __init__(self, app_port: int, workers: int):
        self.port = free_port((BALANCER,))
        self.stats_port = free_port((BALANCER,))
        self.config = HAPROXY_CONFIG.format(
            balancer=BALANCER,
            balancer_port=self.port,
            stats_port=self.stats_port,
            host_a=HOSTS["A"],
            host_b=HOSTS["B"],
            port=app_port,
            maxconn=workers,  # requests wait in HAProxy's queue, not behind a busy worker
        )
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        (WORK / "haproxy.log").write_text("")
        path = WORK / "haproxy.cfg"
        path.write_text(self.config)
        subprocess.run([HAPROXY, "-c", "-q", "-f", str(path)], check=True)  # noqa: S603
        self.process = subprocess.Popen(  # noqa: S603 (Debian's haproxy, our configuration)
            [HAPROXY, "-db", "-f", str(path)],
            stdout=(WORK / "haproxy.log").open("ab", buffering=0),
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def server_status(self) -> dict[str, str]:
        """Each app host's state as HAProxy sees it (UP, DOWN, ...)."""
        _, _, body = Session(self.stats_port, BALANCER).request("GET", "/stats;csv", timeout=2)
        rows = body.decode().splitlines()
        header = rows[0].lstrip("# ").split(",")
        found = {}
        for row in rows[1:]:
            cells = dict(zip(header, row.split(","), strict=False))
            if cells.get("pxname") == "app_hosts" and cells.get("svname", "").startswith("host_"):
                found[cells["svname"]] = cells["status"].split(" ")[0]
        return found

    def wait_for(self, server: str, state: str, seconds: float = 30) -> float | None:
        started = time.monotonic()
        while time.monotonic() - started < seconds:
            try:
                if self.server_status().get(server) == state:
                    return time.monotonic() - started
            except OSError:
                pass
            time.sleep(0.05)
        return None

    def failed_requests(self) -> Counter:
        """The requests HAProxy answered 5xx, by the host it had sent them to (its log keeps
        only failed requests)."""
        found: Counter = Counter()
        for line in (WORK / "haproxy.log").read_text(errors="replace").splitlines():
            match = LOGGED_FAILURE.search(line)
            if match and match.group(2).startswith("5"):
                found[match.group(1)] += 1
        return found

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


class MailSink:
    """A real SMTP server on loopback (aiosmtpd) that keeps every message it is given."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        self.messages: list[tuple[str, str]] = []  # (recipient, subject)
        self.lock = threading.Lock()
        self.port = free_port((BALANCER,))
        self.controller = Controller(self, hostname=BALANCER, port=self.port)

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's API)
        parsed = email.message_from_bytes(envelope.content)
        with self.lock:
            for recipient in envelope.rcpt_tos:
                self.messages.append((recipient, str(parsed["Subject"])))
        return "250 Message accepted"

    def start(self) -> None:
        self.controller.start()

    def stop(self) -> None:
        self.controller.stop()


def copy_database(admin_url: str, template: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}" TEMPLATE "{template}"')


# --- the checks after the load --------------------------------------------------------------
def session_moves_between_hosts(port: int) -> tuple[bool, str]:
    on_a = Session(port, HOSTS["A"])
    on_a.login("leader")
    on_b = Session(port, HOSTS["B"])
    on_b.cookies = dict(on_a.cookies)
    status, location, body = on_b.request("GET", "/api/drift/")
    page_status, page_location, _ = on_b.request("GET", "/dashboard/")
    ok = status == 200 and json.loads(body).get("objectives") and page_status == 200
    return bool(ok), f"API {status}, dashboard {page_status} {page_location}".strip()


SOMEONE_TO_LEAVE = """
from django.contrib.auth import get_user_model
from objectives.models import Objective
owners = (Objective.objects.filter(plan_id={plan}, owner__is_active=True)
          .exclude(owner__username__in=["admin", "leader", "manager"])
          .values_list("owner_id", flat=True).order_by("owner_id"))
print(owners.first())
"""


def past_day_agrees(env, port: int, plan_id: int, leader_cookies) -> tuple[bool, str]:
    """A backdated write on host A (someone recorded as having left five days before a past
    day), then that day read from each host directly: the same bytes, showing the change."""
    past = date.today() - timedelta(days=30)
    path = f"/api/drift/?plan={plan_id}&as_of={past.isoformat()}"
    readers = {}
    for name, address in HOSTS.items():
        readers[name] = Session(port, address)
        readers[name].cookies = dict(leader_cookies)
    before = {name: reader.request("GET", path)[2] for name, reader in readers.items()}

    person = int(manage(env, "shell", "--no-imports", "-c", SOMEONE_TO_LEAVE.format(plan=plan_id)))
    admin = Session(port, HOSTS["A"])
    admin.login("admin")
    form = f"/manage/people/{person}/leaver/"
    token, page = admin.form(form)
    left_on = past - timedelta(days=5)
    status, _, _ = admin.request(
        "POST",
        form,
        {
            "csrfmiddlewaretoken": token,
            "version": VERSION_RE.search(page).group(1),
            "left_on_day": left_on.day,
            "left_on_month": left_on.month,
            "left_on_year": left_on.year,
            "reassign_to": "",
            "reason": "Left the council (recorded late)",
        },
    )
    after = {name: reader.request("GET", path)[2] for name, reader in readers.items()}
    same = after["A"] == after["B"] and before["A"] == before["B"]
    changed = after["A"] != before["A"] and b"owner_inactive" in after["A"]
    detail = (
        f"leaver form {status}; before A==B {before['A'] == before['B']}; "
        f"after A==B {after['A'] == after['B']} ({len(after['A'])} bytes); changed {changed}"
    )
    return status == 302 and same and changed, detail


SENT_LOG = """
from reminders.models import SentEmail
print(SentEmail.objects.filter(status="sent").count(),
      SentEmail.objects.exclude(status="sent").count())
"""


def reminders_on_both_hosts(hosts: dict[str, AppHost], sink: MailSink) -> tuple[bool, str]:
    def both_at_once() -> list[int]:
        runs = [
            subprocess.Popen(  # noqa: S603 (the project's own manage.py)
                [PYTHON, "manage.py", "send_reminders", "--digest"],
                cwd=ROOT,
                env=host.env,
                stdout=subprocess.DEVNULL,
                stderr=subprocess.PIPE,
            )
            for host in hosts.values()
        ]
        return [run.wait(timeout=120) for run in runs]

    already = len(sink.messages)
    first = both_at_once()
    after_first = len(sink.messages)
    second = both_at_once()
    time.sleep(0.5)
    sent = sink.messages[already:]
    twice = [key for key, n in Counter(sent).items() if n > 1]
    logged, not_sent = map(
        int, manage(hosts["A"].env, "shell", "--no-imports", "-c", SENT_LOG).split()[-2:]
    )
    ok = (
        first == [0, 0]
        and second == [0, 0]
        and len(sent) > 0
        and not twice
        and len(sent) == after_first - already
        and logged == len(sent)
        and not_sent == 0
    )
    detail = (
        f"exit codes {first} then {second}; emails received {len(sent)} "
        f"({len(set(sent))} different), sent-email log {logged} sent, {not_sent} not; "
        f"more on the second run: {len(sink.messages) - after_first}"
    )
    return ok, detail


# --- the run ----------------------------------------------------------------------------------
def phase_table(results: Results, phases: list[tuple[str, float, float]]) -> None:
    print(f"{'phase':<34}{'seconds':>8}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'errors':>8}")
    for label, start, end in phases:
        times = [ms for t, _, ms in results.answered if start <= t < end]
        errors = sum(1 for t, _, _ in results.errors if start <= t < end)
        seconds = max(end - start, 0.001)
        print(
            f"{label:<34}{seconds:>8.1f}{(len(times) + errors) / seconds:>8.1f}"
            f"{percentile(times, 50):>8.0f}{percentile(times, 95):>8.0f}{errors:>8}"
        )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=int, default=60)
    parser.add_argument("--leaders", type=int, default=4)
    parser.add_argument("--managers", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers per host")
    parser.add_argument(
        "--admin-url",
        default=os.environ.get("LOAD_ADMIN_URL", "postgresql://postgres@127.0.0.1/postgres"),
    )
    parser.add_argument("--database", default="improve_cluster")
    parser.add_argument(
        "--template",
        help="start from a copy of this database, already migrated with the demo loaded "
        "(quicker; CI passes the demo database it has just checked)",
    )
    parser.add_argument(
        "--redis", default=os.environ.get("CLUSTER_CACHE_URL", "redis://127.0.0.1:6379/2")
    )
    args = parser.parse_args()
    began = time.monotonic()
    people = args.leaders + args.managers

    if not Path(HAPROXY).exists():
        raise SystemExit("HAProxy is not installed (make cluster installs the Debian package)")
    WORK.mkdir(parents=True, exist_ok=True)
    evidence = WORK / "evidence"
    evidence.mkdir(exist_ok=True)
    sink = MailSink()
    sink.start()

    database_url = args.admin_url.rsplit("/", 1)[0] + "/" + args.database
    env = django_env(database_url)  # one SECRET_KEY for both hosts: a session works on either
    env.update(
        ALLOWED_HOSTS="localhost",
        TRUSTED_PROXIES=BALANCER,  # HAProxy (and this script, speaking to a host directly)
        CACHE_URL=args.redis,
        EVIDENCE_ROOT=str(evidence),
        EMAIL_URL=f"smtp://{BALANCER}:{sink.port}",
        DEFAULT_FROM_EMAIL="improvement-plan@localhost",
    )
    log(f"Preparing PostgreSQL database {args.database} (shared by both hosts)")
    static = subprocess.Popen(  # noqa: S603 (meanwhile: the pages' static files, as in production)
        [PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"], cwd=ROOT, env=env
    )
    if args.template:
        copy_database(args.admin_url, args.template, args.database)
    else:
        prepare_database(args.admin_url, args.database)
    manage(env, "migrate", "--no-input")
    manage(env, "seed_demo", "--force")  # on a copy: adds nothing, sets this run's passwords
    if static.wait() != 0:
        raise SystemExit("collectstatic failed")
    plan_id, objectives = demo_objectives(env)
    if not objectives:
        raise SystemExit("The demo manager owns no objectives: nothing to write to.")

    app_port = free_port(tuple(HOSTS.values()))
    hosts = {
        name: AppHost(name, address, app_port, dict(env), args.workers)
        for name, address in HOSTS.items()
    }
    balancer = Balancer(app_port, args.workers)
    failures: list[str] = []
    try:
        for host in hosts.values():
            host.start()
        for host in hosts.values():
            if host.wait_healthy() is None:
                raise SystemExit(f"host {host.name} did not start: see {WORK}/host-{host.name}.log")
        balancer.start()
        for server in ("host_a", "host_b"):
            if balancer.wait_for(server, "UP") is None:
                raise SystemExit(f"HAProxy does not see {server} as up")
        setup = time.monotonic() - began
        log(
            f"Two hosts ({args.workers} workers each) on {HOSTS['A']}:{app_port} and "
            f"{HOSTS['B']}:{app_port}; HAProxy on {BALANCER}:{balancer.port}; set-up {setup:.0f}s"
        )

        # --- the load, with host B killed and started again ---------------------------------
        results = Results()
        started = time.monotonic()
        deadline = started + args.seconds
        threads = [
            threading.Thread(
                target=leader_loop, args=(balancer.port, deadline, results, plan_id, BALANCER)
            )
            for _ in range(args.leaders)
        ] + [
            threading.Thread(
                target=manager_loop, args=(balancer.port, deadline, results, objectives, BALANCER)
            )
            for _ in range(args.managers)
        ]
        for thread in threads:
            thread.start()
        time.sleep(args.seconds * 0.3)
        log("Killing host B (SIGKILL to its master and workers) while requests are in flight")
        killed_at = time.monotonic()
        hosts["B"].kill()
        down_after = balancer.wait_for("host_b", "DOWN")
        log(f"HAProxy took host B out {down_after or -1:.2f}s after the kill")
        time.sleep(max(1.0, args.seconds * 0.15))
        log("Starting host B again")
        restarted_at = time.monotonic()
        hosts["B"].start()
        healthy_after = hosts["B"].wait_healthy()
        up_after = balancer.wait_for("host_b", "UP")
        back_at = time.monotonic()
        log(
            f"Host B answered /healthz {healthy_after or -1:.2f}s after its start and was back "
            f"behind HAProxy {back_at - restarted_at:.2f}s after it"
        )
        for thread in threads:
            thread.join(timeout=args.seconds + 60)
        elapsed = time.monotonic() - started

        print()
        print(
            f"Workload through HAProxy: {args.leaders} leaders + {args.managers} managers "
            f"({people} people at once) for {elapsed:.0f}s; two hosts of {args.workers} gunicorn "
            "workers; PostgreSQL, Redis"
        )
        print_table(results, elapsed)
        down_until = killed_at + (down_after if down_after is not None else 30)
        phase_table(
            results,
            [
                ("both hosts", started, killed_at),
                ("host B killed, until it was back", killed_at, back_at),
                ("both hosts again", back_at, started + elapsed),
            ],
        )
        # In flight to host B when it died: from the kill until HAProxy took B out.
        window = (killed_at - 0.5, down_until + 1.0)
        in_flight = [e for e in results.errors if window[0] <= e[0] <= window[1]]
        elsewhere = [e for e in results.errors if not window[0] <= e[0] <= window[1]]
        kinds = Counter(what for _, _, what in results.errors)
        print(
            f"Errors while host B died (kill to out of the balancer, {window[1] - window[0]:.1f}s):"
            f" {len(in_flight)}; at any other time: {len(elsewhere)}; by kind: "
            + (", ".join(f"{k} {v}" for k, v in sorted(kinds.items())) or "none")
        )
        if down_after is None:
            failures.append("HAProxy never took the killed host out")
        if healthy_after is None or up_after is None:
            failures.append("host B did not come back behind HAProxy")
        if elsewhere:
            failures.append(f"{len(elsewhere)} errors outside the killed host's moment")
        by_host = balancer.failed_requests()
        print(
            "Failed requests in HAProxy's log, by host: "
            + (", ".join(f"{k} {v}" for k, v in sorted(by_host.items())) or "none")
        )
        if set(by_host) - {"host_b"}:
            failures.append("a request failed that was not sent to the killed host")
        if len(in_flight) > people:
            failures.append(f"{len(in_flight)} errors when host B died: more than in flight")
        if any(500 in by_status for by_status in results.statuses.values()):
            failures.append("a request answered 500")

        # --- the checks ---------------------------------------------------------------------
        writes = check_writes(env, results)
        if writes.found != writes.wanted or writes.with_history != writes.wanted:
            failures.append("an accepted write is missing or has no history")
        if writes.cut_off_with_history != writes.cut_off_found:
            failures.append("a write cut off by the kill was saved without its history")
        if writes.wanted == 0:
            failures.append("no write was accepted")

        ok, detail = session_moves_between_hosts(app_port)
        print(f"A session started on host A, used on host B: {'ok' if ok else 'FAILED'} ({detail})")
        if not ok:
            failures.append("a session started on host A did not work on host B")
        leader = Session(app_port, HOSTS["A"])
        leader.login("leader")
        ok, detail = past_day_agrees(env, app_port, plan_id, leader.cookies)
        print(
            f"A past day after a backdated write on host A: {'ok' if ok else 'FAILED'} ({detail})"
        )
        if not ok:
            failures.append("a past day did not read the same from both hosts after the write")

        ok, detail = reminders_on_both_hosts(hosts, sink)
        print(f"send_reminders on both hosts at once: {'ok' if ok else 'FAILED'} ({detail})")
        if not ok:
            failures.append("an email did not go exactly once")
    finally:
        balancer.stop()
        for host in hosts.values() if "hosts" in locals() else ():
            host.stop()
        sink.stop()

    history = subprocess.run(  # noqa: S603 (the project's own manage.py)
        [PYTHON, "manage.py", "check_history"], cwd=ROOT, env=env, text=True, capture_output=True
    )
    print(history.stdout.strip().splitlines()[-1] if history.stdout else history.stderr)
    if history.returncode != 0:
        failures.append("check_history found problems")
    print(f"Whole run: {time.monotonic() - began:.0f}s")
    for failure in failures:
        print(f"FAILED: {failure}")
    if not failures:
        print("Cluster check passed")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
