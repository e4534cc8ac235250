"""What the dashboard keeps drawn (rows, list items, the board's and the impact panels, charts,
date boxes) is kept under what it shows: after each kind of write the page is the same as
drawn with nothing kept, and a progress update draws again only what shows it."""

import re
from datetime import date
from types import SimpleNamespace

import pytest
from django.core.cache import cache

from board import services as board_services
from dashboard import rows
from objectives import drift
from objectives import services as objective_services
from objectives.forecast import Likely
from tests import factories
from tracking import selectors as tracking_selectors
from tracking import today

from .conftest import TODAY

pytestmark = pytest.mark.django_db


def report(story, owner, rag: str):
    """A progress update today on the overdue objective, by its owner."""
    return objective_services.progress_update_create(
        user=owner, objective=story.overdue, reported_on=TODAY, rag=rag, summary=f"Says {rag}."
    )


def page(client, plan) -> str:
    response = client.get("/dashboard/", {"plan": plan.pk})
    assert response.status_code == 200
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"', "", response.content.decode())


def test_the_page_as_kept_is_the_page_drawn_afresh_after_each_write(
    client, clock, story, leader, admin_user, other_manager
):
    client.force_login(leader)
    plan = story.plan
    writes = {
        # the next board: the update cycle lists the open objectives with no update for it
        "next board": lambda: board_services.board_meeting_create(
            user=admin_user, plan=plan, held_on=date(2026, 4, 20), name="Next board"
        ),
        # in for the next board, and the owner sees it greener than its milestones (the
        # board's list of owners' views)
        "progress update": lambda: report(story, other_manager, "green"),
        "new title": lambda: objective_services.objective_update(
            objective=story.overdue, user=admin_user, title="Family group conferencing for all"
        ),
        "board meeting": lambda: board_services.board_meeting_create(
            user=admin_user, plan=plan, held_on=date(2026, 4, 1), name="April board"
        ),
        "measure": lambda: factories.make_measure(story.slipping, user=admin_user),
    }
    with clock(TODAY):
        before = page(client, plan)
        for name, write in writes.items():
            write()
            kept = page(client, plan)
            assert kept != before, name
            cache.clear()
            assert page(client, plan) == kept, name
            before = kept
    assert "On 2 objectives the owner's own view is greener" in before
    assert "Updates for the board on 20 April 2026: 1 of" in before
    assert "Family group conferencing for all" in before
    comparison = re.search(r'<p class="govuk-body" id="comparison">.*?</p>', before).group()
    assert "1 April 2026" in comparison


def test_a_list_item_naming_an_objective_is_kept_through_a_progress_update(
    clock, story, admin_user, other_manager, monkeypatch
):
    drawn = []
    real = rows.render_to_string
    monkeypatch.setattr(rows, "render_to_string", lambda *a, **k: drawn.append(a) or real(*a, **k))

    def item() -> str:
        with clock(TODAY):
            found = today.plan_drift(story.plan, TODAY, open_only=True).objectives
        row = next(r for r in found if r.id == story.overdue.pk)
        return rows.draw("board/_owner_gap.html", [(row, {"words": "w"})], shown=rows.titled)

    first = item()
    assert len(drawn) == 1
    with clock(TODAY):
        report(story, other_manager, "amber")
    assert item() == first and len(drawn) == 1  # its ref and title did not change
    with clock(TODAY):
        objective_services.objective_update(
            objective=story.overdue, user=admin_user, title="Conferences"
        )
    assert "Conferences" in item() and len(drawn) == 2


def test_the_date_boxes_show_the_address_s_date_whichever_page_was_kept(
    client, clock, story, leader
):
    client.force_login(leader)
    with clock(TODAY):
        blank = client.get("/dashboard/", {"plan": story.plan.pk}).content.decode()
        named = client.get(
            "/dashboard/", {"plan": story.plan.pk, "as_of": TODAY.isoformat()}
        ).content.decode()
    assert 'name="as_of_day" type="text" inputmode="numeric">' in blank
    assert 'name="as_of_day" type="text" inputmode="numeric" value="10">' in named


def test_the_likely_finish_and_due_soon_items_are_kept_under_every_figure_they_show(clock, story):
    with clock(TODAY):
        row = next(
            r
            for r in today.plan_drift(story.plan, TODAY, open_only=True).objectives
            if r.id == story.overdue.pk
        )

    def late(finish, finish_80, **kwargs):
        likely = SimpleNamespace(late=[(row, Likely(finish, finish_80))])
        return rows.likely_late(likely, as_of=TODAY, **kwargs)

    first = late(date(2027, 1, 4), date(2027, 3, 1))
    assert "4 January 2027" in first and "1 March 2027" in first
    later = late(date(2027, 1, 5), date(2027, 3, 1))
    assert "5 January 2027" in later and "4 January 2027" not in later
    assert "1 April 2027" in late(date(2027, 1, 5), date(2027, 4, 1))
    assert 'href="/objectives/' not in late(date(2027, 1, 5), date(2027, 4, 1))
    assert 'href="/objectives/' in late(date(2027, 1, 5), date(2027, 4, 1), link=True)
    milestone = row.milestones[0]
    soon = rows.due_soon([(row, milestone)])
    assert milestone.title in soon
    moved = milestone._replace(state=milestone.state._replace(due_date=date(2026, 4, 20)))
    assert "20 April 2026" in rows.due_soon([(row, moved)])


def test_a_past_day_reads_open_milestones_only_however_it_was_kept(clock, story):
    past = date(2026, 4, 1)
    with clock(TODAY):
        whole = tracking_selectors.plan_drift(story.plan, past).objectives  # kept whole
        from_whole = tracking_selectors.plan_drifts(story.plan, {past}, open_only=True)[0][past]
        cache.clear()
        replayed = tracking_selectors.plan_drifts(story.plan, {past}, open_only=True)[0][past]
        kept_open = tracking_selectors.plan_drifts(story.plan, {past}, open_only=True)[0][past]
    expected = [drift.open_part(row) for row in whole]
    assert any(m.complete for row in whole for m in row.milestones)
    assert expected != whole
    assert from_whole.open_only and from_whole.objectives == expected
    assert kept_open.open_only and kept_open.objectives == expected
    assert [drift.open_part(row) for row in replayed.objectives] == expected


def test_a_past_day_s_page_as_kept_is_the_page_drawn_afresh(client, clock, story, leader):
    client.force_login(leader)
    with clock(TODAY):
        address = {"plan": story.plan.pk, "as_of": "2026-04-01"}
        client.get("/dashboard/", address)
        kept = client.get("/dashboard/", address).content.decode()
        cache.clear()
        afresh = client.get("/dashboard/", address).content.decode()
    token = r'name="csrfmiddlewaretoken" value="[^"]+"'
    assert re.sub(token, "", kept) == re.sub(token, "", afresh)
    assert "as it stood at the end of 1 April 2026" in kept


def test_a_write_that_leaves_a_row_as_it_was_draws_no_row(
    client, clock, story, leader, other_manager, monkeypatch
):
    drawn = []
    real = rows.render_to_string

    def spy(name, *args, **kwargs):
        if name == "dashboard/_objective_row.html":
            drawn.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(rows, "render_to_string", spy)
    client.force_login(leader)

    def update():
        report(story, other_manager, "red")
        drawn.clear()
        return page(client, story.plan)

    with clock(TODAY):
        page(client, story.plan)
        first = update()
        assert len(drawn) == 1  # its last update is new
        second = update()
        assert drawn == []  # the same row, kept under what it shows, found under its new mark
        assert second == first
        cache.clear()
        assert page(client, story.plan) == second
