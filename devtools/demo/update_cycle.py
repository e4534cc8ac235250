"""The demo's board calendar and update cycle: the last board about four weeks ago, the next in a
fortnight, and owners' updates for it with some still missing.

``meeting_days`` gives the days of the demo's board meetings (every six weeks back from the last
one, over the last 18 months); ``add_updates_for_next_board`` has about two in three owners of
open objectives report on the first day of the next board's update window, so the dashboard and
``/manage/`` show "Updates for the board on ...: n of m in" with the rest missing. Both run once,
when the demo's meetings are first made (``devtools.demo.board``).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from board import update_cycle
from objectives import services
from objectives.models import Objective

NEXT_IN_DAYS = 14
LAST_DAYS_AGO = 28
EVERY_DAYS = 42
MONTHS_18 = 548
SUMMARY = (
    "Update for the board: the work is moving; the milestones show where it stands and what "
    "the next four weeks should bring."
)


def meeting_days(plan, today: date) -> list[date]:
    """The next board in a fortnight, the last about four weeks ago, and one every six weeks
    before it back to the plan's start or 18 months ago; oldest first."""
    earliest = max(plan.starts_on, today - timedelta(days=MONTHS_18))
    days = [today + timedelta(days=NEXT_IN_DAYS)]
    day = today - timedelta(days=LAST_DAYS_AGO)
    while day >= earliest:
        days.append(day)
        day -= timedelta(days=EVERY_DAYS)
    return sorted(days)


def add_updates_for_next_board(plan, *, today: date) -> int:
    """About two in three active owners of open objectives send their update for the next board
    today (the first day of its window); the others have not yet. Returns how many reported."""
    cycle = update_cycle.update_cycle(plan, today)
    if cycle is None:
        return 0
    zone = timezone.get_default_timezone()
    # Recorded on the day itself, never in the future: 9am, or earlier today if it is not yet 9.
    moment = max(
        datetime.combine(today, time(0), tzinfo=zone),
        min(datetime.combine(today, time(9), tzinfo=zone), timezone.now() - timedelta(minutes=5)),
    )
    reported = 0
    for n, row in enumerate(cycle.missing):
        if n % 3 == 2 or not row.state.owner_id or not row.state.owner_active:
            continue
        objective = Objective.objects.select_related("owner").get(pk=row.id)
        if today < objective.starts_on or today not in cycle.window:
            continue
        services.progress_update_create(
            user=objective.owner,
            objective=objective,
            reported_on=today,
            rag=row.rag if row.rag in ("red", "amber", "green") else "amber",
            summary=SUMMARY,
            recorded_at=moment,
        )
        reported += 1
    return reported
