"""The pieces of `make cluster`: an app host (gunicorn on a loopback address), HAProxy in front
of two of them, and a real SMTP server that counts what it is given."""

from __future__ import annotations

import email
import os
import re
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from pathlib import Path

from loadtest.run import GUNICORN, Session

ROOT = Path(__file__).resolve().parent.parent
HOSTS = {"A": "127.0.0.2", "B": "127.0.0.3"}
BALANCER = "127.0.0.1"
HAPROXY = "/usr/sbin/haproxy"
WORK = ROOT / ".cache" / "cluster"
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
