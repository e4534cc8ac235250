"""Board meetings moved or cancelled by administrators, with a reason; nothing is deleted, and a
cancelled meeting is neither the board to compare with nor the next board from the day it was
cancelled."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from board import selectors, services
from board.models import BoardMeeting
from kit.stale_edits import STALE_MESSAGE
from objectives.history import StaleEditError

from .conftest import LAST_BOARD, NEXT_BOARD, TODAY

pytestmark = pytest.mark.django_db


def _meeting(board, day) -> BoardMeeting:
    return BoardMeeting.objects.get(plan=board.plan, held_on=day)


def _move_data(meeting, day: date, reason="The chair is away", **extra) -> dict:
    return {
        "held_on_day": day.day,
        "held_on_month": day.month,
        "held_on_year": day.year,
        "reason": reason,
        "version": meeting.version,
        **extra,
    }


def test_the_meetings_page_links_to_move_and_cancel_each_meeting(client, board, admin_user):
    client.force_login(admin_user)
    meeting = _meeting(board, LAST_BOARD)
    html = client.get(f"/manage/plans/{board.plan.pk}/board-meetings/").content.decode()
    assert f"/manage/board-meetings/{meeting.pk}/move/" in html
    assert f"/manage/board-meetings/{meeting.pk}/cancel/" in html


def test_an_administrator_moves_a_meeting_with_a_reason(client, board, admin_user, clock):
    client.force_login(admin_user)
    meeting = _meeting(board, NEXT_BOARD)
    url = f"/manage/board-meetings/{meeting.pk}/move/"
    with clock(TODAY):
        assert client.get(url).status_code == 200
        missing = client.post(url, _move_data(meeting, date(2026, 5, 7), reason=" "))
        assert "Give a reason for moving the meeting" in missing.content.decode()
        response = client.post(url, _move_data(meeting, date(2026, 5, 7)))
        assert response.status_code == 302
        meeting.refresh_from_db()
        assert meeting.held_on == date(2026, 5, 7)
        record = meeting.history.latest("history_date")
        assert record.history_change_reason == "The chair is away"
        assert record.history_user == admin_user
        assert selectors.next_meeting_after(board.plan, TODAY) == meeting


def test_a_meeting_cannot_move_onto_another_or_before_the_plan(board, admin_user):
    meeting = _meeting(board, NEXT_BOARD)
    before_the_plan = board.plan.starts_on - timedelta(days=1)
    for day in (LAST_BOARD, before_the_plan, NEXT_BOARD):
        with pytest.raises(ValidationError):
            services.board_meeting_move(
                user=admin_user,
                meeting=meeting,
                held_on=day,
                reason="x",
                expected_version=meeting.version,
            )
    meeting.refresh_from_db()
    assert meeting.held_on == NEXT_BOARD


def test_an_administrator_cancels_a_meeting_and_nothing_is_deleted(
    client, board, admin_user, clock
):
    client.force_login(admin_user)
    meeting = _meeting(board, LAST_BOARD)
    url = f"/manage/board-meetings/{meeting.pk}/cancel/"
    count = BoardMeeting.objects.count()
    with clock(TODAY):
        refused = client.post(url, {"reason": "", "version": meeting.version})
        assert "Give a reason for cancelling the meeting" in refused.content.decode()
        response = client.post(url, {"reason": "Not quorate", "version": meeting.version})
        assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.cancelled_on == TODAY
    assert BoardMeeting.objects.count() == count
    assert meeting.history.latest("history_date").history_change_reason == "Not quorate"
    with clock(TODAY):
        html = client.get(f"/manage/plans/{board.plan.pk}/board-meetings/").content.decode()
        again = client.get(url).content.decode()
    assert "Cancelled on 10 April 2026" in html
    assert "This meeting was cancelled on 10 April 2026" in again


def test_a_cancelled_meeting_is_not_the_last_board_from_the_day_it_was_cancelled(
    client, board, admin_user, leader, clock
):
    meeting = _meeting(board, LAST_BOARD)
    with clock(TODAY):
        services.board_meeting_cancel(
            user=admin_user, meeting=meeting, reason="Not quorate", expected_version=1
        )
    plan = board.plan
    # From the day it was cancelled, the board before it is the one to compare with...
    assert selectors.comparison_date(plan, TODAY).day == date(2026, 1, 22)
    assert selectors.last_meeting_before(plan, date(2026, 4, 20)).held_on == date(2026, 1, 22)
    # ...but before that day it still was the last board.
    assert selectors.comparison_date(plan, date(2026, 4, 9)).day == LAST_BOARD
    client.force_login(leader)
    with clock(TODAY):
        html = client.get("/dashboard/").content.decode()
    assert "Compared with the board on 22 January 2026." in html


def test_a_cancelled_meeting_is_not_the_next_board(client, board, admin_user, leader, clock):
    meeting = _meeting(board, NEXT_BOARD)
    with clock(TODAY):
        services.board_meeting_cancel(
            user=admin_user, meeting=meeting, reason="Moved to June", expected_version=1
        )
        assert selectors.next_meeting_after(board.plan, TODAY) is None
        assert selectors.next_meeting_after(board.plan, date(2026, 4, 9)) == meeting
        client.force_login(leader)
        html = client.get(f"/dashboard/report/?plan={board.plan.pk}").content.decode()
    assert "Next board meeting" not in html


def test_a_new_meeting_may_take_the_day_of_a_cancelled_one(board, admin_user, clock):
    meeting = _meeting(board, NEXT_BOARD)
    with clock(TODAY):
        services.board_meeting_cancel(
            user=admin_user, meeting=meeting, reason="Chair ill", expected_version=1
        )
        again = services.board_meeting_create(
            user=admin_user, plan=board.plan, held_on=NEXT_BOARD, name="Rearranged board"
        )
        assert selectors.next_meeting_after(board.plan, TODAY) == again
        with pytest.raises(ValidationError):
            services.board_meeting_move(
                user=admin_user,
                meeting=meeting,
                held_on=date(2026, 6, 1),
                reason="x",
                expected_version=meeting.version + 1,
            )


def test_only_administrators_move_or_cancel(client, board, leader, manager):
    meeting = _meeting(board, NEXT_BOARD)
    for person in (leader, manager):
        client.force_login(person)
        for action in ("move", "cancel"):
            url = f"/manage/board-meetings/{meeting.pk}/{action}/"
            assert client.get(url).status_code == 403
            data = _move_data(meeting, date(2026, 5, 7))
            assert client.post(url, data).status_code == 403
        with pytest.raises(PermissionDenied):
            services.board_meeting_cancel(
                user=person, meeting=meeting, reason="x", expected_version=1
            )
    meeting.refresh_from_db()
    assert meeting.held_on == NEXT_BOARD and meeting.cancelled_on is None


def test_two_administrators_at_once_the_second_gets_the_stale_answer(
    client, board, admin_user, clock
):
    meeting = _meeting(board, NEXT_BOARD)
    read_at = meeting.version
    with clock(TODAY):
        services.board_meeting_move(
            user=admin_user,
            meeting=meeting,
            held_on=date(2026, 5, 14),
            reason="Room",
            expected_version=read_at,
        )
        client.force_login(admin_user)
        url = f"/manage/board-meetings/{meeting.pk}/cancel/"
        for version in (read_at, ""):
            response = client.post(url, {"reason": "Not needed", "version": version})
            assert response.status_code == 409
            assert STALE_MESSAGE.format(what="meeting") in response.content.decode()
    meeting.refresh_from_db()
    assert meeting.cancelled_on is None and meeting.held_on == date(2026, 5, 14)
    with pytest.raises(StaleEditError):
        services.board_meeting_cancel(
            user=admin_user, meeting=meeting, reason="x", expected_version=read_at
        )
