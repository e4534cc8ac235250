"""Dated events, replayed oldest first: the one replay the development data builders share.

``manage.py seed_demo`` (the demo story) and ``devtools.synthetic`` (the benchmark's plans)
first schedule every change as an event, then run them in time order, so each change goes
through the services after the ones before it and each row's last change is its latest
history record. The order is stable: by time, then by the order given for changes at the same
time, then by when the event was added.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction

Action = Callable[[datetime], object]  # makes the change, recorded at the datetime it is given


@dataclass(frozen=True)
class Event:
    """One change to make at ``when``: a day or a moment (never both in one timeline)."""

    when: date | datetime
    order: int
    action: Action


class Timeline:
    """Events added in any order, run in time order."""

    def __init__(self) -> None:
        self._events: list[Event] = []

    def add(self, when: date | datetime, action: Action, *, order: int = 0) -> None:
        """Schedule ``action`` at ``when``; at the same time, a lower ``order`` runs first."""
        self._events.append(Event(when, order, action))

    def __len__(self) -> int:
        return len(self._events)

    def __iter__(self) -> Iterator[Event]:
        """The events in the order they run (the sort is stable: ties keep the order added)."""
        return iter(sorted(self._events, key=lambda event: (event.when, event.order)))

    def run(
        self,
        recorded_at: Callable[[Event], datetime] | None = None,
        *,
        batch: int | None = None,
    ) -> int:
        """Run every event in order and return how many ran.

        Each action is given the time to record its change at: the event's own ``when``, or
        what ``recorded_at(event)`` returns, called once per event, in order, just before its
        action. With ``batch``, each run of ``batch`` events is one transaction; without, the
        events run in the caller's transaction.
        """
        events = list(self)

        def run_one(event: Event) -> None:
            event.action(event.when if recorded_at is None else recorded_at(event))

        if batch is None:
            for event in events:
                run_one(event)
        else:
            for start in range(0, len(events), batch):
                with transaction.atomic():
                    for event in events[start : start + batch]:
                        run_one(event)
        return len(events)
