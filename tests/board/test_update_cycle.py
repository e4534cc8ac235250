"""The update cycle before each board: the window's edges, the plan's window as it stood, meetings
as recorded at D (cancelled, moved, added later), drafts, and the surfaces that show it: the
dashboard, /manage/, the board pack (HTML, PDF, workbook) and ``board`` in /api/drift/, for
today and past days alike."""

import io
import re
import subprocess
from datetime import date, timedelta

import openpyxl
import pytest

from board import services as board_services
from board import update_cycle
from board.workbook import HEADER_ROW
from objectives import services as objective_services
from tests import factories

from .update_cycle_plan import BOARD, FIRST, LAST, SET_UP, TODAY, make_cycle_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def cp(clock, admin_user, manager, other_manager):
    return make_cycle_plan(clock, admin=admin_user, manager=manager, other_manager=other_manager)


def _cycle(cp, day):
    cp.plan.refresh_from_db()  # as a page reads it
    return update_cycle.update_cycle(cp.plan, day)


# --- the rules -----------------------------------------------------------------------------------


def test_window_is_the_days_before_the_meeting():
    window = update_cycle.window_before(BOARD, 14)
    assert (window.first, window.last) == (FIRST, LAST)
    assert FIRST in window and LAST in window
    assert FIRST - timedelta(days=1) not in window and BOARD not in window


def test_open_objectives_in_and_missing(clock, cp):
    with clock(TODAY):
        cycle = _cycle(cp, TODAY)
    assert cycle.held_on == BOARD
    assert (cycle.window.first, cycle.window.last) == (FIRST, LAST)
    # complete and withdrawn objectives are not counted; the first day of the window counts,
    # the day before it does not
    assert (cycle.in_count, cycle.total) == (1, 4)
    assert cycle.missing_refs == ["1.2", "2.1", "2.2"]
    assert cycle.headline == "Updates for the board on 14 May 2026: 1 of 4 in"
    assert cycle.as_json() == {"date": "2026-05-14", "updates_missing": ["1.2", "2.1", "2.2"]}


def test_the_last_day_of_the_window_counts_and_the_meeting_day_does_not(clock, cp, manager):
    with clock(LAST):
        factories.make_update(cp.never, user=manager, reported_on=LAST)
        assert _cycle(cp, LAST).missing_refs == ["1.2", "2.2"]
    with clock(BOARD):
        factories.make_update(cp.before_window, user=cp.before_window.owner, reported_on=BOARD)
        cycle = _cycle(cp, BOARD)  # the board meets today: it is still the board on or after D
    assert cycle.held_on == BOARD
    assert cycle.missing_refs == ["1.2", "2.2"]  # an update on the meeting's day is too late


def test_an_update_counts_from_the_day_it_was_recorded(clock, cp, manager):
    with clock(date(2026, 5, 8)):  # reported for 1 May, recorded on 8 May
        factories.make_update(cp.never, user=manager, reported_on=date(2026, 5, 1))
        assert "2.1" not in _cycle(cp, date(2026, 5, 8)).missing_refs
        assert "2.1" in _cycle(cp, date(2026, 5, 7)).missing_refs  # as recorded on 7 May


def test_the_window_is_the_plans_as_it_stood(clock, cp, admin_user):
    with clock(date(2026, 5, 6)):
        objective_services.plan_update(
            plan=cp.plan, user=admin_user, update_window_days=16, reason="A longer window"
        )
        assert _cycle(cp, date(2026, 5, 6)).window.first == date(2026, 4, 28)
        # before the change the window was 14 days: 1.2's update of 29 April was outside it
        assert _cycle(cp, TODAY).window.first == FIRST
        assert _cycle(cp, TODAY).missing_refs == ["1.2", "2.1", "2.2"]
        assert _cycle(cp, date(2026, 5, 6)).missing_refs == ["2.1", "2.2"]


def test_cancelled_meetings_and_meetings_added_later(clock, cp, admin_user):
    with clock(date(2026, 3, 1)):
        later = board_services.board_meeting_create(
            user=admin_user, plan=cp.plan, held_on=date(2026, 6, 25), name="June board"
        )
    with clock(TODAY):
        board_services.board_meeting_cancel(
            user=admin_user, meeting=cp.meeting, reason="Chair unwell", expected_version=None
        )
        assert _cycle(cp, TODAY).held_on == date(2026, 6, 25)  # cancelled: the next one
        # the day before it was cancelled, the May board was the board
        assert _cycle(cp, TODAY - timedelta(days=1)).held_on == BOARD
    with clock(TODAY):
        board_services.board_meeting_cancel(
            user=admin_user, meeting=later, reason="No quorum", expected_version=None
        )
        assert _cycle(cp, TODAY) is None
    with clock(date(2026, 5, 6)):  # added on 6 May: not the board as recorded on 5 May
        board_services.board_meeting_create(
            user=admin_user, plan=cp.plan, held_on=date(2026, 7, 9), name="July board"
        )
        assert _cycle(cp, date(2026, 5, 6)).held_on == date(2026, 7, 9)
    assert _cycle(cp, TODAY) is None


def test_a_moved_meeting_is_on_its_day_as_recorded(clock, cp, admin_user):
    with clock(TODAY):
        board_services.board_meeting_move(
            user=admin_user,
            meeting=cp.meeting,
            held_on=date(2026, 5, 21),
            reason="Chair away",
            expected_version=None,
        )
        assert _cycle(cp, TODAY).held_on == date(2026, 5, 21)
        assert _cycle(cp, TODAY - timedelta(days=1)).held_on == BOARD


def test_no_meeting_after_the_last_one(clock, cp):
    with clock(TODAY):
        assert _cycle(cp, BOARD + timedelta(days=1)) is None
        assert _cycle(cp, SET_UP - timedelta(days=30)) is None  # not yet recorded


# --- /api/drift/ -----------------------------------------------------------------------------


def test_api_board_key_today_past_days_and_none(client, clock, cp, leader, manager):
    with clock(date(2026, 5, 8)):
        factories.make_update(cp.never, user=manager, reported_on=date(2026, 5, 8))

    def board(day):
        client.force_login(leader)
        with clock(date(2026, 5, 9)):
            response = client.get("/api/drift/", {"plan": cp.plan.pk, "as_of": day.isoformat()})
        assert response.status_code == 200
        return response.json()["board"]

    assert board(date(2026, 5, 9)) == {"date": "2026-05-14", "updates_missing": ["1.2", "2.2"]}
    assert board(TODAY) == {"date": "2026-05-14", "updates_missing": ["1.2", "2.1", "2.2"]}
    assert board(date(2026, 4, 1)) == {
        "date": "2026-05-14",
        "updates_missing": ["1.1", "1.2", "2.1", "2.2"],
    }
    assert board(date(2026, 5, 15)) is None
    assert board(date(2025, 12, 1)) is None  # before the meeting was recorded


def test_a_draft_plans_board_is_for_administrators_only(client, clock, admin_user, leader):
    with clock(SET_UP):
        draft = factories.make_plan(user=admin_user, published=False, starts_on=date(2026, 1, 1))
        objective = factories.make_objective(
            draft, user=admin_user, starts_on=date(2026, 1, 1), target_date=date(2026, 12, 1)
        )
        board_services.board_meeting_create(
            user=admin_user, plan=draft, held_on=BOARD, name="Board"
        )
    with clock(TODAY):
        client.force_login(leader)
        assert client.get("/api/drift/", {"plan": draft.pk}).status_code == 400
        assert "Updates for the board" not in client.get("/dashboard/").content.decode()
        client.force_login(admin_user)
        body = client.get("/api/drift/", {"plan": draft.pk}).json()
        assert body["board"]["updates_missing"] == [objective.ref]
        page = client.get("/manage/").content.decode()
    assert "Updates for the board" not in page  # drafts have no update cycle on /manage/


# --- pages ---------------------------------------------------------------------------------------


def test_dashboard_shows_the_count_and_who_is_missing(client, clock, cp, leader, admin_user):
    client.force_login(leader)
    with clock(TODAY):
        page = client.get("/dashboard/", {"plan": cp.plan.pk}).content.decode()
    assert "Updates for the board on 14 May 2026: 1 of 4 in" in page
    assert 'data-missing="1.2 2.1 2.2"' in page
    assert "Nat_Manager Tester" in page and "No named owner" in page
    assert "from 30 April 2026 to 13 May 2026" in page
    assert "Remind the missing owners" not in page  # leadership cannot remind
    client.force_login(admin_user)
    with clock(TODAY):
        page = client.get("/dashboard/", {"plan": cp.plan.pk}).content.decode()
        past = client.get("/dashboard/", {"plan": cp.plan.pk, "as_of": "2026-04-29"})
    assert "Remind the missing owners" in page
    past = past.content.decode()
    assert "Updates for the board on 14 May 2026: 0 of 4 in" in past
    assert "as recorded at the end of 29 April 2026" in past
    assert "Remind the missing owners" not in past  # a past day shows, never acts


def test_dashboard_with_no_board_says_so(client, clock, cp, leader):
    client.force_login(leader)
    with clock(TODAY):
        page = client.get("/dashboard/", {"plan": cp.plan.pk, "as_of": "2026-06-01"})
    assert "No board meeting is recorded on or after 1 June 2026" in page.content.decode()


def test_manage_shows_each_published_plans_cycle(client, clock, cp, admin_user):
    client.force_login(admin_user)
    with clock(TODAY):
        page = client.get("/manage/").content.decode()
    assert "Updates for the board on 14 May 2026: 1 of 4 in" in page
    assert "Edge of care service" in page and "Remind the missing owners" in page


def test_the_pack_marks_objectives_with_no_update_for_the_board(client, clock, cp, leader):
    client.force_login(leader)
    with clock(TODAY):
        page = client.get("/dashboard/report/", {"plan": cp.plan.pk}).content.decode()
        book = client.get("/dashboard/report.xlsx", {"plan": cp.plan.pk}).content
        pdf = client.get("/dashboard/report.pdf", {"plan": cp.plan.pk}).content
    assert "Updates for the board on 14 May 2026: 1 of 4 in" in page
    assert f'id="objective-{cp.never.pk}-board-update"' in page  # red/amber ones are marked
    sheet = openpyxl.load_workbook(io.BytesIO(book)).active
    assert sheet["C2"].value == "Updates for the board on 14 May 2026: 1 of 4 in"
    heads = [c.value for c in sheet[HEADER_ROW]]
    rows = {
        r[0]: dict(zip(heads, r, strict=True))
        for r in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True)
    }
    marks = {ref: row["Update for the next board"] for ref, row in rows.items()}
    assert marks == {"1.1": "In", "1.2": "Missing", "2.1": "Missing", "2.2": "Missing", "3.1": None}
    text = subprocess.run(  # noqa: S603 (a fixed program on our own file)
        ["/usr/bin/pdftotext", "-", "-"], input=pdf, capture_output=True, check=True
    ).stdout.decode()
    assert "Updates for the board on 14 May 2026: 1 of 4 in" in " ".join(text.split())


def test_the_pack_of_a_past_day_reads_the_cycle_then(client, clock, cp, leader):
    client.force_login(leader)
    with clock(TODAY):
        page = client.get("/dashboard/report/", {"plan": cp.plan.pk, "as_of": "2026-04-29"})
    assert "Updates for the board on 14 May 2026: 0 of 4 in" in page.content.decode()


def test_plan_edit_page_changes_the_window_with_history(client, clock, cp, admin_user):
    client.force_login(admin_user)
    plan = cp.plan
    data = {
        "name": plan.name,
        "organisation": plan.organisation,
        "slip_tolerance_days": plan.slip_tolerance_days,
        "stale_after_days": plan.stale_after_days,
        "due_soon_days": plan.due_soon_days,
        "version": plan.version,
        "reason": "Boards want updates three weeks ahead",
        **{f"starts_on_{k}": getattr(plan.starts_on, k) for k in ("day", "month", "year")},
        **{f"ends_on_{k}": getattr(plan.ends_on, k) for k in ("day", "month", "year")},
    }
    url = f"/manage/plans/{plan.pk}/edit/"
    with clock(TODAY):
        form = client.get(url).content.decode()
        assert re.search(r'<input[^>]*name="update_window_days"[^>]*value="14"', form)
        for bad, message in (
            ("0", "The update window must be at least 1 day"),
            ("seven", "The update window must be a whole number of days, like 14"),
            ("", "Enter the number of days before a board meeting that owners update"),
            ("99999", "The update window must be 3650 days or fewer"),
        ):
            response = client.post(url, {**data, "update_window_days": bad})
            assert response.status_code == 200 and message in response.content.decode()
        plan.refresh_from_db()
        assert plan.update_window_days == 14
        response = client.post(url, {**data, "update_window_days": "21"})
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.update_window_days == 21
    assert plan.history.first().history_change_reason == "Boards want updates three weeks ahead"
    with clock(TODAY):
        assert _cycle(cp, TODAY).window.first == date(2026, 4, 23)
        assert _cycle(cp, TODAY - timedelta(days=1)).window.first == FIRST
