"""The dashboard and the board pack read on a phone (390 px) and a desktop (1280 px): no word in
a table is broken across lines, chart text is at least 12 px as drawn on screen, every table or
chart that may scroll sideways is a labelled region a keyboard can reach, and axe-core finds
nothing, with the folds closed and opened. Screenshots of each page at each width are written
for a person to look at.
"""

from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from tests import factories

from .test_layout import _sideways

pytestmark = pytest.mark.browser

SHOTS = Path("/tmp/improve-screenshots")  # noqa: S108 (a place to look at them, not an input)
PAGES = {"dashboard": "/dashboard/", "board-pack": "/dashboard/report/"}

# Words split across two lines in a visible table cell (a word here is a run without spaces;
# a line may end after a hyphen or slash; a run longer than 30 characters may break, as a
# phone has no room for it).
BROKEN_WORDS_JS = """() => {
  const broken = [];
  for (const cell of document.querySelectorAll('main table th, main table td')) {
    if (!cell.getClientRects().length) continue;
    const walker = document.createTreeWalker(cell, NodeFilter.SHOW_TEXT);
    let node;
    while ((node = walker.nextNode())) {
      if (node.parentElement.closest('.govuk-visually-hidden')) continue;
      const words = /[^\\s\\-\\u2013\\u2014/]+/g;
      let m;
      while ((m = words.exec(node.data))) {
        if (m[0].length > 30) continue;
        const range = document.createRange();
        range.setStart(node, m.index);
        range.setEnd(node, m.index + m[0].length);
        const lines = new Set([...range.getClientRects()].filter(r => r.width > 0)
          .map(r => Math.round(r.top)));
        if (lines.size > 1) broken.push(m[0]);
      }
    }
  }
  return broken;
}"""

# The smallest chart text as drawn: its font size times the chart's scale on screen.
CHART_TEXT_JS = """() => {
  const sizes = [];
  for (const svg of document.querySelectorAll('main svg[viewBox]')) {
    const scale = svg.getBoundingClientRect().width / svg.viewBox.baseVal.width;
    for (const text of svg.querySelectorAll('text')) {
      sizes.push(parseFloat(text.getAttribute('font-size')) * scale);
    }
  }
  return sizes;
}"""

# Regions that scroll sideways: focusable, named, and holding a table or a chart.
REGIONS_JS = """() => [
  ...document.querySelectorAll('main .app-table-wrapper, main .app-chart-scroll')
].map(el => ({
    tabindex: el.getAttribute('tabindex'),
    role: el.getAttribute('role'),
    named: Boolean(el.getAttribute('aria-label') || el.getAttribute('aria-labelledby')),
    holds: Boolean(el.querySelector('table, svg')),
    scrolls: el.scrollWidth > el.clientWidth,
  }))"""


@pytest.fixture
def leader(monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", factories.PASSWORD)
    call_command("seed_demo", force=True, stdout=open("/dev/null", "w"))  # noqa: SIM115
    return get_user_model().objects.get(username="leader")


@pytest.mark.parametrize("width", [390, 1280])
def test_tables_and_charts_read_on_a_phone_and_a_desktop(
    page, login, assert_accessible, leader, width
):
    SHOTS.mkdir(exist_ok=True)
    login(page, leader)
    page.set_viewport_size({"width": width, "height": 900})
    for name, url in PAGES.items():
        page.goto(url)
        page.screenshot(path=str(SHOTS / f"{name}-{width}.png"), full_page=True)
        assert _sideways(page) <= 0, f"{url} scrolls sideways at {width} px"
        broken = page.evaluate(BROKEN_WORDS_JS)
        assert broken == [], f"{url} at {width} px: {broken}"
        sizes = page.evaluate(CHART_TEXT_JS)
        assert sizes, f"{url} has no chart"
        assert min(sizes) >= 12, f"{url} at {width} px: chart text {min(sizes):.1f} px"
        regions = page.evaluate(REGIONS_JS)
        assert len(regions) >= 2
        for region in regions:
            assert region["tabindex"] == "0" and region["role"] == "region", region
            assert region["named"] and region["holds"], region
        if width == 390:  # the charts keep their size on a phone, so they scroll
            assert any(r["scrolls"] for r in regions)
        assert_accessible(page)
        # What the page folds reads as well once opened.
        page.evaluate("document.querySelectorAll('main details').forEach(d => { d.open = true })")
        assert _sideways(page) <= 0, f"{url} opened scrolls sideways at {width} px"
        broken = page.evaluate(BROKEN_WORDS_JS)
        assert broken == [], f"{url} opened at {width} px: {broken}"
        assert_accessible(page)
