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
- a session started on host A works on host B, and an evidence file stored by host A downloads
  from host B (one evidence folder);
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
import os
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from loadtest.cluster_checks import (  # noqa: E402 (the project's root is on the path first)
    evidence_moves_between_hosts,
    past_day_agrees,
    reminders_on_both_hosts,
    session_moves_between_hosts,
)
from loadtest.cluster_hosts import (  # noqa: E402
    BALANCER,
    HAPROXY,
    HOSTS,
    WORK,
    AppHost,
    Balancer,
    MailSink,
    copy_database,
    free_port,
)
from loadtest.report import check_writes, phase_table, print_table  # noqa: E402
from loadtest.run import (  # noqa: E402
    PYTHON,
    Results,
    Session,
    demo_objectives,
    django_env,
    leader_loop,
    log,
    manage,
    manager_loop,
    prepare_database,
)


def static_is_current() -> bool:
    """Whether ``collectstatic`` has run since any static file last changed (it takes a while)."""
    manifest = ROOT / "staticfiles" / "staticfiles.json"
    if os.environ.get("STATIC_ROOT") or not manifest.exists():
        return False
    sources = [ROOT / "assets" / "build", *ROOT.glob("*/static")]
    newest = max(
        (f.stat().st_mtime for folder in sources for f in folder.rglob("*") if f.is_file()),
        default=0,
    )
    return manifest.stat().st_mtime > newest


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
        [PYTHON, "manage.py", "collectstatic", "--no-input", "-v0"]
        if not static_is_current()
        else [PYTHON, "-c", "pass"],
        cwd=ROOT,
        env=env,
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
        ok, detail = evidence_moves_between_hosts(app_port, plan_id, hosts["A"].env)
        print(
            f"An evidence file stored on host A, read on host B: {'ok' if ok else 'FAILED'} ({detail})"
        )
        if not ok:
            failures.append("an evidence file stored on host A could not be read on host B")
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
