"""The one replay of dated events: time order, then the given order, then the order added."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from devtools.events import Timeline

LONDON = ZoneInfo("Europe/London")


def test_events_run_by_time_then_order_then_as_added():
    ran = []
    timeline = Timeline()
    for when, order, name in [
        (date(2026, 3, 2), 1, "second day, later order"),
        (date(2026, 3, 1), 5, "first day, late order, added first"),
        (date(2026, 3, 2), 0, "second day, first order"),
        (date(2026, 3, 1), 5, "first day, late order, added second"),
        (date(2026, 3, 1), 0, "first day, first order"),
    ]:
        timeline.add(when, lambda _at, name=name: ran.append(name), order=order)

    assert timeline.run(lambda event: datetime.combine(event.when, datetime.min.time())) == 5
    assert ran == [
        "first day, first order",
        "first day, late order, added first",
        "first day, late order, added second",
        "second day, first order",
        "second day, later order",
    ]


def test_each_action_is_given_its_time_or_what_recorded_at_says():
    seen = []
    moment = datetime(2026, 3, 1, 9, 30, tzinfo=LONDON)
    timeline = Timeline()
    timeline.add(moment, seen.append)
    timeline.run()
    timeline.run(lambda event: event.when.replace(hour=8))
    assert seen == [moment, moment.replace(hour=8)]


@pytest.mark.django_db
def test_batches_run_every_event_once():
    ran = []
    timeline = Timeline()
    for n in range(7):
        timeline.add(datetime(2026, 3, 1, 9, n, tzinfo=LONDON), lambda at: ran.append(at.minute))
    assert len(timeline) == 7
    assert timeline.run(batch=3) == 7
    assert ran == list(range(7))
