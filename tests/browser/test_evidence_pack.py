"""The inspector's evidence pack in a real browser: asking for it from the findings register,
the page to wait on (refreshing and not), the ready page; axe-core on each, no console error."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from board import services as board_services
from impact import services
from tests import factories

pytestmark = pytest.mark.browser


@pytest.fixture
def world():
    admin = factories.make_admin("ada", first_name="Ada", last_name="Lovelace")
    leader = factories.make_leader("lee", first_name="Lee", last_name="Leader")
    plan = factories.make_plan(user=admin, name="Kestrelford plan")
    objective = factories.make_objective(plan, user=admin, ref="1.1", title="Caseloads down")
    finding = factories.make_finding(plan, user=admin, ref="F1", text="Caseloads are too high.")
    services.finding_set_objectives(user=admin, finding=finding, objectives=[objective])
    return {"leader": leader, "plan": plan}


def test_leader_asks_for_the_pack_waits_and_downloads_it(
    page, login, assert_accessible, console_errors, world
):
    login(page, world["leader"])
    plan = world["plan"]
    waiting = board_services.evidence_pack_request(
        user=world["leader"],
        plan=plan,
        as_of=timezone.localdate() - timezone.timedelta(days=1),
        base_url="http://localhost/",
    )
    page.goto(f"/findings/packs/{waiting.pk}/?refresh=off")
    expect(page.get_by_role("heading", name="Your evidence pack is being built")).to_be_visible()
    expect(page.get_by_role("link", name="Refresh this page")).to_be_visible()
    assert_accessible(page)
    # The refreshing page differs only by its meta refresh, which axe always reports (WCAG
    # 2.2.1); the link before the refresh lets a person turn it off.
    page.goto(f"/findings/packs/{waiting.pk}/")
    expect(page.get_by_role("link", name="Stop it refreshing itself")).to_be_visible()
    found = assert_accessible(page, impacts=())
    assert {v["id"] for v in found if v["impact"] in ("serious", "critical")} <= {"meta-refresh"}

    page.goto(f"/findings/?plan={plan.pk}")
    # The tests build the pack in the request (no thread): allow for a slow, busy machine.
    page.get_by_role("link", name="Get the inspector's evidence pack (ZIP)").click(timeout=120_000)
    expect(page.get_by_role("heading", name="Your evidence pack is ready")).to_be_visible()
    assert_accessible(page)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download the evidence pack (ZIP)").click()
    assert download.value.suggested_filename.startswith(f"evidence-pack-{plan.pk}-")
    assert console_errors == []
