"""What the dashboard works out of the whole plan's drift at D: how long each red or amber
objective has been that colour, slip by theme, owners with red or amber objectives; and what
each of those depends on of one objective (its part), so that ``Dashboard.worked_out`` keeps
them with today's read until an objective's part changes."""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from django.utils.dateformat import format as format_date

from objectives import drift
from tracking import today

from .accountable import by_owner


@dataclass(frozen=True)
class ThemeSlip:
    theme: str
    open_milestones: int
    slipped: int
    slip_days: int  # total over its open milestones that are later than agreed
    largest: int


@dataclass(frozen=True)
class OwnerRedAmber:
    username: str | None
    name: str
    active: bool
    red: int
    amber: int
    total: int


# What each of the dashboard's summaries of the whole plan depends on of an objective's entry
# (its drift, None when withdrawn, and its reference class), for ``Dashboard.worked_out``.


def rag_part(entry) -> str | None:
    return entry[0] and entry[0].rag


def slip_part(entry) -> tuple | None:
    row = entry[0]
    return row and (row.state.theme, tuple(m.slip_days for m in row.open_milestones))


def owner_part(entry) -> tuple | None:
    row = entry[0]
    if row is None:
        return None
    state = row.state
    # The place in the order too: owners alike in their counts and names stay in it.
    order = drift.drift_order(row)
    return (state.owner_username, state.owner_name, state.owner_active, row.rag, order)


def late_item_part(entry) -> tuple:
    row = entry[0]  # whether it is likely late, and its name and target as its item shows them
    return (today.late_part(entry), row and (row.ref, row.title))


def due_soon_part(entry) -> tuple | None:
    row = entry[0]
    if row is None:
        return None
    soon = tuple((m.id, m.title, m.due_date, m.days_to_go) for m in row.due_soon)
    return (row.ref, row.title, row.state.target_date, soon) if soon else None


def colour_since(rows, month_ends: list[tuple[date, dict[int, str]]]) -> dict[int, str]:
    """How long each red or amber objective has been that colour, in words, judged at the month
    ends (oldest first, each with every objective's RAG that day): "since end of Jul 2026" when
    it was that colour at every month end from July on, "turned red after 31 Oct 2026" when it
    was another colour at the last one, "New since 31 Oct 2026" when it was not in the plan then."""
    since = {}
    last_end = format_date(month_ends[-1][0], "j M Y") if month_ends else ""
    label = functools.cache(lambda day: format_date(day, "M Y"))
    latest_first = list(reversed(month_ends))
    for row in rows:
        rag = row.rag
        if rag not in (drift.RED, drift.AMBER) or not month_ends:
            continue
        pk, start = row.id, None
        for day, rags in latest_first:
            if rags.get(pk) != rag:
                break
            start = day
        if start is None and pk not in month_ends[-1][1]:
            since[pk] = f"New since {last_end}"
        elif start is None:
            since[pk] = f"turned {rag} after {last_end}"
        elif start == month_ends[0][0]:
            since[pk] = f"since {label(start)} or earlier"
        else:
            since[pk] = f"since end of {label(start)}"
    return since


def theme_slips(rows) -> list[ThemeSlip]:
    """Slip in days of open milestones, by theme (largest total first)."""
    open_counts: dict[str, int] = defaultdict(int)
    slipped: dict[str, list[int]] = defaultdict(list)
    for row in rows:
        theme = row.state.theme or "No theme"
        for milestone in row.open_milestones:
            open_counts[theme] += 1
            if milestone.slip_days > 0:
                slipped[theme].append(milestone.slip_days)
    result = [
        ThemeSlip(
            theme=theme,
            open_milestones=count,
            slipped=len(slipped[theme]),
            slip_days=sum(slipped[theme]),
            largest=max(slipped[theme], default=0),
        )
        for theme, count in open_counts.items()
    ]
    return sorted(result, key=lambda t: (-t.slip_days, -t.largest, t.theme))


def owners_red_amber(rows) -> list[OwnerRedAmber]:
    """Owners by the number of red objectives they own, then amber (unowned counted as one)."""
    loads = [
        OwnerRedAmber(
            username=person.username,
            name=person.name,
            active=person.active,
            red=person.red,
            amber=person.amber,
            total=len(person.objectives),
        )
        for person in by_owner(rows)
    ]
    return sorted(loads, key=lambda o: (-o.red, -o.amber, o.name.lower()))
