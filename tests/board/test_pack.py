"""The board pack's content, checked against /api/drift/ for the same dates."""

from datetime import date

import pytest

from board import selectors
from tests import factories

from .conftest import LAST_BOARD, NEXT_BOARD, TODAY


def _api(client, plan, day):
    response = client.get("/api/drift/", {"plan": plan.pk, "as_of": day.isoformat()})
    assert response.status_code == 200
    return response.json()


def test_comparison_is_the_last_board_before_the_date_else_four_weeks(board, clock):
    with clock(TODAY):
        found = selectors.comparison_date(board.plan, TODAY)
        assert found.day == LAST_BOARD
        assert found.sentence == "Compared with the board on 5 March 2026"
        # A board on the day shown is not "before" it.
        assert selectors.comparison_date(board.plan, LAST_BOARD).day == date(2026, 1, 22)
        early = selectors.comparison_date(board.plan, date(2026, 1, 10))
        assert early.day == date(2025, 12, 13)
        assert early.sentence == "Compared with 4 weeks earlier (13 December 2025)"
        chosen = selectors.comparison_date(board.plan, TODAY, date(2026, 2, 1))
        assert chosen.sentence == "Compared with 1 February 2026"
        assert selectors.comparison_date(board.plan, TODAY, date(2026, 1, 22)).meeting


def test_pack_names_every_red_and_amber_objective_of_the_api(client, board, leader, clock):
    client.force_login(leader)
    with clock(TODAY):
        now = _api(client, board.plan, TODAY)
        before = _api(client, board.plan, LAST_BOARD)
        response = client.get("/dashboard/report/", {"plan": board.plan.pk})
    assert response.status_code == 200
    html = response.content.decode()
    exceptions = [o for o in now["objectives"] if o["rag"] in ("red", "amber")]
    assert {o["ref"] for o in exceptions} == {"1.1", "1.2"}
    for o in exceptions:
        assert f"{o['ref']} {o['title']}" in html
    assert html.index("1.1 Reduce agency staff") < html.index("1.2 Edge of care service")
    for rag in ("red", "amber", "green", "complete"):
        assert f'id="count-{rag}">{now["summary"][rag]}<' in html
    assert now["summary"]["red"] - before["summary"]["red"] == 1
    assert "1 more red" in html
    assert "As at 10 April 2026. Compared with the board on 5 March 2026." in html
    assert "Next board meeting: Improvement board (May) on 30 April 2026." in html


def test_pack_says_why_who_since_when_and_what_moved(client, board, leader, clock):
    client.force_login(leader)
    with clock(TODAY):
        html = client.get("/dashboard/report/").content.decode()
    assert "Owner: Mo_Manager Tester." in html
    assert "‘Recruitment campaign’ is 10 days overdue (forecast for 31 March 2026)." in html
    assert "6 April 2026, Mo_Manager Tester's own view: green." in html
    assert "Owner says green; milestones say red" in html
    assert "‘Service specification’ moved from 31 May 2026 to 14 June 2026 (14 days later)" in html
    assert (
        "by Nat_Manager Tester on 20 March 2026. Reason: The contractor delayed the start" in html
    )
    assert "‘First 20 schools trained’ completed on 20 March 2026" in html
    assert f"before the next board on {NEXT_BOARD:%-d %B %Y}" in html
    assert "All 45 schools trained" in html
    assert "Objectives by status at each month end" in html
    assert "<svg" in html


def test_pack_for_a_chosen_date_and_a_past_date(client, board, leader, clock):
    client.force_login(leader)
    with clock(TODAY):
        html = client.get(
            "/dashboard/report/", {"as_of": "2026-03-31", "since": "2026-03-01"}
        ).content.decode()
        api = _api(client, board.plan, date(2026, 3, 31))
    assert "As at 31 March 2026. Compared with 1 March 2026." in html
    for o in api["objectives"]:
        if o["rag"] in ("red", "amber"):
            assert f"{o['ref']} {o['title']}" in html
    # The update of 6 April is not yet there on 31 March.
    assert "Campaign launched" not in html


@pytest.mark.parametrize(
    "query",
    [
        "since=2026-13-01",
        "since=yesterday",
        "since=2026-04-10",
        "as_of=31/03/2026",
        "plan=999999",
        "plan=" + "x" * 5000,
        "since=%00%ED%A0%80",
        "since_day=31&since_month=2&since_year=2026",
    ],
)
def test_a_bad_query_is_answered_with_400_and_words(client, board, leader, clock, query):
    client.force_login(leader)
    with clock(TODAY):
        for path in ("/dashboard/report/", "/dashboard/report.pdf", "/dashboard/report.xlsx"):
            response = client.get(f"{path}?{query}")
            assert response.status_code == 400, (path, query)


def test_a_draft_plan_s_pack_is_for_administrators_only(client, admin_user, leader, clock):
    with clock(TODAY):
        plan = factories.make_plan(user=admin_user, name="Draft plan", published=False)
        client.force_login(leader)
        assert client.get("/dashboard/report/", {"plan": plan.pk}).status_code == 400
        client.force_login(admin_user)
        assert client.get("/dashboard/report/", {"plan": plan.pk}).status_code == 200


def test_visitors_get_nothing(client, board):
    for path in ("/dashboard/report/", "/dashboard/report.pdf", "/dashboard/report.xlsx"):
        response = client.get(path)
        assert response.status_code == 302
        assert response.url.startswith("/accounts/login/")


def test_the_dashboard_compares_with_the_last_board_or_the_date_picked(board, leader, clock):
    from board import services

    with clock(TODAY):
        services.challenge_raise(user=leader, objective=board.red, question="Why?")
        for as_of, since, day, sentence in [
            (TODAY, None, LAST_BOARD, "Compared with the board on 5 March 2026"),
            (LAST_BOARD, None, date(2026, 1, 22), "Compared with the board on 22 January 2026"),
            (date(2026, 1, 10), None, date(2025, 12, 13), "Compared with 4 weeks earlier"),
            (TODAY, date(2026, 1, 22), date(2026, 1, 22), "Compared with the board on 22"),
            (TODAY, date(2026, 2, 2), date(2026, 2, 2), "Compared with 2 February 2026"),
        ]:
            state = selectors.board_state(board.plan, as_of, since)
            assert state.comparison.day == day
            assert state.comparison.sentence.startswith(sentence)
            assert state.open_challenges == (1 if as_of == TODAY else 0)  # raised today
