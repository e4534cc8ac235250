"""Every HTML page, as each role sees it, passes the Nu Html Checker (``vnu-jar`` from npm).

The pages are those of the access table in ``tests/test_access_matrix.py`` (so a new URL is
checked as soon as it is listed there), fetched with GET as an administrator, a leader, the
objective's owner and someone signed out, plus a handful of key forms re-shown with errors
after an empty POST, then the demo plan's pages (``seed_demo``: many objectives, their
history, a board cycle) as its three users. All pages are written to a folder and checked in
one run of the checker, which is slow to start; the test fails listing every error with its
page and line.
"""

import io
import json
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.urls import reverse

from devtools.management.commands.seed_demo import DEMO_USERS, find_demo_plan
from milestones.models import Milestone
from objectives.models import Objective
from tests.test_access_matrix import FIXED_ARGS, SAMPLE_FOR, TABLE, world  # noqa: F401

ROOT = Path(__file__).resolve().parents[1]
VNU_JAR = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
ROLES = ("admin", "leader", "owner", "visitor")
# Forms re-shown with their errors after an empty POST, as the role allowed to send them.
BAD_POSTS = (
    ("planning:plan_create", "admin"),
    ("planning:objective_create", "admin"),
    ("planning:milestone_create", "admin"),
    ("people:person_create", "admin"),
    ("objectives:progress_update_create", "owner"),
    ("milestones:milestone_reschedule", "owner"),
    ("milestones:milestone_complete", "owner"),
    ("impact:measure_value_create", "owner"),
    ("board:challenge_raise", "leader"),
    ("login", "visitor"),
)


def _url(samples, name: str) -> str:
    sample = SAMPLE_FOR.get(name)
    return reverse(name, args=FIXED_ARGS.get(name, [samples[sample].pk] if sample else []))


def _html(response) -> bool:
    return response.status_code == 200 and response["Content-Type"].startswith("text/html")


def _fetch_pages(client, users, samples) -> dict[str, bytes]:
    pages: dict[str, bytes] = {}
    for role in ROLES:
        client.logout()
        user = users[role]
        if user is not None:
            client.force_login(user)
        for name, (_, methods) in TABLE.items():
            if "GET" not in methods:
                continue
            url = _url(samples, name)
            response = client.get(url)
            if _html(response):
                pages[f"GET {url} as {role}"] = response.content
        for name, poster in BAD_POSTS:
            if poster != role:
                continue
            url = _url(samples, name)
            response = client.post(url, {})
            assert _html(response), f"POST {url} as {role}: {response.status_code}"
            pages[f"POST {url} as {role} (errors)"] = response.content
    return pages


def _fetch_demo_pages(client) -> dict[str, bytes]:
    """The demo plan's fuller pages (many objectives, history, board cycle) as its three users."""
    call_command("seed_demo", "--force", stdout=io.StringIO())
    plan = find_demo_plan()
    objectives = Objective.objects.filter(plan=plan).order_by("pk")[:3]
    milestones = Milestone.objects.filter(objective__plan=plan).order_by("pk")[:3]
    urls = [
        reverse(name)
        for name, (_, methods) in TABLE.items()
        if "GET" in methods and name not in SAMPLE_FOR and name not in FIXED_ARGS
    ]
    urls += [reverse("tracking:objective_detail", args=[o.pk]) for o in objectives]
    urls += [reverse("milestones:milestone_detail", args=[m.pk]) for m in milestones]
    urls += [reverse("planning:plan_detail", args=[plan.pk])]
    pages: dict[str, bytes] = {}
    for demo in DEMO_USERS:
        client.logout()
        client.force_login(get_user_model().objects.get(username=demo.username))
        for url in urls:
            response = client.get(url)
            if _html(response):
                pages[f"GET {url} as demo {demo.username}"] = response.content
    return pages


@pytest.mark.browser
def test_every_page_passes_the_nu_html_checker(client, world, tmp_path):  # noqa: F811
    java = shutil.which("java")
    assert java, "Java 11+ is needed to run the Nu Html Checker"
    assert VNU_JAR.is_file(), f"{VNU_JAR} is missing: run npm ci"
    pages = _fetch_pages(client, world["users"], world["samples"])
    pages.update(_fetch_demo_pages(client))
    assert len(pages) > 100, f"only {len(pages)} HTML pages answered"

    labels: dict[str, str] = {}
    for number, (label, content) in enumerate(sorted(pages.items())):
        path = tmp_path / f"page{number:03}.html"
        path.write_bytes(content)
        labels[path.name] = label
    result = subprocess.run(  # noqa: S603 (a fixed command over the files written above)
        [java, "-jar", str(VNU_JAR), "--errors-only", "--format", "json"]
        + [str(tmp_path / name) for name in sorted(labels)],
        capture_output=True,
        text=True,
        timeout=600,
        check=False,
    )
    report = json.loads(result.stderr or result.stdout or '{"messages": []}')
    errors = [
        f"{labels.get(message.get('url', '').rsplit('/', 1)[-1], message.get('url'))} "
        f"line {message.get('lastLine')}: "
        f"{message.get('message')} [{message.get('extract', '').strip()[:80]}]"
        for message in report["messages"]
        if message.get("type") in ("error", "non-document-error")
    ]
    assert errors == [], f"{len(errors)} errors on {len(pages)} pages:\n" + "\n".join(errors)
