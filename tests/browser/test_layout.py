"""Every page each role reaches, on a 320 px and a 390 px phone and a 1280 px screen.

On the demo plan (``manage.py seed_demo``): no page may scroll sideways, axe-core finds nothing
serious or critical at any width, and the milestone actions are on screen on a phone. Printing
the dashboard and an objective page gives a few A4 pages with no web addresses after links.
"""

import re
import shutil
import subprocess
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from playwright.sync_api import expect

from board import services as board_services
from objectives import services
from objectives.models import Objective
from tests import factories

from .pages import anonymous_pages, pages_for

pytestmark = pytest.mark.browser

WIDTHS = (320, 390, 1280)
PDFINFO = shutil.which("pdfinfo") or "/usr/bin/pdfinfo"  # poppler-utils, installed by make
PDFTOTEXT = shutil.which("pdftotext") or "/usr/bin/pdftotext"
DEMO = {"admin": "/manage/", "leader": "/dashboard/", "manager": "/"}


@pytest.fixture
def demo(monkeypatch):
    """The demo plan, with the demo users' password set to the tests' one."""
    monkeypatch.setenv("DEMO_PASSWORD", factories.PASSWORD)
    call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return {u.username: u for u in get_user_model().objects.filter(username__in=DEMO)}


def _sideways(page) -> int:
    return page.evaluate("document.scrollingElement.scrollWidth - window.innerWidth")


@pytest.mark.parametrize("role", sorted(DEMO))
def test_no_page_scrolls_sideways_and_every_page_is_accessible_at_each_width(
    page, login, assert_accessible, demo, role
):
    user = demo[role]
    if role == "admin":  # the publish page needs a draft plan
        factories.make_plan(user=user, published=False)
    if role in ("leader", "manager"):  # the answer and close pages need a challenge of theirs
        objective = Objective.objects.filter(owner=demo["manager"]).order_by("ref").first()
        board_services.challenge_raise(
            user=demo["leader"], objective=objective, question="What does the board need to know?"
        )
    urls = pages_for(user)
    login(page, user)
    assert page.url.endswith(DEMO[role]), f"{role} should land on {DEMO[role]}"
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for url in urls:
            response = page.goto(url)
            assert response.status < 400, f"{url} as {role}: {response.status}"
            extra = _sideways(page)
            if extra > 0:
                problems.append(f"{url} at {width} px is {extra} px wider than the screen")
            try:
                assert_accessible(page)
            except AssertionError as error:
                problems.append(f"at {width} px: {error}")
    assert not problems, "\n".join(problems)


def test_no_page_before_signing_in_scrolls_sideways_and_every_one_is_accessible(
    page, assert_accessible, demo
):
    urls = anonymous_pages()
    problems = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 800})
        for url in urls:
            response = page.goto(url)
            assert response.status < 400, f"{url} before signing in: {response.status}"
            extra = _sideways(page)
            if extra > 0:
                problems.append(f"{url} at {width} px is {extra} px wider than the screen")
            try:
                assert_accessible(page)
            except AssertionError as error:
                problems.append(f"at {width} px: {error}")
    assert not problems, "\n".join(problems)


def test_milestone_actions_are_on_screen_on_a_phone(page, login, demo):
    manager = demo["manager"]
    objective = Objective.objects.filter(owner=manager).order_by("ref").first()
    login(page, manager)
    page.set_viewport_size({"width": 320, "height": 700})
    page.goto(f"/objectives/{objective.pk}/")
    for name in ("Re-forecast", "Mark complete"):
        link = page.get_by_role("link", name=re.compile(f"^{name}")).first
        link.scroll_into_view_if_needed()
        expect(link).to_be_in_viewport()
        box = link.bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 320
    assert _sideways(page) <= 0


def test_the_worklist_shows_next_milestone_and_last_update_on_a_phone(page, login, demo):
    login(page, demo["manager"])
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto("/my/")
    for label in ("Next milestone", "Last update"):
        cell = page.locator(f'td[data-label="{label}"]').first
        expect(cell).to_be_visible()
        box = cell.bounding_box()
        assert box["x"] + box["width"] <= 390


def test_the_dashboard_uses_a_wide_screen(page, login, demo):
    login(page, demo["leader"])
    page.set_viewport_size({"width": 1280, "height": 800})
    page.goto("/dashboard/")
    width = page.locator("#objectives-table").evaluate("e => e.getBoundingClientRect().width")
    assert width > 1100  # GOV.UK's page width is 960 px


def _pdf_checks(page, tmp_path: Path, name: str) -> tuple[int, str]:
    page.emulate_media(media="print")
    # The computed style of every link: nothing is added after it on paper.
    after = page.evaluate(
        """() => [...document.querySelectorAll('a[href]')]
            .map(a => getComputedStyle(a, '::after').content)
            .filter(c => c && c !== 'none' && c !== 'normal')"""
    )
    assert after == [], f"links print something after them: {after[:5]}"
    for selector in ("form", "button", ".govuk-button", ".govuk-service-navigation"):
        hidden = page.evaluate(
            """(selector) => [...document.querySelectorAll(selector)]
                .every(e => e.offsetParent === null)""",
            selector,
        )
        assert hidden, f"{selector} is printed"
    pdf = tmp_path / f"{name}.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    info = subprocess.run(  # noqa: S603 (our own file)
        [PDFINFO, str(pdf)], capture_output=True, text=True, check=True
    )
    pages = int(re.search(r"^Pages:\s+(\d+)", info.stdout, re.M).group(1))
    text = subprocess.run(  # noqa: S603 (our own file)
        [PDFTOTEXT, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert "(/" not in text, "a web address is printed after a link"
    assert "(http" not in text
    return pages, text


def test_the_dashboard_prints_without_addresses_forms_or_buttons(page, login, demo, tmp_path):
    login(page, demo["leader"])
    page.goto("/dashboard/")
    pages, text = _pdf_checks(page, tmp_path, "dashboard")
    assert re.search(r"As at \d{1,2} \w+ \d{4}", text)
    assert "Apply filters" not in text and "Show this date" not in text
    assert 1 <= pages <= 8, f"the dashboard prints on {pages} A4 pages"


def test_an_objective_page_prints_without_addresses_forms_or_buttons(page, login, demo, tmp_path):
    manager = demo["manager"]
    objective = Objective.objects.filter(owner=manager).order_by("ref").first()
    login(page, manager)
    page.goto(f"/objectives/{objective.pk}/")
    pages, text = _pdf_checks(page, tmp_path, "objective")
    assert re.search(r"As at \d{1,2} \w+ \d{4}", text)
    assert objective.title.split()[0] in text
    assert "Add a progress update" not in text and "Re-forecast" not in text
    assert 1 <= pages <= 6, f"the objective page prints on {pages} A4 pages"


def test_a_300_character_title_with_no_spaces_wraps_on_a_phone(page, login, demo):
    manager = demo["manager"]
    objective = Objective.objects.filter(owner=manager).order_by("ref").first()
    services.objective_update(
        objective=objective, user=demo["admin"], title="W" * 300, reason="A long word"
    )
    login(page, manager)
    for width in (320, 1280):
        page.set_viewport_size({"width": width, "height": 800})
        for url in ("/my/", f"/objectives/{objective.pk}/", "/dashboard/"):
            page.goto(url)
            assert _sideways(page) <= 0, f"{url} scrolls sideways at {width} px"
