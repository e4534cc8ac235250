"""The calendar feed at /calendar/<token>.ics, read back by two independent parsers."""

from datetime import date, datetime, timedelta

import icalendar
import pytest
import vobject
from django.db import connection
from django.test.utils import CaptureQueriesContext

from board import services as board_services
from calendars import services
from people import services as people_services
from tests import factories

from .conftest import SITE, TODAY, feed_path

HOST = "improve.example.org"


def _get(client, clock, token):
    with clock(TODAY):
        return client.get(feed_path(token))


def _events(body: bytes) -> dict:
    calendar = icalendar.Calendar.from_ical(body)
    return {str(event["UID"]): event for event in calendar.walk("VEVENT")}


def test_the_feed_has_my_open_milestones_and_my_plans_board_meetings(
    client, clock, world, manager_token
):
    response = _get(client, clock, manager_token)

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert response["Cache-Control"] == "private, no-store"
    assert response["X-Content-Type-Options"] == "nosniff"
    events = _events(response.content)
    assert set(events) == {
        f"milestone-{world.due_soon.pk}@{HOST}",
        f"milestone-{world.due_later.pk}@{HOST}",
        f"board-meeting-{world.meetings[0].pk}@{HOST}",
        f"board-meeting-{world.meetings[1].pk}@{HOST}",
    }
    soon = events[f"milestone-{world.due_soon.pk}@{HOST}"]
    assert soon["SUMMARY"] == "1.1: Recruit ten social workers"
    assert "Reduce agency staff" in soon["DESCRIPTION"]
    assert "Kestrelford plan" in soon["DESCRIPTION"]
    assert str(soon["URL"]) == f"{SITE}/objectives/{world.objective.pk}/"
    assert soon.start == date(2026, 4, 15) and type(soon.start) is date
    assert soon.end == date(2026, 4, 16) and type(soon.end) is date
    assert soon["DTSTART"].params.get("VALUE") == "DATE"
    assert soon["TRANSP"] == "TRANSPARENT"
    # Stamped with the last recorded change, in UTC.
    assert soon["DTSTAMP"].dt == soon["LAST-MODIFIED"].dt
    assert soon["LAST-MODIFIED"].dt.utcoffset() == timedelta(0)
    assert soon["LAST-MODIFIED"].dt.date() == date(2026, 1, 5)

    board = events[f"board-meeting-{world.meetings[0].pk}@{HOST}"]
    assert board["SUMMARY"] == "Improvement board: Kestrelford plan"
    assert board.start == date(2026, 4, 30) and type(board.start) is date
    assert str(board["URL"]) == f"{SITE}/dashboard/report/?plan={world.objective.plan_id}"
    text = response.content.decode()
    assert "DTSTART;VALUE=DATE:20260415\r\n" in text
    assert "DTEND;VALUE=DATE:20260416\r\n" in text


def test_a_cancelled_board_meeting_leaves_the_feed(client, clock, world, manager_token):
    admin = factories.make_admin("cal_admin")
    meeting = world.meetings[0]
    with clock(TODAY):
        board_services.board_meeting_cancel(
            user=admin, meeting=meeting, reason="Moved to the spring", expected_version=1
        )
    events = _events(_get(client, clock, manager_token).content)
    assert f"board-meeting-{meeting.pk}@{HOST}" not in events
    assert f"board-meeting-{world.meetings[1].pk}@{HOST}" in events


def test_a_second_calendar_client_reads_the_same_events(client, clock, world, manager_token):
    """vobject (an independent parser, as used by calendar servers) agrees."""
    body = _get(client, clock, manager_token).content.decode()
    calendar = vobject.readOne(body)
    events = {event.uid.value: event for event in calendar.vevent_list}
    soon = events[f"milestone-{world.due_soon.pk}@{HOST}"]
    assert soon.dtstart.value == date(2026, 4, 15)
    assert not isinstance(soon.dtstart.value, datetime)
    assert soon.summary.value == "1.1: Recruit ten social workers"
    assert soon.url.value == f"{SITE}/objectives/{world.objective.pk}/"
    assert soon.dtstamp.value.tzinfo is not None
    later = events[f"milestone-{world.due_later.pk}@{HOST}"]
    assert later.dtstart.value == date(2026, 6, 30)
    meetings = sorted(e.dtstart.value for e in events.values() if "board-meeting" in e.uid.value)
    assert meetings == [date(2026, 4, 30), date(2026, 6, 25)]
    assert calendar.version.value == "2.0"
    assert calendar.prodid.value


def test_drafts_completed_and_withdrawn_never_appear(client, clock, world, manager_token):
    uids = set(_events(_get(client, clock, manager_token).content))
    for milestone in (
        world.completed,
        world.withdrawn,
        world.withdrawn_objective_milestone,
        world.others,
        world.draft_milestone,
    ):
        assert f"milestone-{milestone.pk}@{HOST}" not in uids, milestone.title
    for meeting in (world.other_plan_meeting, world.draft_meeting):
        assert f"board-meeting-{meeting.pk}@{HOST}" not in uids, meeting.name


def test_drafts_stay_out_even_for_an_administrator_who_owns_objectives(
    client, clock, world, admin_user
):
    from objectives import services as objective_services

    draft_objective = world.draft_milestone.objective
    with clock(TODAY):
        objective_services.objective_assign_owner(
            objective=draft_objective, user=admin_user, owner=admin_user, reason="Taking it on"
        )
        token = services.calendar_feed_replace(user=admin_user)
    response = _get(client, clock, token)
    assert response.status_code == 200
    assert _events(response.content) == {}
    assert b"Secret milestone" not in response.content and b"Draft board" not in response.content


def test_a_milestone_completed_after_subscribing_leaves_the_feed(
    client, clock, world, manager, manager_token
):
    from milestones import services as milestone_services

    with clock(TODAY):
        milestone_services.milestone_complete(
            milestone=world.due_soon, user=manager, completed_on=TODAY
        )
    uids = set(_events(_get(client, clock, manager_token).content))
    assert f"milestone-{world.due_soon.pk}@{HOST}" not in uids
    assert f"milestone-{world.due_later.pk}@{HOST}" in uids


def test_leadership_without_objectives_gets_an_empty_valid_calendar(client, clock, world, leader):
    token = services.calendar_feed_replace(user=leader)
    response = _get(client, clock, token)
    assert response.status_code == 200
    calendar = icalendar.Calendar.from_ical(response.content)
    assert calendar.walk("VEVENT") == []
    assert calendar["VERSION"] == "2.0" and calendar["PRODID"]
    assert calendar.walk("VTIMEZONE"), "RFC 5545 asks for at least one component"
    parsed = vobject.readOne(response.content.decode())
    assert not hasattr(parsed, "vevent")


def test_no_sign_in_is_needed(client, clock, world, manager_token):
    response = _get(client, clock, manager_token)
    assert response.status_code == 200 and "_auth_user_id" not in client.session


@pytest.mark.parametrize(
    "guess",
    [
        "A" * 43,
        "x",
        "A" * 42 + "!",
        "A" * 5000,
        "%00" * 43,
        "\u00e9" * 43,
    ],
)
def test_a_guessed_token_finds_nothing(client, clock, world, manager_token, guess):
    response = _get(client, clock, guess)
    assert response.status_code == 404
    assert b"BEGIN:VCALENDAR" not in response.content


def test_a_token_with_one_character_changed_finds_nothing(client, clock, world, manager_token):
    changed = ("B" if manager_token[0] != "B" else "C") + manager_token[1:]
    assert _get(client, clock, changed).status_code == 404


def test_a_replaced_link_stops_at_once_and_the_new_one_works(
    client, clock, world, manager, manager_token
):
    assert _get(client, clock, manager_token).status_code == 200
    new = services.calendar_feed_replace(user=manager)
    assert new != manager_token
    assert _get(client, clock, manager_token).status_code == 404
    assert _get(client, clock, new).status_code == 200


def test_a_leavers_link_stops(client, clock, world, admin_user, manager, manager_token):
    assert _get(client, clock, manager_token).status_code == 200
    with clock(TODAY):
        people_services.person_mark_leaver(
            user=admin_user,
            person=manager,
            reason="Left the council",
            expected_version=people_services.account_version(manager),
        )
    assert _get(client, clock, manager_token).status_code == 404


def test_the_token_is_kept_so_the_link_can_be_shown_again(world, manager, manager_token):
    from calendars.models import CalendarFeed

    assert CalendarFeed.objects.get(user=manager).token == manager_token
    assert len(manager_token) >= 43


def test_a_link_with_no_token_kept_finds_nothing(client, clock, world, manager, manager_token):
    from calendars.models import CalendarFeed

    feed = CalendarFeed.objects.get(user=manager)
    feed.token = None
    feed.save()
    assert not feed.matches(manager_token) and not feed.matches(None)
    assert _get(client, clock, manager_token).status_code == 404


def test_only_post_is_accepted_and_head_works(client, clock, world, manager_token):
    with clock(TODAY):
        assert client.post(feed_path(manager_token)).status_code == 405
        assert client.head(feed_path(manager_token)).status_code == 200


def test_the_feeds_queries_do_not_grow_with_its_milestones(
    client, clock, world, admin_user, manager, manager_token
):
    def count() -> int:
        with clock(TODAY), CaptureQueriesContext(connection) as queries:
            assert client.get(feed_path(manager_token)).status_code == 200
        return len(queries)

    small = count()
    with clock(date(2026, 1, 6)):
        for i in range(12):
            objective = factories.make_objective(
                world.objective.plan,
                user=admin_user,
                ref=f"5.{i + 1}",
                owner=manager,
                starts_on=date(2026, 1, 1),
                target_date=date(2026, 12, 31),
            )
            for day in (3, 4, 5):
                factories.make_milestone(objective, user=admin_user, due_date=date(2026, 7, day))
    events = _events(client.get(feed_path(manager_token)).content)
    assert len(events) == 4 + 36
    assert count() == small
    assert small <= 3


def test_a_moved_milestone_keeps_its_uid_and_shows_its_new_date(
    client, clock, world, manager, manager_token
):
    from milestones import services as milestone_services

    uid = f"milestone-{world.due_soon.pk}@{HOST}"
    before = _events(_get(client, clock, manager_token).content)[uid]
    with clock(TODAY):
        milestone_services.milestone_reschedule(
            milestone=world.due_soon, user=manager, due_date=date(2026, 5, 20), reason="Late start"
        )
    after = _events(_get(client, clock, manager_token).content)[uid]
    assert after.start == date(2026, 5, 20)
    assert "agreed date 15 April 2026" in after["DESCRIPTION"]
    assert after["LAST-MODIFIED"].dt > before["LAST-MODIFIED"].dt
    assert after["LAST-MODIFIED"].dt.date() == TODAY


def test_calendar_apps_are_told_to_refresh_hourly(client, clock, world, manager_token):
    text = _get(client, clock, manager_token).content.decode()
    assert "REFRESH-INTERVAL;VALUE=DURATION:PT1H\r\n" in text or "REFRESH-INTERVAL:PT1H\r\n" in text
    assert "X-PUBLISHED-TTL:PT1H\r\n" in text
    assert "X-WR-CALNAME:Improvement plan\r\n" in text
