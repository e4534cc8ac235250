"""Board meetings (added by administrators, listed on the plan page) and the dashboard's
comparison with the last board, or a date a person picks."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied

from board import services
from board.models import BoardMeeting

from .conftest import TODAY


def test_administrators_add_a_board_meeting(client, board, admin_user, clock):
    client.force_login(admin_user)
    url = f"/manage/plans/{board.plan.pk}/board-meetings/"
    with clock(TODAY):
        page = client.get(url).content.decode()
        assert "5 March 2026" in page
        response = client.post(
            url,
            {
                "name": "Extra board",
                "held_on_day": "16",
                "held_on_month": "6",
                "held_on_year": "2026",
            },
        )
        assert response.status_code == 302
        meeting = BoardMeeting.objects.get(name="Extra board")
        assert meeting.held_on == date(2026, 6, 16)
        assert meeting.history.get().history_user == admin_user
        plan_page = client.get(f"/manage/plans/{board.plan.pk}/").content.decode()
        assert "16 June 2026" in plan_page and "Add a board meeting" in plan_page


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"name": "", "held_on_day": "1", "held_on_month": "6", "held_on_year": "2026"},
            "Enter the name of the meeting",
        ),
        (
            {"name": "B", "held_on_day": "", "held_on_month": "", "held_on_year": ""},
            "Enter the date of the meeting",
        ),
        (
            {"name": "B", "held_on_day": "31", "held_on_month": "2", "held_on_year": "2026"},
            "Date of the meeting must be a real date",
        ),
        (
            {"name": "B", "held_on_day": "5", "held_on_month": "3", "held_on_year": "2026"},
            "The board already meets on that day in this plan",
        ),
        (
            {"name": "B", "held_on_day": "5", "held_on_month": "3", "held_on_year": "2020"},
            "on or after the day the plan starts",
        ),
        (
            {"name": "x" * 201, "held_on_day": "1", "held_on_month": "6", "held_on_year": "2026"},
            "200 characters or fewer",
        ),
    ],
)
def test_mistakes_are_shown_the_gov_uk_way(client, board, admin_user, clock, data, message):
    client.force_login(admin_user)
    with clock(TODAY):
        response = client.post(f"/manage/plans/{board.plan.pk}/board-meetings/", data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "There is a problem" in html and message in html
    assert "<title>Error: " in html


def test_only_administrators_add_board_meetings(board, leader, manager, clock):
    for user in (leader, manager):
        with clock(TODAY), pytest.raises(PermissionDenied):
            services.board_meeting_create(
                user=user, plan=board.plan, held_on=date(2026, 6, 1), name="B"
            )


def test_the_dashboard_compares_with_the_last_board(client, board, leader, clock):
    client.force_login(leader)
    with clock(TODAY):
        html = client.get("/dashboard/").content.decode()
    assert "Compared with the board on 5 March 2026." in html
    assert "1 more red than on 5 March" in html
    assert 'href="/dashboard/report/?plan=' in html
    assert "Owner says green; milestones say red" in html


def test_a_person_picks_the_date_to_compare_with(client, board, leader, clock):
    client.force_login(leader)
    with clock(TODAY):
        html = client.get(
            "/dashboard/", {"since_day": "1", "since_month": "2", "since_year": "2026"}
        ).content.decode()
        assert "Compared with 1 February 2026." in html
        assert "than on 1 February" in html
        bad = client.get(
            "/dashboard/", {"since_day": "1", "since_month": "13", "since_year": "2026"}
        ).content.decode()
        assert "Date to compare with must be a real date" in bad
        assert "Compared with the board on 5 March 2026." in bad


def test_without_board_meetings_the_dashboard_compares_with_four_weeks_earlier(
    client, leader, admin_user, clock
):
    from tests import factories

    with clock(TODAY):
        plan = factories.make_plan(user=admin_user)
        factories.publish_plan(plan, user=admin_user)
        client.force_login(leader)
        html = client.get("/dashboard/", {"plan": plan.pk}).content.decode()
    assert "Compared with 4 weeks earlier (13 March 2026)." in html
