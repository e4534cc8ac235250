"""The inspector's evidence pack built in the background: asking, waiting, downloading, who may
see a pack, when a built pack is served again, failures, stalled builds and the real thread."""

import io
import logging
import re
import threading
import zipfile
from datetime import date, timedelta

import pytest
from django.core.management import call_command
from django.urls import reverse

from board import evidence_pack, pack_builds
from board import services as board_services
from board.models import EvidencePackBuild
from impact import evidence_services
from impact import services as impact_services
from impact.models import evidence_storage
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2025, 9, 1)
PDF = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"


@pytest.fixture
def plan(clock, admin_user, manager):
    with clock(date(2025, 1, 2)):
        plan = factories.make_plan(user=admin_user, name="Small plan")
        objective = factories.make_objective(
            plan, user=admin_user, owner=manager, ref="1.1", title="Stable social workers"
        )
        finding = factories.make_finding(plan, user=admin_user, ref="F1")
        impact_services.finding_set_objectives(
            user=admin_user, finding=finding, objectives=[objective]
        )
        evidence_services.evidence_add_file(
            user=manager, objective=objective, title="Audit", name="audit.pdf", data=PDF
        )
    return plan


def _ask(client, plan, as_of=None):
    query = {"plan": plan.pk, **({"as_of": as_of.isoformat()} if as_of else {})}
    return client.get(reverse("board:evidence_pack"), query)


def _wait(pk: int) -> str:
    return reverse("board:evidence_pack_wait", args=[pk])


def _status(pk: int) -> str:
    return reverse("board:evidence_pack_status", args=[pk])


def _download(pk: int) -> str:
    return reverse("board:evidence_pack_download", args=[pk])


def _names(response) -> list[str]:
    return zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content))).namelist()


def _latest() -> EvidencePackBuild:
    return EvidencePackBuild.objects.order_by("-id").first()


def test_asking_builds_the_pack_and_the_wait_page_offers_it(client, clock, plan, leader):
    client.force_login(leader)
    with clock(TODAY):
        response = _ask(client, plan)
        build = _latest()
        assert response.status_code == 302 and response.url == _wait(build.pk)
        page = client.get(response.url)
        download = client.get(_download(build.pk))
    assert build.status == "ready" and build.requested_by == leader
    assert (build.plan, build.as_of, build.pages > 0, build.size > 0) == (plan, TODAY, True, True)
    assert re.fullmatch(r"evidence-packs/[0-9a-f]{32}\.zip", build.stored_name)
    assert evidence_storage().exists(build.stored_name)
    body = page.content.decode()
    assert page.status_code == 200 and "Your evidence pack is ready" in body
    assert f'href="{_download(build.pk)}"' in body and 'http-equiv="refresh"' not in body
    assert page["Cache-Control"] == "private, no-store"
    assert download.status_code == 200 and download["Content-Type"] == "application/zip"
    assert download["Content-Disposition"] == (
        f'attachment; filename="evidence-pack-{plan.pk}-2025-09-01.zip"'
    )
    assert download["Cache-Control"] == "private, no-store"
    assert sorted(_names(download)) == [
        f"evidence-pack-{plan.pk}-2025-09-01.pdf",
        "evidence/F1/1.1/1-audit.pdf",
    ]


def test_a_built_pack_is_served_at_once_until_something_is_recorded(
    client, clock, plan, leader, manager
):
    client.force_login(leader)
    with clock(TODAY):
        assert _ask(client, plan).status_code == 302
        again = _ask(client, plan)
        assert again.status_code == 200 and again["Content-Type"] == "application/zip"
        assert EvidencePackBuild.objects.count() == 1
        factories.make_update(
            plan.objectives.get(), user=manager, reported_on=TODAY, summary="Later news."
        )
        changed = _ask(client, plan)
    assert changed.status_code == 302 and EvidencePackBuild.objects.count() == 2
    assert len(set(EvidencePackBuild.objects.values_list("record_mark", flat=True))) == 2


def test_a_past_days_pack_is_built_again_only_for_a_record_dated_by_then(
    client, clock, plan, leader, admin_user, manager
):
    day = date(2025, 6, 1)
    client.force_login(leader)
    with clock(TODAY):
        assert _ask(client, plan, day).status_code == 302
        factories.make_update(
            plan.objectives.get(), user=manager, reported_on=TODAY, summary="Today's news."
        )
        assert _ask(client, plan, day).status_code == 200  # nothing dated by 1 June since
        board_services.board_meeting_create(
            user=admin_user,
            plan=plan,
            held_on=date(2025, 10, 1),
            name="Improvement board",
            recorded_at=factories.london(date(2025, 5, 20)),
        )
        assert _ask(client, plan, day).status_code == 302  # recorded as of 20 May
    assert EvidencePackBuild.objects.filter(as_of=day).count() == 2


def test_someone_else_asking_for_the_same_record_gets_their_own_copy_at_once(
    client, clock, plan, leader
):
    other = factories.make_leader("lou_leader")
    with clock(TODAY):
        client.force_login(leader)
        _ask(client, plan)
        client.force_login(other)
        response = _ask(client, plan)
    first, second = EvidencePackBuild.objects.order_by("id")
    assert response.status_code == 200 and f"evidence-pack-{plan.pk}-2025-09-01.pdf" in (
        _names(response)
    )
    assert (second.requested_by, second.status) == (other, "ready")
    assert second.stored_name == first.stored_name


def test_only_the_person_who_asked_and_administrators_see_a_pack(
    client, clock, plan, leader, admin_user, manager
):
    other = factories.make_leader("lou_leader")

    def each(pk):  # the wait page, the status its script asks for, the download
        return [client.get(url(pk)) for url in (_wait, _status, _download)]

    with clock(TODAY):
        client.force_login(leader)
        _ask(client, plan)
        pk = _latest().pk
        client.force_login(other)
        theirs, guessed = each(pk), each(pk + 1000)
        client.force_login(manager)
        managers = each(pk)
        client.force_login(admin_user)
        admins = each(pk)
        client.logout()
        visitors = each(pk)
    assert [r.status_code for r in theirs] == [404, 404, 404]
    assert [r.status_code for r in guessed] == [404, 404, 404]
    assert [r.status_code for r in managers] == [403, 403, 403]
    assert [r.status_code for r in admins] == [200, 200, 200]
    assert admins[1].json() == {"status": "ready", "stage": "Ready"}
    assert all(r.status_code == 302 and "/accounts/login/" in r.url for r in visitors)
    assert all("Small plan" not in r.content.decode() for r in theirs[:2])
    assert client.get("/findings/packs/abc/").status_code == 404
    assert client.get("/findings/packs/abc/status/").status_code == 404


def test_a_drafts_pack_is_for_administrators_only(client, clock, admin_user, leader):
    with clock(TODAY):
        draft = factories.make_plan(user=admin_user, published=False, name="Secret draft")
        client.force_login(leader)
        refused = _ask(client, draft)
        assert refused.status_code == 400 and not EvidencePackBuild.objects.exists()
        client.force_login(admin_user)
        assert _ask(client, draft).status_code == 302
        pk = _latest().pk
        client.force_login(leader)
        assert client.get(_wait(pk)).status_code == 404
        assert client.get(_status(pk)).status_code == 404
        assert client.get(_download(pk)).status_code == 404
    assert "Secret draft" not in refused.content.decode()


def test_a_day_before_the_plan_started_and_bad_days(client, clock, plan, leader):
    client.force_login(leader)
    with clock(TODAY):
        assert _ask(client, plan, date(2024, 12, 1)).status_code == 302
        build = _latest()
        assert build.status == "ready"
        assert _names(client.get(_download(build.pk))) == [
            f"evidence-pack-{plan.pk}-2024-12-01.pdf"
        ]
        assert _ask(client, plan, TODAY + timedelta(days=1)).status_code == 400
        assert client.get(reverse("board:evidence_pack"), {"as_of": "2025-02-30"}).status_code == (
            400
        )
        assert client.get(reverse("board:evidence_pack"), {"plan": "x" * 5000}).status_code in (
            400,
            404,
        )
    assert EvidencePackBuild.objects.count() == 1


def test_a_failed_build_is_a_plain_message_and_is_logged(
    client, clock, plan, leader, caplog, monkeypatch
):
    def broken(*args, **kwargs):
        raise RuntimeError("Pango went away")

    monkeypatch.setattr(evidence_pack, "render_pdf", broken)
    client.force_login(leader)
    with clock(TODAY), caplog.at_level(logging.ERROR, logger="board.pack_builds"):
        response = _ask(client, plan)
        page = client.get(response.url)
        download = client.get(_download(_latest().pk))
    body = page.content.decode()
    assert page.status_code == 200 and "The evidence pack could not be built" in body
    assert "Pango" not in body and "Try again" in body and "pack.zip" not in download.url
    assert download.status_code == 302 and download.url == response.url
    assert _latest().status == "failed" and not _latest().stored_name
    assert any("evidence-pack-failed" in r.getMessage() for r in caplog.records)
    monkeypatch.undo()
    with clock(TODAY):
        assert _ask(client, plan).status_code == 302  # a failed pack is never served: anew
    assert _latest().status == "ready" and EvidencePackBuild.objects.count() == 2


def test_a_pack_whose_file_is_gone_says_so(client, clock, plan, leader):
    client.force_login(leader)
    with clock(TODAY):
        _ask(client, plan)
        evidence_storage().delete(_latest().stored_name)
        response = client.get(_download(_latest().pk))
        again = client.get(
            re.search(r'href="([^"]+)">Ask for the evidence pack', response.content.decode())
            .group(1)
            .replace("&amp;", "&")
        )
    assert response.status_code == 404
    assert "no longer in storage" in response.content.decode()
    assert again.status_code == 302 and EvidencePackBuild.objects.count() == 2
    assert _latest().status == "ready" and evidence_storage().exists(_latest().stored_name)


def test_the_build_goes_through_its_stages_in_order(client, clock, plan, leader, monkeypatch):
    seen = []
    note = board_services.evidence_pack_stage

    def noting(*, build, stage):
        seen.append(stage)
        return note(build=build, stage=stage)

    monkeypatch.setattr(board_services, "evidence_pack_stage", noting)
    client.force_login(leader)
    with clock(TODAY):
        _ask(client, plan)
    assert seen == ["Reading the record", "Adding the evidence files", "Laying out the PDF"]


def test_the_wait_page_starts_a_build_nobody_started(client, clock, plan, leader):
    client.force_login(leader)
    with clock(TODAY, 12, 0):
        build = board_services.evidence_pack_request(
            user=leader, plan=plan, as_of=TODAY, base_url="http://testserver/"
        )
        assert "being built" in client.get(_wait(build.pk)).content.decode()
    build.refresh_from_db()
    assert build.status == "queued"
    with clock(TODAY, 12, 1):
        page = client.get(_wait(build.pk)).content.decode()
    assert "Your evidence pack is ready" in page


def test_the_command_builds_queued_and_stalled_packs_only(clock, plan, leader, admin_user):
    def ask(user, day):
        return board_services.evidence_pack_request(
            user=user, plan=plan, as_of=day, base_url="http://testserver/"
        )

    with clock(TODAY, 9, 0):
        queued = ask(leader, TODAY)
        stalled = ask(leader, date(2025, 8, 1))
        board_services.evidence_pack_claim(pk=stalled.pk, stage=evidence_pack.READING)
        tired = ask(admin_user, date(2025, 7, 1))
        EvidencePackBuild.objects.filter(pk=tired.pk).update(status="building", attempts=3)
    with clock(TODAY, 9, 25):
        busy = ask(admin_user, date(2025, 6, 1))
        board_services.evidence_pack_claim(pk=busy.pk, stage=evidence_pack.READING)
    with clock(TODAY, 9, 30):
        out = io.StringIO()
        call_command("build_evidence_packs", stdout=out)
    for build in (queued, stalled, tired, busy):
        build.refresh_from_db()
    assert (queued.status, queued.attempts) == ("ready", 1)
    assert (stalled.status, stalled.attempts) == ("ready", 2)  # taken over after 30 minutes
    assert tired.status == "failed"  # tried three times already
    assert (busy.status, busy.attempts) == ("building", 1)  # alive 5 minutes ago: left alone
    assert "2 evidence packs built or tried." in out.getvalue()


def test_a_build_that_lost_its_claim_writes_nothing(clock, plan, leader):
    with clock(TODAY, 9, 0):
        build = board_services.evidence_pack_request(
            user=leader, plan=plan, as_of=TODAY, base_url="http://testserver/"
        )
        first = board_services.evidence_pack_claim(pk=build.pk, stage=evidence_pack.READING)
        assert board_services.evidence_pack_claim(pk=build.pk, stage="x") is None  # taken
    with clock(TODAY, 9, 30):
        second = board_services.evidence_pack_claim(pk=build.pk, stage=evidence_pack.READING)
        assert second is not None and second.attempts == 2
        assert not board_services.evidence_pack_stage(build=first, stage=evidence_pack.FILES)
        assert not board_services.evidence_pack_finish(
            build=first, stored_name="evidence-packs/x.zip", pages=1, size=1, missing_files=0
        )
        assert not board_services.evidence_pack_fail(build=first)
    build.refresh_from_db()
    assert (build.status, build.stage, build.stored_name) == ("building", "Reading the record", "")


@pytest.mark.django_db(transaction=True)
def test_the_request_starts_a_real_thread_that_builds_the_pack(
    client, clock, plan, leader, settings
):
    settings.EVIDENCE_PACK_THREADS = True
    client.force_login(leader)
    with clock(TODAY):
        response = _ask(client, plan)
        build = _latest()
        assert response.status_code == 302 and response.url == _wait(build.pk)
        threads = [t for t in threading.enumerate() if t.name == f"evidence-pack-{build.pk}"]
        for thread in threads:
            thread.join(timeout=300)
        assert all(not thread.is_alive() for thread in threads)
        build.refresh_from_db()
        assert build.status == "ready", build.status
        assert pack_builds.needs_a_start(build) is False
        download = client.get(_download(build.pk))
    assert download.status_code == 200
    assert "evidence/F1/1.1/1-audit.pdf" in _names(download)


def test_a_thread_that_cannot_start_leaves_the_pack_queued_for_later(
    client, clock, plan, leader, settings, monkeypatch
):
    def refuse(self):
        raise RuntimeError("can't start new thread")

    settings.EVIDENCE_PACK_THREADS = True
    monkeypatch.setattr(threading.Thread, "start", refuse)
    client.force_login(leader)
    with clock(TODAY, 12, 0):
        response = _ask(client, plan)
        page = client.get(response.url)
    assert response.status_code == 302 and page.status_code == 200
    assert _latest().status == "queued" and "Waiting to start" in page.content.decode()
    with clock(TODAY, 12, 5):
        call_command("build_evidence_packs", stdout=io.StringIO())
    assert _latest().status == "ready"
