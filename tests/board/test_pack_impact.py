"""The board pack's evidence counts for each red and amber objective, and its Impact section
(HTML and PDF)."""

import re
from datetime import date
from decimal import Decimal

import pytest

from impact import evidence_services as impact_evidence_services
from impact import selectors as impact_selectors
from impact import value_services as impact_value_services
from tests import factories

from .conftest import TODAY
from .test_pdf import _pages, _pdf


@pytest.fixture
def impact(board, clock, admin_user, manager, other_manager):
    """Measures on 1.1 (one off track, one on track) and 1.2 (behind); evidence on 1.1: two
    links, one of them withdrawn, and one more added after the date shown in the past."""
    line = {"baseline_on": date(2026, 1, 1), "target_on": date(2026, 12, 31), "unit": "children"}
    with clock(date(2026, 1, 6)):
        off = factories.make_measure(board.red, user=admin_user, name="Agency staff", **line)
        on = factories.make_measure(board.red, user=admin_user, name="Stable teams", **line)
        behind = factories.make_measure(board.amber, user=admin_user, name="Families kept", **line)
    with clock(date(2026, 2, 10)):
        impact_evidence_services.evidence_add_link(
            user=manager, objective=board.red, title="Offers", url="https://example.org/offers"
        )
        draft = impact_evidence_services.evidence_add_link(
            user=manager, objective=board.red, title="Draft", url="https://example.org/draft"
        )
    with clock(date(2026, 3, 1)):
        impact_evidence_services.evidence_withdraw(
            user=manager, evidence=draft, reason="Superseded"
        )
    with clock(date(2026, 4, 2)):  # the line stands at 54.95 on 1 April
        for measure, user, value in ((off, manager, "50"), (on, manager, "57")):
            impact_value_services.measure_value_create(
                user=user, measure=measure, period_end=date(2026, 4, 1), value=Decimal(value)
            )
        impact_value_services.measure_value_create(
            user=other_manager, measure=behind, period_end=date(2026, 4, 1), value=Decimal("54")
        )
        impact_evidence_services.evidence_add_link(
            user=manager, objective=board.red, title="Minutes", url="https://example.org/minutes"
        )
    return {"off": off, "on": on, "behind": behind}


def _words(html: str) -> str:
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def _pack(client, leader, clock, **query):
    client.force_login(leader)
    with clock(TODAY):
        response = client.get("/dashboard/report/", query)
    assert response.status_code == 200
    return response.content.decode()


def test_each_red_and_amber_objective_shows_its_evidence_at_d(client, board, impact, leader, clock):
    html = _pack(client, leader, clock, plan=board.plan.pk)
    red = html.split(f'id="objective-{board.red.pk}-evidence">', 1)[1].split("</p>")[0]
    amber = html.split(f'id="objective-{board.amber.pk}-evidence">', 1)[1].split("</p>")[0]
    assert red == "2 items of evidence recorded by 10 April 2026."  # the withdrawn draft left out
    assert amber == "No evidence recorded by 10 April 2026."
    with clock(TODAY):
        assert impact_selectors.evidence_for_objective(board.red, TODAY)["count"] == 2
    # on 1 April 1.1 was already red or amber, and the minutes of 2 April were not yet there
    past = _pack(client, leader, clock, plan=board.plan.pk, as_of="2026-04-01")
    red = past.split(f'id="objective-{board.red.pk}-evidence">', 1)[1].split("</p>")[0]
    assert red == "1 item of evidence recorded by 1 April 2026."


def test_the_impact_section_follows_the_red_and_amber_objectives(
    client, board, impact, leader, clock
):
    html = _pack(client, leader, clock, plan=board.plan.pk)
    assert html.index('id="exceptions"') < html.index('id="impact"') < html.index('id="completed"')
    section = html.split('id="impact"', 1)[1].split('id="completed"')[0]
    for status, count in (("on_track", 1), ("behind", 1), ("off_track", 1), ("no_data", 0)):
        assert f'id="measures-{status}">{count}<' in section
    words = _words(section)
    assert "All 3 measures by status on 10 April 2026" in words
    # off track first, then behind, each with its objective, latest value and date
    off = words.index("1.1 Reduce agency staff Agency staff Off track 50 children")
    behind = words.index("1.2 Edge of care service Families kept Behind 54 children")
    assert off < behind
    assert "for the period ending 1 April 2026" in words
    assert "Stable teams" not in words  # on track: counted, not listed
    # delivery is unchanged: the counts by RAG say what they said
    assert 'id="count-red">1<' in html and 'id="count-amber">1<' in html


def test_a_plan_without_measures_says_so(client, board, leader, clock):
    html = _pack(client, leader, clock, plan=board.plan.pk)
    assert "No objective has a measure of impact on 10 April 2026." in _words(html)


def test_the_pdf_has_the_impact_section_and_evidence(
    client, board, impact, leader, clock, tmp_path
):
    path = _pdf(client, leader, clock, tmp_path)
    text = re.sub(r"\s+", " ", "\n".join(_pages(path)))
    assert "2 items of evidence recorded by 10 April 2026." in text
    assert "No evidence recorded by 10 April 2026." in text
    assert "Impact" in text
    assert "Measures off track or behind" in text
    assert "Agency staff" in text and "Families kept" in text
    assert "1 April 2026" in text
    assert text.index("Measures off track or behind") < text.index("Completed since")
