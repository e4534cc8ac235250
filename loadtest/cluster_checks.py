"""The checks `make cluster` makes after its load: a session moves between hosts, an evidence
file stored by one host is read by the other, a past day reads the same from both after a
backdated write, and each email goes once."""

from __future__ import annotations

import json
import re
import subprocess
import time
from collections import Counter
from datetime import date, timedelta

from loadtest.cluster_hosts import HOSTS, AppHost, MailSink
from loadtest.run import PYTHON, ROOT, Session, manage

VERSION_RE = re.compile(r'name="version" value="([^"]+)"')


def session_moves_between_hosts(port: int) -> tuple[bool, str]:
    on_a = Session(port, HOSTS["A"])
    on_a.login("leader")
    on_b = Session(port, HOSTS["B"])
    on_b.cookies = dict(on_a.cookies)
    status, location, body = on_b.request("GET", "/api/drift/")
    page_status, page_location, _ = on_b.request("GET", "/dashboard/")
    ok = status == 200 and json.loads(body).get("objectives") and page_status == 200
    return bool(ok), f"API {status}, dashboard {page_status} {page_location}".strip()


EVIDENCE_ON_A = """
import sys
from django.contrib.auth import get_user_model
from impact import evidence_services
from objectives.models import Objective
evidence = evidence_services.evidence_add_file(
    user=get_user_model().objects.get(username="admin"),
    objective=Objective.objects.filter(plan_id={plan}).order_by("pk").first(),
    title="Cluster check",
    name="cluster-check.txt",
    data=sys.stdin.buffer.read(),
)
print(evidence.pk)
"""


def evidence_moves_between_hosts(
    port: int, plan_id: int, env_a: dict[str, str]
) -> tuple[bool, str]:
    """A file stored by a process of host A (the shared evidence folder), downloaded from B."""
    data = f"Evidence stored on host A at {time.time()}: café\n".encode()
    stored = subprocess.run(  # noqa: S603 (the project's own manage.py)
        [PYTHON, "manage.py", "shell", "--no-imports", "-c", EVIDENCE_ON_A.format(plan=plan_id)],
        cwd=ROOT,
        env=env_a,
        input=data,
        capture_output=True,
        check=True,
    )
    pk = int(stored.stdout.split()[-1])
    on_b = Session(port, HOSTS["B"])
    on_b.login("leader")
    status, _, body = on_b.request("GET", f"/evidence/{pk}/download/")
    return status == 200 and body == data, f"download from host B {status}, {len(body)} bytes"


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
