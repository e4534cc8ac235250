"""The likely finish on the demo plan, on a 390 px phone and a 1280 px screen: the dashboard's
list of objectives likely to finish after their target leads to an objective page that says
when, nothing scrolls sideways and axe-core finds nothing serious."""

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from tests import factories

pytestmark = pytest.mark.browser


@pytest.fixture
def leader(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", factories.PASSWORD)
    call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return get_user_model().objects.get(username="leader")


@pytest.mark.parametrize("width", [390, 1280])
def test_from_the_dashboard_to_an_objective_likely_after_target(
    page, login, assert_accessible, leader, width
):
    login(page, leader)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/dashboard/")
    summary = page.locator("[data-likely-late]")
    expect(summary).to_contain_text("likely to finish after their target")
    assert_accessible(page)
    assert page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 0
    first = page.locator("#likely-late ~ ul a").first
    title = first.inner_text()
    first.click()
    expect(page.locator("h1")).to_contain_text(title.split(" ", 1)[1])
    expect(page.locator("#likely-finish")).to_contain_text("Likely to finish around")
    expect(page.locator("#likely-finish")).to_contain_text("4 in 5 similar milestones finished by")
    assert_accessible(page)
    assert page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 0
