"""The page to wait on while the inspector's evidence pack is built, and the status its script
asks for: no timed refresh (WCAG 2.2.1), a "Check again" link, and ``{"status", "stage"}``."""

import re
from datetime import date

import pytest
from django.urls import reverse

from board import evidence_pack, pack_builds
from board import services as board_services
from tests import factories

pytestmark = pytest.mark.django_db

TODAY = date(2025, 9, 1)


@pytest.fixture
def plan(clock, admin_user, manager):
    with clock(date(2025, 1, 2)):
        plan = factories.make_plan(user=admin_user, name="Small plan")
        factories.make_objective(plan, user=admin_user, owner=manager, ref="1.1")
    return plan


def _wait(pk: int) -> str:
    return reverse("board:evidence_pack_wait", args=[pk])


def _status(pk: int) -> str:
    return reverse("board:evidence_pack_status", args=[pk])


def _ask(leader, plan):
    return board_services.evidence_pack_request(
        user=leader, plan=plan, as_of=TODAY, base_url="http://testserver/"
    )


def test_the_wait_page_shows_the_stage_and_never_refreshes_itself(client, clock, plan, leader):
    client.force_login(leader)
    with clock(TODAY):
        build = _ask(leader, plan)
        queued = client.get(_wait(build.pk)).content.decode()
        claimed = board_services.evidence_pack_claim(pk=build.pk, stage=evidence_pack.READING)
        board_services.evidence_pack_stage(build=claimed, stage=evidence_pack.LAYING_OUT)
        building = client.get(_wait(build.pk)).content.decode()
    for page in (queued, building):
        assert 'http-equiv="refresh"' not in page and "refresh=off" not in page
        assert re.search(
            rf'<a class="govuk-button[^"]*" [^>]*href="{_wait(build.pk)}">Check again', page
        )
        assert "This page does not update itself" in page
        assert f'data-status-url="{_status(build.pk)}"' in page
        assert "javascripts/evidence-pack-wait.mjs" in page
        # the download part is there for the script to show, hidden until then
        assert re.search(r"<div data-pack-ready hidden>\s+<p", page)
    assert "Your evidence pack is being built" in queued
    assert '<h2 class="govuk-heading-m" data-pack-stage>Waiting to start</h2>' in queued
    assert '<h2 class="govuk-heading-m" data-pack-stage>Laying out the PDF</h2>' in building
    assert 'role="status" aria-live="polite"' in building
    assert "Reading the record: <span data-pack-step-state>done</span>" in building
    assert "Adding the evidence files: <span data-pack-step-state>done</span>" in building
    assert "Laying out the PDF: <span data-pack-step-state><strong>now</strong>" in building


def test_the_status_follows_the_build_to_ready(client, clock, plan, leader):
    client.force_login(leader)
    with clock(TODAY, 12, 0):
        build = _ask(leader, plan)
        queued = client.get(_status(build.pk))
        claimed = board_services.evidence_pack_claim(pk=build.pk, stage=evidence_pack.READING)
        reading = client.get(_status(build.pk)).json()
        board_services.evidence_pack_stage(build=claimed, stage=evidence_pack.FILES)
        files = client.get(_status(build.pk)).json()
    with clock(TODAY, 12, 40):  # stalled for 40 minutes: the status asks for it to be built
        ready = client.get(_status(build.pk)).json()
        page = client.get(_wait(build.pk)).content.decode()
    assert queued.status_code == 200 and queued["Content-Type"] == "application/json"
    assert queued["Cache-Control"] == "private, no-store"
    assert queued.json() == {"status": "queued", "stage": "Waiting to start"}
    assert reading == {"status": "building", "stage": "Reading the record"}
    assert files == {"status": "building", "stage": "Adding the evidence files"}
    assert ready == {"status": "ready", "stage": "Ready"}
    assert "Your evidence pack is ready" in page and "evidence-pack-wait.mjs" not in page


def test_the_status_starts_a_build_nobody_started(client, clock, plan, leader):
    client.force_login(leader)
    with clock(TODAY, 12, 0):
        build = _ask(leader, plan)
        assert client.get(_status(build.pk)).json()["status"] == "queued"
    with clock(TODAY, 12, 1):
        assert client.get(_status(build.pk)).json() == {"status": "ready", "stage": "Ready"}


def test_the_status_of_a_failed_build(client, clock, plan, leader, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("Pango went away")

    monkeypatch.setattr(evidence_pack, "render_pdf", broken)
    client.force_login(leader)
    with clock(TODAY):
        build = _ask(leader, plan)
        pack_builds.run(build.pk)
        answer = client.get(_status(build.pk))
    assert answer.json() == {"status": "failed", "stage": "Could not be built"}
    assert "Pango" not in answer.content.decode()


def test_the_status_answers_only_get(client, clock, plan, leader):
    client.force_login(leader)
    with clock(TODAY):
        build = _ask(leader, plan)
        assert client.post(_status(build.pk)).status_code == 405
        assert client.get(f"/findings/packs/{'9' * 40}/status/").status_code == 404
