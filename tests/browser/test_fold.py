"""The dashboard on a phone leads with what needs attention: the red and amber objectives are
open, the green and complete ones folded under a details that says how many; a person opens it
with one tap. Every fold is opened for printing and put back afterwards.
"""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from tests import factories

from .test_layout import _sideways
from .test_phone_reading import BROKEN_WORDS_JS

pytestmark = pytest.mark.browser

HEIGHT = "document.documentElement.scrollHeight"
OPEN = "() => [...document.querySelectorAll('details')].map(d => d.open)"


@pytest.fixture
def leader(monkeypatch):
    """The demo plan's leader, with the tests' password."""
    monkeypatch.setenv("DEMO_PASSWORD", factories.PASSWORD)
    call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return get_user_model().objects.get(username="leader")


def test_on_a_phone_the_green_and_complete_objectives_are_one_tap_away(
    page,
    login,
    leader,
    assert_accessible,
    console_errors,
):
    login(page, leader)
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/dashboard/")
    lead = page.locator("#objectives-table tbody tr")
    assert set(lead.evaluate_all("rows => rows.map(r => r.dataset.rag)")) <= {"red", "amber"}
    expect(lead.first).to_be_visible()
    rest = page.locator("#objectives-rest-table tbody tr")
    count = rest.count()
    assert count > 0
    assert set(rest.evaluate_all("rows => rows.map(r => r.dataset.rag)")) <= {"green", "complete"}
    expect(rest.first).to_be_hidden()
    folded = page.evaluate(HEIGHT)

    page.get_by_text(f"Show the {count} green or complete objectives").click()
    expect(rest.first).to_be_visible()
    assert page.evaluate(HEIGHT) > folded + 100 * count  # each card is taller than 100 px
    assert _sideways(page) <= 0
    assert page.evaluate(BROKEN_WORDS_JS) == []
    assert_accessible(page)
    assert console_errors == []


def test_a_filter_for_green_shows_them_unfolded(page, login, leader):
    login(page, leader)
    page.goto("/dashboard/?rag=green#objectives")
    rows = page.locator("#objectives-rest-table tbody tr")
    expect(rows.first).to_be_visible()
    expect(page.locator("#objectives-rest")).to_have_count(0)
    assert set(rows.evaluate_all("rows => rows.map(r => r.dataset.rag)")) == {"green"}
    expect(page.locator("#showing")).to_have_text(re.compile(r"Showing (\d+) of \d+ objectives"))


def test_every_fold_opens_for_printing_and_closes_after(page, login, leader, console_errors):
    login(page, leader)
    page.goto("/dashboard/")
    before = page.evaluate(OPEN)
    assert len(before) >= 5 and not any(before)
    # A fold the person opened stays open after printing.
    page.locator("#objectives-rest summary").click()
    opened = page.evaluate(OPEN)

    page.evaluate("window.dispatchEvent(new Event('beforeprint'))")
    assert all(page.evaluate(OPEN))
    page.evaluate("window.dispatchEvent(new Event('afterprint'))")
    assert page.evaluate(OPEN) == opened

    # On paper the folded rows print, even where the script has not run: the print stylesheet
    # shows what a closed details holds.
    page.locator("#objectives-rest summary").click()
    assert not any(page.evaluate(OPEN))
    page.emulate_media(media="print")
    expect(page.locator("#objectives-rest-table")).to_be_visible()
    expect(page.locator("#objectives-rest summary")).to_be_hidden()  # its table has a caption
    assert console_errors == []
