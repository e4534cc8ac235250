"""The inspector's evidence pack in a real browser: asking for it from the findings register,
the page to wait on (following the build with its script, and by "Check again" without one),
the ready page; axe-core on each, no console error."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from board import evidence_pack, pack_builds
from board import services as board_services
from impact import services
from tests import factories

from .conftest import TIMEOUT_MS

pytestmark = pytest.mark.browser

WIDTHS = (390, 1280)
POLL_MS = 20_000  # the page asks every 5 seconds; a busy machine may take longer to answer


@pytest.fixture
def world():
    admin = factories.make_admin("ada", first_name="Ada", last_name="Lovelace")
    leader = factories.make_leader("lee", first_name="Lee", last_name="Leader")
    plan = factories.make_plan(user=admin, name="Kestrelford plan")
    objective = factories.make_objective(plan, user=admin, ref="1.1", title="Caseloads down")
    finding = factories.make_finding(plan, user=admin, ref="F1", text="Caseloads are too high.")
    services.finding_set_objectives(user=admin, finding=finding, objectives=[objective])
    waiting = board_services.evidence_pack_request(
        user=leader,
        plan=plan,
        as_of=timezone.localdate() - timezone.timedelta(days=1),
        base_url="http://localhost/",
    )
    return {"leader": leader, "plan": plan, "waiting": waiting}


def _accessible_at_every_width(page, assert_accessible):
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        found = assert_accessible(page, impacts=("minor", "moderate", "serious", "critical"))
        assert found == []


def test_the_wait_page_follows_the_build_and_offers_the_download(
    page, login, assert_accessible, console_errors, world
):
    login(page, world["leader"])
    waiting = world["waiting"]
    page.goto(f"/findings/packs/{waiting.pk}/")
    expect(page.get_by_role("heading", name="Your evidence pack is being built")).to_be_visible()
    stage = page.get_by_role("status")
    expect(stage).to_have_text("Waiting to start")
    expect(stage).to_have_attribute("aria-live", "polite")
    expect(page.get_by_text("This page checks how far the build has got every 5")).to_be_visible()
    expect(page.get_by_text("This page does not update itself")).to_be_hidden()
    expect(page.get_by_role("link", name="Check again")).to_be_visible()
    expect(page.get_by_role("link", name="Download the evidence pack (ZIP)")).to_be_hidden()
    _accessible_at_every_width(page, assert_accessible)
    page.evaluate("() => { window.stillTheSamePage = true }")

    claimed = board_services.evidence_pack_claim(pk=waiting.pk, stage=evidence_pack.READING)
    board_services.evidence_pack_stage(build=claimed, stage=evidence_pack.LAYING_OUT)
    expect(stage).to_have_text("Laying out the PDF", timeout=POLL_MS)
    expect(page.get_by_text("Laying out the PDF: now")).to_be_visible()
    expect(page.get_by_text("Reading the record: done")).to_be_visible()

    pack_builds._build(claimed)  # what the claimed build's thread does next
    download_link = page.get_by_role("link", name="Download the evidence pack (ZIP)")
    expect(download_link).to_be_visible(timeout=POLL_MS)
    expect(download_link).to_be_focused()
    expect(stage).to_have_text("Ready")
    expect(page.get_by_role("heading", name="Your evidence pack is ready")).to_be_visible()
    expect(page.get_by_role("link", name="Check again")).to_be_hidden()
    assert page.evaluate("() => window.stillTheSamePage") is True  # never reloaded
    _accessible_at_every_width(page, assert_accessible)
    with page.expect_download() as download:
        download_link.click()
    assert download.value.suggested_filename.startswith(f"evidence-pack-{world['plan'].pk}-")
    assert console_errors == []


def test_without_javascript_check_again_shows_how_far_it_has_got(
    browser, live_server, login, world
):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 390, "height": 900},
        locale="en-GB",
        timezone_id="Europe/London",
        java_script_enabled=False,
    )
    context.set_default_timeout(TIMEOUT_MS)
    try:
        page = login(context.new_page(), world["leader"])
        waiting = world["waiting"]
        page.goto(f"/findings/packs/{waiting.pk}/")
        expect(page.get_by_role("status")).to_have_text("Waiting to start")
        expect(page.get_by_text("This page does not update itself")).to_be_visible()
        expect(page.get_by_text("This page checks how far")).to_be_hidden()
        expect(page.get_by_role("link", name="Download the evidence pack (ZIP)")).to_be_hidden()

        claimed = board_services.evidence_pack_claim(pk=waiting.pk, stage=evidence_pack.READING)
        board_services.evidence_pack_stage(build=claimed, stage=evidence_pack.FILES)
        page.get_by_role("link", name="Check again").click()
        expect(page.get_by_role("status")).to_have_text("Adding the evidence files")
        expect(page.get_by_text("Adding the evidence files: now")).to_be_visible()

        pack_builds._build(claimed)
        page.get_by_role("link", name="Check again").click()
        expect(page.get_by_role("heading", name="Your evidence pack is ready")).to_be_visible()
        expect(page.get_by_role("link", name="Download the evidence pack (ZIP)")).to_be_visible()
    finally:
        context.close()


def test_leader_asks_for_the_pack_from_the_findings_register(
    page, login, assert_accessible, console_errors, world
):
    plan = world["plan"]
    login(page, world["leader"])
    page.goto(f"/findings/?plan={plan.pk}")
    # The tests build the pack in the request (no thread): allow for a slow, busy machine.
    page.get_by_role("link", name="Get the inspector's evidence pack (ZIP)").click(timeout=120_000)
    expect(page.get_by_role("heading", name="Your evidence pack is ready")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the evidence pack (ZIP)").click()
    assert download.value.suggested_filename.startswith(f"evidence-pack-{plan.pk}-")
    assert console_errors == []
