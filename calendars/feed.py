"""A person's calendar feed as iCalendar (RFC 5545), built with the ``icalendar`` library.

Every event is all-day (a DATE, no time zone) and transparent, so it never blocks time in the
person's diary. UIDs are stable per milestone and per board meeting, so a calendar app updates
an event when its date moves instead of adding a second one. There is no METHOD, so DTSTAMP is
the time the event's information last changed, like LAST-MODIFIED (RFC 5545, 3.8.7.2).
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlencode, urlsplit

import icalendar
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from board.models import BoardMeeting
from kit.formatting import long_date
from milestones.models import Milestone

PRODID = "-//Improvement plan tracker//Calendar feed//EN"
CALENDAR_NAME = "Improvement plan"
REFRESH = timedelta(hours=1)
DAY = timedelta(days=1)


def site_host() -> str:
    return urlsplit(settings.SITE_URL).hostname or "localhost"


def absolute_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _utc(moment: datetime | None, fallback: datetime) -> datetime:
    return (moment or fallback).astimezone(UTC).replace(microsecond=0)


def _all_day_event(
    *, uid: str, summary: str, lines: list[str], day: date, url: str, changed, category: str
) -> icalendar.Event:
    """One all-day event, free time, stamped with the row's last recorded change."""
    return icalendar.Event.new(
        uid=uid,
        summary=summary,
        description="\n".join(lines),
        start=day,
        end=day + DAY,
        url=url,
        stamp=changed,
        last_modified=changed,
        categories=[category],
        transparency="TRANSPARENT",
    )


def milestone_event(milestone: Milestone, *, host: str, now: datetime) -> icalendar.Event:
    objective = milestone.objective
    url = absolute_url(reverse("tracking:objective_detail", args=[objective.pk]))
    due = f"Due {long_date(milestone.due_date)}"
    if milestone.baseline_date != milestone.due_date:
        due += f" (agreed date {long_date(milestone.baseline_date)})"
    return _all_day_event(
        uid=f"milestone-{milestone.pk}@{host}",
        summary=f"{objective.ref}: {milestone.title}",
        lines=[
            f"Milestone of objective {objective.ref} {objective.title} ({objective.plan.name}).",
            f"{due}.",
            "",
            url,
        ],
        day=milestone.due_date,
        url=url,
        changed=_utc(getattr(milestone, "last_modified", None), now),
        category="Milestone",
    )


def board_meeting_event(meeting: BoardMeeting, *, host: str, now: datetime) -> icalendar.Event:
    plan = meeting.plan
    url = absolute_url(f"{reverse('board:report')}?{urlencode({'plan': plan.pk})}")
    return _all_day_event(
        uid=f"board-meeting-{meeting.pk}@{host}",
        summary=f"{meeting.name}: {plan.name}",
        lines=[
            f"{meeting.name} for {plan.name}, on {long_date(meeting.held_on)}.",
            "The board pack:",
            url,
        ],
        day=meeting.held_on,
        url=url,
        changed=_utc(getattr(meeting, "last_modified", None), now),
        category="Board meeting",
    )


def _time_zone(days: list[date], today: date) -> icalendar.Timezone:
    """The service's time zone over the years the feed spans. Nothing refers to it (every
    event is a DATE); it keeps a calendar with no events valid, as RFC 5545 asks for at least
    one component."""
    first = min([today, *days])
    last = max([today, *days])
    return icalendar.Timezone.from_tzid(
        settings.TIME_ZONE, first_date=date(first.year, 1, 1), last_date=date(last.year + 2, 1, 1)
    )


def calendar_for(
    person, *, milestones: Iterable[Milestone], meetings: Iterable[BoardMeeting]
) -> bytes:
    host = site_host()
    now = timezone.now()
    events = [milestone_event(m, host=host, now=now) for m in milestones]
    events += [board_meeting_event(m, host=host, now=now) for m in meetings]
    events.sort(key=lambda event: (event.start, str(event.uid)))
    calendar = icalendar.Calendar.new(
        prodid=PRODID,
        uid=f"calendar-{person.pk}@{host}",
        name=CALENDAR_NAME,
        description="Your open milestones and the board meetings of your plans.",
        refresh_interval=REFRESH,
        calscale="GREGORIAN",
    )
    # Outlook reads its own name for the refresh interval.
    calendar.add("X-PUBLISHED-TTL", icalendar.vDuration(REFRESH))
    calendar.add_component(_time_zone([event.start for event in events], timezone.localdate(now)))
    for event in events:
        calendar.add_component(event)
    return calendar.to_ical()
