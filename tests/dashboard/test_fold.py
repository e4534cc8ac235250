"""The dashboard leads with what needs attention and folds the rest: red and amber objectives
open, green and complete ones under a details (open when a filter asks for them or leaves few),
long lists folded with their count, and every fold opened for printing."""

import re
from pathlib import Path

import pytest
from django.template.loader import render_to_string

from dashboard import fold
from dashboard.filters import Filters

from .conftest import TODAY
from .test_views import get, text

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def table_refs(html: str, table_id: str) -> list[str]:
    if f'id="{table_id}"' not in html:
        return []
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>")[0]
    return re.findall(r'<tr class="govuk-table__row" data-ref="([^"]+)" data-rag="', table)


def rags(html: str, table_id: str) -> set[str]:
    table = html.split(f'id="{table_id}"', 1)[1].split("</table>")[0]
    return set(re.findall(r'data-rag="([^"]+)"', table))


def rest_fold(html: str) -> str:
    """The opening tag of the details folding the green and complete objectives."""
    return re.search(r'<details[^>]*id="objectives-rest"[^>]*>', html).group(0)


def test_red_and_amber_lead_and_green_and_complete_are_folded_but_in_the_page(
    client, clock, leader, story
):
    html = get(client, leader, clock).content.decode()
    assert table_refs(html, "objectives-table") == ["2.1", "1.2", "1.1", "2.2"]
    assert rags(html, "objectives-table") == {"red", "amber"}
    # The green and complete rows are still in the HTML, in their own captioned table.
    assert table_refs(html, "objectives-rest-table") == ["1.3"]
    assert rags(html, "objectives-rest-table") == {"complete"}
    tag = rest_fold(html)
    assert 'data-count="1"' in tag
    assert " open" not in tag
    words = text(get(client, leader, clock))
    assert "Show the green or complete objective" in words
    assert "Red and amber objectives, most urgent first" in words
    assert (
        "Showing 5 of 5 objectives: 4 red or amber, then 1 green or complete folded below them."
        in words
    )


def test_the_tables_name_the_day_shown_in_the_past(client, clock, leader, story):
    page = get(client, leader, clock, as_of="2026-03-13")
    words = text(page)
    assert "Red and amber objectives on 13 March 2026, most urgent first" in words
    assert "Showing 5 of 5 objectives. " in words  # all five were red or amber then
    assert 'id="objectives-rest"' not in page.content.decode()


@pytest.mark.parametrize("rag", ["complete"])  # the plan has no green objective today
def test_asking_for_green_or_complete_shows_them_unfolded(client, clock, leader, story, rag):
    html = get(client, leader, clock, rag=rag).content.decode()
    assert 'id="objectives-table"' not in html  # nothing red or amber to lead with
    assert 'id="objectives-rest"' not in html  # so nothing is folded
    assert rags(html, "objectives-rest-table") == {rag}
    assert "folded" not in text(get(client, leader, clock, rag=rag)).split("Showing")[1][:120]


def test_a_filter_leaving_few_objectives_shows_them_all_open(client, clock, leader, story):
    html = get(client, leader, clock, theme="Workforce").content.decode()
    assert table_refs(html, "objectives-table") == ["1.1"]
    assert table_refs(html, "objectives-rest-table") == ["1.3"]
    assert " open" in rest_fold(html)
    words = text(get(client, leader, clock, theme="Workforce"))
    assert (
        "Showing 2 of 5 objectives (theme: Workforce): 1 red or amber, then 1 green or complete."
        in words
    )
    assert "Show the green or complete objective" in words


def test_asking_for_red_shows_no_fold(client, clock, leader, story):
    html = get(client, leader, clock, rag="red").content.decode()
    assert table_refs(html, "objectives-table") == ["2.1", "1.2"]
    assert 'id="objectives-rest"' not in html


@pytest.mark.parametrize(
    ("filters", "shown", "attention", "expected"),
    [
        (Filters(), 25, 13, False),
        (Filters(), 3, 2, False),  # no filter: folded however few
        (Filters(), 12, 0, True),  # nothing red or amber to lead with
        (Filters(rag="green"), 8, 0, True),
        (Filters(rag="complete"), 4, 0, True),
        (Filters(theme="Workforce"), fold.FEW, 2, True),
        (Filters(theme="Workforce"), fold.FEW + 1, 2, False),
        (Filters(flag="stale"), 4, 4, True),
    ],
)
def test_when_the_green_and_complete_objectives_are_open(filters, shown, attention, expected):
    assert fold.rest_open(filters, shown=shown, attention=attention) is expected


def _due_soon_items(n):
    class Row:
        id, ref, title = 1, "1.1", "Objective"

    class Milestone:
        title, due_date, days_to_go = "Milestone", TODAY, 3

    return [(Row(), Milestone()) for _ in range(n)]


@pytest.mark.parametrize(("n", "folded"), [(fold.LONG, False), (fold.LONG + 1, True)])
def test_a_long_list_of_milestones_due_soon_is_folded_with_its_count(n, folded):
    html = render_to_string(
        "includes/_due_soon.html",
        {"items": _due_soon_items(n), "show_objective": True, "days": 14, "fold_after": fold.LONG},
    )
    assert html.count("<li>") == n  # every item is in the page, folded or not
    assert (f"Show the {n} milestones due soon" in html) is folded
    assert ("<details" in html) is folded


def test_without_fold_after_a_list_is_never_folded():
    html = render_to_string(
        "includes/_due_soon.html", {"items": _due_soon_items(9), "show_objective": True, "days": 14}
    )
    assert "<details" not in html


def test_the_chart_tables_say_how_many_rows_they_fold(client, clock, leader, story):
    words = text(get(client, leader, clock))
    assert re.search(
        r"Objectives by status at each month end, as a table \(\d+ month ends?\)", words
    )
    assert "Slip by theme, as a table (" in words
    assert "Red and amber objectives by owner, as a table (3 owners)" in words


def test_every_page_loads_the_script_that_opens_folds_for_printing(client, clock, leader, story):
    html = get(client, leader, clock).content.decode()
    assert re.search(r'<script type="module" src="[^"]*javascripts/init\.mjs"', html)
    init = (ROOT / "assets/src/js/init.mjs").read_text()
    assert "import { startPrintDetails } from './print-details.mjs'" in init
    assert "startPrintDetails()" in init
    script = (ROOT / "assets/src/js/print-details.mjs").read_text()
    assert "'beforeprint'" in script and "'afterprint'" in script
    css = (ROOT / "assets/src/application.scss").read_text()
    assert "details::details-content" in css  # open on paper even before the script runs
