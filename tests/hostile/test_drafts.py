"""A draft plan reaches nobody but administrators: not its objectives, nor the evidence (and its
files), measures, values and challenges on them, on any page, download, email, list or count.

The world: a published plan whose objective 1.1 (owned by the manager) has a challenge from the
leader; a draft plan whose objective 9.1 (owned by the same manager) has a milestone long
overdue, a finding, a measure with a value, a file of evidence stored through the evidence
storage and a challenge raised by an administrator; and 9.2, owned by the leader, in the draft.
Everything about the draft is named "Hidden ..." so a page, file or email that mentions it
shows.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.http import Http404
from django.urls import reverse
from openpyxl import load_workbook

from board import services as board_services
from board.models import Challenge
from impact import evidence_services as impact_evidence_services
from impact import services as impact_services
from impact import value_services as impact_value_services
from impact.models import Evidence, MeasureValue
from objectives.models import Objective, Plan
from objectives.permissions import LEADERSHIP
from planning import services as planning_services
from tests import factories
from tests.test_access_matrix import SAMPLE_FOR, TABLE, _allowed, _state

pytestmark = pytest.mark.django_db

BUILT = date(2026, 1, 5)
TODAY = date(2026, 3, 2)  # a Monday: the weekly digests go too
SITE = "https://improve.example.org"
HIDDEN = "Hidden"  # every title, name and question on the draft starts so
FILE_BYTES = b"Hidden minutes of the draft's working group."
MISSING_PK = 999_999_999
PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"


@dataclass
class World:
    admin: object
    leader: object
    manager: object
    other_manager: object
    published: Plan
    draft: Plan
    shown: Objective
    hidden: Objective
    leaders_hidden: Objective
    samples: dict

    def user(self, who: str):
        return {
            "admin": self.admin,
            "leader": self.leader,
            "owner": self.manager,
            "other_manager": self.other_manager,
        }[who]


@pytest.fixture
def world(clock, admin_user, leader, manager, other_manager, evidence_folder, settings) -> World:
    settings.SITE_URL = SITE
    with clock(BUILT):
        published = factories.make_plan(user=admin_user, name="Open plan")
        shown = factories.make_objective(
            published,
            user=admin_user,
            owner=manager,
            ref="1.1",
            title="Visible objective",
            starts_on=date(2026, 1, 1),
            target_date=date(2026, 12, 31),
        )
        factories.make_milestone(
            shown, user=admin_user, title="Visible milestone", due_date=date(2026, 2, 20)
        )
        factories.make_measure(shown, user=admin_user, name="Visible measure")
        impact_evidence_services.evidence_add_file(
            user=admin_user, objective=shown, title="Visible minutes", name="v.txt", data=b"V."
        )
        draft = factories.make_plan(user=admin_user, name="Hidden draft plan", published=False)
        theme = factories.make_theme(draft, user=admin_user, name="Hidden theme")
        hidden = factories.make_objective(
            draft,
            user=admin_user,
            owner=manager,
            theme=theme,
            ref="9.1",
            title="Hidden draft objective",
            starts_on=date(2026, 1, 1),
            target_date=date(2026, 12, 31),
        )
        milestone = factories.make_milestone(
            hidden, user=admin_user, title="Hidden milestone", due_date=date(2026, 2, 1)
        )
        leaders_hidden = factories.make_objective(
            draft,
            user=admin_user,
            owner=leader,
            ref="9.2",
            title="Hidden objective of the leader",
            starts_on=date(2026, 1, 1),
            target_date=date(2026, 12, 31),
        )
        finding = factories.make_finding(draft, user=admin_user, ref="F9", text="Hidden finding")
        impact_services.finding_set_objectives(
            user=admin_user, finding=finding, objectives=[hidden]
        )
        measure = factories.make_measure(hidden, user=admin_user, name="Hidden measure")
        evidence = impact_evidence_services.evidence_add_file(
            user=admin_user,
            objective=hidden,
            title="Hidden minutes",
            name="hidden-minutes.txt",
            data=FILE_BYTES,
        )
    with clock(date(2026, 2, 2)):
        impact_value_services.measure_value_create(
            user=admin_user,
            measure=measure,
            period_end=date(2026, 1, 31),
            value=Decimal("55"),
            note="Hidden note",
        )
        visible_challenge = board_services.challenge_raise(
            user=leader, objective=shown, question="Why is the visible milestone late?"
        )
        challenge = board_services.challenge_raise(
            user=admin_user, objective=hidden, question="Hidden question about the draft?"
        )
    assert evidence_folder.exists() and any(evidence_folder.iterdir())
    return World(
        admin=admin_user,
        leader=leader,
        manager=manager,
        other_manager=other_manager,
        published=published,
        draft=draft,
        shown=shown,
        hidden=hidden,
        leaders_hidden=leaders_hidden,
        samples={
            "plan": draft,
            "draft_plan": draft,
            "theme": theme,
            "objective": hidden,
            "milestone": milestone,
            "finding": finding,
            "measure": measure,
            "evidence": evidence,
            "challenge": challenge,
            "visible_challenge": visible_challenge,
        },
    )


@pytest.fixture
def today(clock):
    with clock(TODAY):
        yield TODAY


def _text(response) -> str:
    """What a person gets from ``response``, as text (HTML, CSV, JSON, a workbook or a PDF)."""
    body = b"".join(response.streaming_content) if response.streaming else response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind:
        book = load_workbook(io.BytesIO(body), read_only=True)
        return "\n".join(
            str(value)
            for sheet in book.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if kind.startswith("application/pdf"):
        done = subprocess.run(  # noqa: S603 (a fixed program, the test's own bytes)
            [PDFTOTEXT, "-", "-"], input=body, capture_output=True, check=True, timeout=60
        )
        return done.stdout.decode()
    return body.decode()


def _emails_text(message) -> str:
    parts = [message.subject, message.body]
    parts += [content for content, _kind in getattr(message, "alternatives", [])]
    return "\n".join(parts)


# --- 1. files -------------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["owner", "leader", "other_manager"])
def test_a_file_on_a_drafts_objective_is_not_downloaded_but_by_administrators(
    client, world, today, who
):
    url = reverse("impact:evidence_download", args=[world.samples["evidence"].pk])
    client.force_login(world.user(who))
    response = client.get(url)
    assert response.status_code == 404
    assert FILE_BYTES not in b"".join(getattr(response, "streaming_content", [response.content]))

    client.force_login(world.admin)
    response = client.get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == FILE_BYTES


# --- 2. the owner's forms and the services behind them --------------------------------------------


@pytest.mark.parametrize("who", ["owner", "leader"])
def test_the_owners_forms_on_a_draft_answer_404_and_store_nothing(client, world, today, who):
    hidden, measure = world.hidden, world.samples["measure"]
    evidence = world.samples["evidence"]
    client.force_login(world.user(who))
    posts = {
        reverse("impact:evidence_create", args=[hidden.pk]): {
            "kind": "link",
            "title": "Hidden link",
            "url": "https://intranet.example.org/hidden",
            "attach_to": "objective",
        },
        reverse("impact:measure_value_create", args=[measure.pk]): {
            "period_end_day": "28",
            "period_end_month": "2",
            "period_end_year": "2026",
            "value": "60",
            "note": "",
        },
        reverse("impact:evidence_withdraw", args=[evidence.pk]): {"reason": "Not wanted"},
    }
    before = (Evidence.objects.count(), MeasureValue.objects.count())
    for url, data in posts.items():
        page = client.get(url)
        assert page.status_code == 404, url
        assert HIDDEN not in page.content.decode(), url
        assert client.post(url, data).status_code == 404, url
    assert (Evidence.objects.count(), MeasureValue.objects.count()) == before
    evidence.refresh_from_db()
    assert evidence.withdrawn_on is None

    client.force_login(world.admin)
    for url in posts:
        page = client.get(url)
        assert page.status_code == 200, url
        assert "Hidden draft objective" in page.content.decode()


def test_services_refuse_a_drafts_evidence_measures_and_challenges_to_non_administrators(
    world, today
):
    hidden, manager, leader = world.hidden, world.manager, world.leader
    measure, evidence = world.samples["measure"], world.samples["evidence"]
    challenge = world.samples["challenge"]
    refused = (Http404, PermissionDenied)
    writes = {
        "link": lambda user: impact_evidence_services.evidence_add_link(
            user=user, objective=hidden, title="Hidden link", url="https://example.org/h"
        ),
        "file": lambda user: impact_evidence_services.evidence_add_file(
            user=user, objective=hidden, title="Hidden file", name="h.txt", data=b"Hidden."
        ),
        "value": lambda user: impact_value_services.measure_value_create(
            user=user, measure=measure, period_end=date(2026, 2, 28), value=Decimal("61")
        ),
        "withdraw": lambda user: impact_evidence_services.evidence_withdraw(
            user=user, evidence=evidence, reason="Not wanted"
        ),
    }
    for name, write in writes.items():
        with pytest.raises(refused):
            write(manager)
        assert Evidence.objects.filter(withdrawn_on__isnull=False).count() == 0, name
    with pytest.raises(refused):
        board_services.challenge_raise(user=leader, objective=hidden, question="Hidden?")
    with pytest.raises(refused):
        board_services.challenge_answer(user=manager, challenge=challenge, answer="Hidden answer")
    leaders = board_services.challenge_raise(
        user=world.admin, objective=world.leaders_hidden, question="Hidden for Lee?"
    )
    with pytest.raises(refused):
        board_services.challenge_answer(user=leader, challenge=leaders, answer="Hidden answer")
    assert not board_services.can_answer_challenge(manager, challenge)
    assert MeasureValue.objects.filter(measure=measure).count() == 1
    assert Challenge.objects.filter(objective=hidden).count() == 1
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.OPEN

    # Administrators keep every right on a draft.
    for write in writes.values():
        write(world.admin)
    board_services.challenge_raise(user=world.admin, objective=hidden, question="More?")


# --- 3. emails ------------------------------------------------------------------------------------


def test_no_email_about_a_draft_reaches_anyone_but_administrators(
    client, world, clock, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with clock(TODAY, hour=9):
        client.force_login(world.admin)
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                reverse("board:challenge_raise", args=[world.hidden.pk]),
                {"question": "Hidden second question?"},
            )
        assert response.status_code == 302
        assert Challenge.objects.filter(question="Hidden second question?").exists()
        told = client.get(response.url).content.decode()
        assert "The plan is a draft, so Mo_Manager Tester has not been emailed." in told
        # A challenge on the leader's draft objective: the leader is not told either.
        with django_capture_on_commit_callbacks(execute=True):
            board_services.challenge_raise(
                user=world.admin, objective=world.leaders_hidden, question="Hidden for Lee?"
            )
    assert [m for m in mail.outbox if world.manager.email in m.to] == []
    assert [m for m in mail.outbox if world.leader.email in m.to] == []

    with clock(TODAY, hour=7):
        call_command("send_reminders", "--date", TODAY.isoformat(), stdout=io.StringIO())
        call_command(
            "send_reminders", "--date", TODAY.isoformat(), "--digest", stdout=io.StringIO()
        )
    admins = {world.admin.email}
    to_people = [m for m in mail.outbox if not set(m.to) <= admins]
    # The owner's reminder and the leader's digest went, about the published plan only.
    assert any(world.manager.email in m.to for m in to_people)
    assert any(world.leader.email in m.to for m in to_people)
    for message in to_people:
        text = _emails_text(message)
        assert "Visible" in text or "Open plan" in text, message.subject
        assert HIDDEN not in text, (message.to, message.subject)
        assert f"/objectives/{world.hidden.pk}/" not in text

    # An answer on a draft is not emailed to a raiser who is no longer an administrator.
    owner_admin = factories.make_admin("ola_admin")
    objective = factories.make_objective(
        world.draft, user=world.admin, owner=owner_admin, title="Hidden admin's objective"
    )
    with clock(TODAY, hour=10):
        raised = board_services.challenge_raise(
            user=world.admin, objective=objective, question="Hidden admin question?"
        )
        world.admin.groups.set([Group.objects.get(name=LEADERSHIP)])
        mail.outbox.clear()
        with django_capture_on_commit_callbacks(execute=True):
            board_services.challenge_answer(user=owner_admin, challenge=raised, answer="Done")
    assert mail.outbox == []


def test_administrators_are_emailed_about_a_drafts_challenges(
    world, clock, django_capture_on_commit_callbacks
):
    owner_admin = factories.make_admin("ola_admin")
    objective = factories.make_objective(
        world.draft, user=world.admin, owner=owner_admin, title="Hidden admin's objective"
    )
    mail.outbox.clear()
    with clock(TODAY, hour=9), django_capture_on_commit_callbacks(execute=True):
        raised = board_services.challenge_raise(
            user=world.admin, objective=objective, question="Hidden admin question?"
        )
    assert [m.to for m in mail.outbox] == [[owner_admin.email]]
    assert "Hidden admin question?" in mail.outbox[0].body
    with clock(TODAY, hour=10), django_capture_on_commit_callbacks(execute=True):
        board_services.challenge_answer(user=owner_admin, challenge=raised, answer="Done")
    assert [m.to for m in mail.outbox][1:] == [[world.admin.email]]


# --- 4. banners, lists and counts -----------------------------------------------------------------


def test_the_owners_banner_worklist_and_landing_leave_a_draft_out(client, world, today):
    client.force_login(world.manager)
    for url in ("/", "/my/"):
        page = client.get(url)
        assert page.status_code == 200
        text = page.content.decode()
        assert "Visible objective" in text
        assert "1 challenge from leadership waits for your answer" in text, url
        assert HIDDEN not in text, url
        assert reverse("board:challenge_answer", args=[world.samples["challenge"].pk]) not in text

    # The leader owns only objectives of the draft: they land on the dashboard like any leader.
    client.force_login(world.leader)
    landing = client.get("/")
    assert landing.status_code == 302 and landing.url == "/dashboard/"
    text = client.get("/my/").content.decode()
    assert "You do not own any objectives yet" in text
    assert HIDDEN not in text


@pytest.mark.parametrize("who", ["owner", "leader"])
def test_every_list_count_feed_and_export_leaves_a_draft_out(client, world, today, who):
    client.force_login(world.user(who))
    draft = world.draft.pk
    surfaces = [
        "/dashboard/",
        "/dashboard/accountability/",
        "/dashboard/export.csv",
        "/dashboard/export.xlsx",
        "/dashboard/report/",
        "/dashboard/report.xlsx",
        "/dashboard/report.pdf",
        "/api/drift/",
        "/findings/",
    ]
    for url in surfaces:
        refused = client.get(f"{url}?plan={draft}")
        unknown = client.get(f"{url}?plan={MISSING_PK}")
        assert refused.status_code == unknown.status_code == 400, url
        if "html" not in refused["Content-Type"]:  # the same words as for a plan that is not
            said = _text(refused).replace(str(draft), "N")
            assert said == _text(unknown).replace(str(MISSING_PK), "N"), url
        response = client.get(url)  # "the only plan" is the only one they can see
        assert response.status_code == 200, url
        text = _text(response)
        assert "Visible objective" in text or "Open plan" in text, url
        assert HIDDEN not in text, url
    dashboard = client.get("/dashboard/").content.decode()
    assert "1 open challenge</a>" in dashboard
    assert "1 measure of impact in all" in dashboard
    assert client.get("/api/drift/").json()["plan"]["id"] == world.published.pk


def test_administrators_see_the_drafts_evidence_measures_and_challenges(client, world, today):
    client.force_login(world.admin)
    page = client.get(reverse("tracking:objective_detail", args=[world.hidden.pk])).content.decode()
    for text in ("Hidden minutes", "Hidden measure", "Hidden question about the draft?", "F9"):
        assert text in page
    draft = world.draft.pk
    dashboard = client.get(f"/dashboard/?plan={draft}").content.decode()
    assert "1 open challenge</a>" in dashboard
    assert "1 measure of impact in all" in dashboard
    assert "Hidden finding" in client.get(f"/findings/?plan={draft}").content.decode()
    pack = client.get(f"/dashboard/report/?plan={draft}").content.decode()
    assert "Hidden question about the draft?" in pack
    for url in ("/dashboard/report.xlsx", "/dashboard/export.csv", "/api/drift/"):
        assert "Hidden draft objective" in _text(client.get(f"{url}?plan={draft}")), url
    download = client.get(reverse("impact:evidence_download", args=[world.samples["evidence"].pk]))
    assert b"".join(download.streaming_content) == FILE_BYTES


def test_once_published_everything_on_the_plan_reaches_everyone(client, world, today):
    client.force_login(world.manager)
    download_url = reverse("impact:evidence_download", args=[world.samples["evidence"].pk])
    assert client.get(download_url).status_code == 404
    assert "Hidden" not in client.get("/my/").content.decode()

    planning_services.plan_publish(plan=world.draft, user=world.admin)

    response = client.get(download_url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == FILE_BYTES
    worklist = client.get("/my/").content.decode()
    assert "Hidden draft objective" in worklist
    assert "2 challenges from leadership wait for your answer" in worklist
    for url in (
        reverse("tracking:objective_detail", args=[world.hidden.pk]),
        reverse("impact:evidence_create", args=[world.hidden.pk]),
        reverse("impact:measure_value_create", args=[world.samples["measure"].pk]),
        reverse("board:challenge_answer", args=[world.samples["challenge"].pk]),
    ):
        assert client.get(url).status_code == 200, url
    client.force_login(world.leader)
    assert client.get("/").status_code == 200  # they own 9.2 now: their worklist
    pack = client.get(f"/dashboard/report/?plan={world.draft.pk}").content.decode()
    assert "Hidden question about the draft?" in pack


# --- 5. every URL: a draft's things answer exactly as things that do not exist --------------------

DRAFT_SAMPLES = {"plan", "draft_plan", "theme", "objective", "milestone"} | {
    "finding",
    "measure",
    "evidence",
    "challenge",
}
DRAFT_CASES = [
    (name, method)
    for name, (_access, methods) in TABLE.items()
    if SAMPLE_FOR.get(name) in DRAFT_SAMPLES
    for method in sorted({*methods, "GET", "POST"})
]


@pytest.mark.parametrize(("name", "method"), DRAFT_CASES)
def test_a_drafts_things_answer_as_if_they_did_not_exist(client, world, today, name, method):
    """For everyone but administrators, the same status as for a number that matches nothing,
    nothing changed and nothing said; administrators (last, as they may change it) use it."""
    access, methods = TABLE[name]
    url = reverse(name, args=[world.samples[SAMPLE_FOR[name]].pk])
    for role in ("owner", "other_manager", "leader", "admin"):
        client.force_login(world.user(role))
        missing = client.generic(method, reverse(name, args=[MISSING_PK])).status_code
        before = _state(), Evidence.objects.count(), MeasureValue.objects.count()
        response = client.generic(method, url)
        status = response.status_code
        assert status < 500, (method, name, role, status)
        if role == "admin":
            if method in methods and _allowed(access, "admin"):
                assert status not in (403, 404), (method, name, status)
            continue
        assert status == missing, f"{method} {name} as {role}: {status}, a missing one {missing}"
        assert (_state(), Evidence.objects.count(), MeasureValue.objects.count()) == before
        if not response.streaming:
            assert HIDDEN not in response.content.decode(errors="replace"), (method, name, role)
