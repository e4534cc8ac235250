"""The dashboard's Impact column on a phone: each row's card labels the impact beside its
delivery status, and nothing scrolls sideways."""

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


@pytest.mark.parametrize("width", [320, 1280])
def test_impact_is_labelled_on_a_phone_and_a_column_on_a_screen(
    page, login, leader, width, assert_accessible
):
    login(page, leader)
    page.set_viewport_size({"width": width, "height": 800})
    page.goto("/dashboard/")
    cell = page.locator('#objectives-table td[data-label="Impact"]').first
    expect(cell).to_be_visible()
    labels = page.evaluate(
        """() => [...document.querySelector('#objectives-table tbody tr').cells]
            .map(c => getComputedStyle(c, '::before').content)"""
    )
    if width == 320:
        assert labels[5] == '"Impact"'
        assert labels[4] == '"Status"' and labels[7] == '"Furthest behind"'
    else:
        header = page.locator("#objectives-table thead th").nth(5)
        expect(header).to_have_text("Impact")
    texts = page.locator('#objectives-table td[data-label="Impact"]').all_inner_texts()
    assert any("on track" in t or "behind" in t or "off track" in t for t in texts)
    assert page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth") <= 0
    assert_accessible(page)
