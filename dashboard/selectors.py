"""Reads for the leadership dashboard and its exports.

Drift comes from ``tracking.selectors`` (today from the live rows, past days kept in Django's
cache framework); nothing here re-implements a rule or keeps anything itself. Filters are in
``dashboard.filters``, the days compared in ``dashboard.dates``, the accountability page's
grouping in ``dashboard.accountable``.
"""

from __future__ import annotations

import functools
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from django.db import connection
from django.utils import timezone
from django.utils.dateformat import format as format_date
from django.utils.safestring import SafeString

from objectives import drift
from objectives.drift import RAGS, ObjectiveDrift
from objectives.models import Plan, Theme
from tracking import forecasts, plan_marks, selectors, today
from tracking.selectors import DaySummary, PlanDrift

from . import fold, rows
from .accountable import by_owner
from .dates import day_label, month_ends
from .filters import NONE, Filters

__all__ = ["DaySummary", "Filters", "NONE", "day_label", "month_ends"]

COMPARE_DAYS = 28
RAG_LABELS = {
    drift.RED: "Red",
    drift.AMBER: "Amber",
    drift.GREEN: "Green",
    drift.COMPLETE: "Complete",
}


class ListedPlan(NamedTuple):
    """A plan in the list of plans: its id, name and whether it is a draft, and its row, made a
    ``Plan`` (``plan()``) only for the one chosen: making a council's hundred of them cost
    about a millisecond a page. ``row`` is None for a plan other than the one asked for (its
    columns were not read)."""

    pk: int
    name: str
    is_draft: bool
    columns: tuple[str, ...]
    row: tuple | None

    def plan(self) -> Plan:
        if self.row is None:
            return Plan.objects.get(pk=self.pk)
        return Plan.from_db(connection.alias, self.columns, self.row)


@functools.cache
def _plans_sql() -> tuple[str, tuple[str, ...]]:
    """Every plan's id, name and publication date by name, with every column of the plan
    whose id is the parameter (of every plan when the second parameter is true)."""
    q = connection.ops.quote_name
    fields = Plan._meta.concrete_fields
    columns = tuple(f.column for f in fields)
    table, pk = q(Plan._meta.db_table), q(Plan._meta.pk.column)
    listed = ", ".join(f"p.{q(c)}" for c in ("id", "name", "published_on"))
    whole = ", ".join(f"w.{q(c)}" for c in columns)
    return (
        f"SELECT {listed}, {whole} FROM {table} p "  # noqa: S608 (names from the model)
        f"LEFT JOIN {table} w ON w.{pk} = p.{pk} AND (w.{pk} = %s OR %s) "
        f"ORDER BY p.{q('name')}, p.{pk}"
    ), columns


def plans(asked: str | None = None) -> list[ListedPlan]:
    """Every plan by name, with the whole row of the plan ``asked`` for (the address's
    ``plan``), or of every plan when it names none (the first may be chosen): at a national
    size the 150 whole rows were about a fifth of the list's time. Its SQL is built once
    (building it through the ORM on every page took longer than the read)."""
    sql, columns = _plans_sql()
    asked = (asked or "").strip()
    wanted = int(asked) if asked.isascii() and asked.isdigit() and len(asked) < 10 else 0
    with connection.cursor() as cursor:
        cursor.execute(sql, [wanted, not wanted])
        rows = cursor.fetchall()
    return [
        ListedPlan(row[0], row[1], row[2] is None, columns, None if row[3] is None else row[3:])
        for row in rows
    ]


def plan_drift(plan: Plan, as_of: date) -> PlanDrift:
    return selectors.plan_drift(plan, as_of)


def filtered_rows(plan: Plan, as_of: date, filters: Filters) -> list[ObjectiveDrift]:
    """The rows of the plan's drift at D that the filters keep, in the contract's order."""
    return filters.apply(selectors.plan_drift(plan, as_of).objectives)


@dataclass(frozen=True)
class Headline:
    rag: str
    label: str
    count: int
    before: int

    @property
    def change(self) -> int:
        return self.count - self.before

    @property
    def change_words(self) -> str:
        word = "complete" if self.rag == drift.COMPLETE else self.rag
        if self.change > 0:
            return f"{self.change} more {word}"
        if self.change < 0:
            return f"{-self.change} fewer {word}"
        return "No change"


@dataclass(frozen=True)
class TrendPoint:
    day: date
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


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


class Dashboard:
    """Everything the dashboard shows for a plan at D: its drift that day and, in brief, four
    weeks earlier and at the last twelve month ends."""

    def __init__(self, *, plan, as_of, today, drift, days, filters, kept=None):
        self.plan = plan
        self.kept = kept  # the plan's kept past days as this page read them
        self.as_of = as_of
        self.today = today
        self.drift = drift
        self.days = days  # {day: DaySummary} for four weeks earlier and the month ends
        self.filters = filters
        self.earlier = as_of - timedelta(days=COMPARE_DAYS)
        self.trend_days = month_ends(as_of)

    @property
    def is_past(self) -> bool:
        return self.as_of < self.today

    @property
    def is_future(self) -> bool:
        return self.as_of > self.today

    @functools.cached_property
    def rows(self) -> list[ObjectiveDrift]:
        return self.filters.apply(self.drift.objectives)

    def compare_with(self, day: date) -> None:
        """Compare the counts with ``day`` instead of four weeks earlier (reading that day's
        counts through the kept past days when they are not read yet)."""
        if day == self.earlier:
            return
        if day not in self.days:
            _, days = selectors.plan_drifts(self.plan, set(), {day}, kept=self.kept)
            self.days[day] = days[day]
        self.earlier = day

    @property
    def earlier_summary(self) -> dict[str, int]:
        return self.days[self.earlier].counts

    @property
    def headlines(self) -> list[Headline]:
        summary = self.drift.summary
        return [
            Headline(rag, RAG_LABELS[rag], summary[rag], self.earlier_summary[rag]) for rag in RAGS
        ]

    @functools.cached_property
    def trend(self) -> list[TrendPoint]:
        return [TrendPoint(day, self.days[day].counts) for day in self.trend_days]

    def worked_out(self, name: str, part, work):
        """``work()``, a value of the whole plan's drift at D that depends on nothing of an
        objective but ``part`` of its entry (its drift, None when withdrawn, and its reference
        class): kept with today's read of the plan (``tracking.stamps.StampedRead.derived``)
        when there is one, so that after a write that leaves every changed objective's part as
        it was it is not worked out again. Panels use it too."""
        stamped = self.drift.stamped
        if stamped is None:
            return work()
        return stamped.derived(f"dashboard:{name}", part, work)

    def keep_worked_out(self) -> None:
        """Keep what the page worked out of the whole plan with today's read of the plan, when
        that read wrote the plan's bundle (called once the page is drawn)."""
        if self.drift.stamped is not None:
            self.drift.stamped.keep_worked_out()

    @functools.cached_property
    def since(self) -> dict[int, str]:
        """How long each red or amber objective has been that colour (by id; of every
        objective, whatever the filters). The month ends of a day not over are kept past days,
        the same for as long as today's read holds: kept with it unless a colour changed."""
        ends = [(day, self.days[day].rags) for day in self.trend_days if day < self.as_of]
        if self.is_future:  # month ends from today on are worked out from the live rows
            return colour_since(self.rows, ends)
        return self.worked_out(
            "since", _rag_part, lambda: colour_since(self.drift.objectives, ends)
        )

    @property
    def table(self) -> list[tuple[ObjectiveDrift, str]]:
        """The rows the filters keep, each with how long it has been red or amber."""
        return [(row, self.since.get(row.id, "")) for row in self.rows]

    @functools.cached_property
    def due_soon(self) -> list:
        """Open milestones due soon, with their objective (of the rows the filters keep)."""
        if self.filters.active:
            return drift.due_soon(self.rows)
        items = self.worked_out("due_soon", _due_soon_part, lambda: drift.due_soon(self.rows))
        rows = {row.id: row for row in self.rows}  # kept items hold the rows as they were kept
        return [(rows[row.id], milestone) for row, milestone in items]

    @functools.cached_property
    def likely(self) -> forecasts.LikelyLate:
        """The objectives likely to finish after their target, with the forecast's figures."""
        return forecasts.likely_late(self.plan, self.as_of, self.drift.objectives, read=self.drift)

    @functools.cached_property
    def late_section(self) -> SafeString:
        """The likely finish: the forecast's figures and ``likely``'s objectives, drawn (kept
        under its templates' digest)."""
        past = self.as_of if self.is_past else None
        drawn = rows.template_digest(rows.LIKELY_LATE, rows.LIKELY_LATE_ITEM, *rows.INCLUDED)
        return self.worked_out(
            f"late_section:{drawn}",
            _late_item_part,
            lambda: rows.likely_late_section(
                self.likely, as_of=self.as_of, past=past, fold_after=fold.LONG
            ),
        )

    @functools.cached_property
    def due_soon_section(self) -> SafeString:
        """The milestones due soon with their objectives, drawn (kept under its templates'
        digest when no filter is set)."""

        def draw():
            days = self.drift.rules.due_soon_days
            return rows.due_soon_section(self.due_soon, days=days, fold_after=fold.LONG)

        if self.filters.active:
            return draw()
        drawn = rows.template_digest(rows.DUE_SOON, rows.DUE_SOON_ITEM)
        return self.worked_out(f"due_soon_section:{drawn}", _due_soon_part, draw)

    @functools.cached_property
    def theme_slips(self) -> list[ThemeSlip]:
        return self.worked_out(
            "theme_slips", _slip_part, lambda: theme_slips(self.drift.objectives)
        )

    @functools.cached_property
    def owners_red_or_amber(self) -> list[OwnerRedAmber]:
        """Every owner (and "no named owner") with a red or amber objective, most red first."""
        return self.worked_out(
            "owners",
            _owner_part,
            lambda: [o for o in owners_red_amber(self.drift.objectives) if o.red or o.amber],
        )

    @property
    def owners_most_red(self) -> list[OwnerRedAmber]:
        return self.owners_red_or_amber[:10]

    @functools.cached_property
    def theme_options(self) -> list[tuple[str, str]]:
        """The plan's themes with objectives on D, in the plan's order, and "No theme"."""
        plan = self.plan

        def read() -> list[str]:
            themes = Theme.objects.filter(plan=plan).order_by("order", "name")
            return list(themes.values_list("name", flat=True))

        table = plan_marks.table(Theme)
        names = plan_marks.kept(self.drift.plan_marks, (table,), ("themes", plan.pk), read)
        seen = {r.state.theme for r in self.drift.objectives}
        options = [(name, name) for name in names if name in seen]
        if None in seen:
            options.append((NONE, "No theme"))
        return options

    @functools.cached_property
    def owner_options(self) -> list[tuple[str, str]]:
        owners = {
            r.state.owner_username: r.state.owner_name
            for r in self.drift.objectives
            if r.state.owner_username
        }
        return [(NONE, "No named owner")] + sorted(
            owners.items(), key=lambda item: (item[1].lower(), item[0])
        )

    @property
    def earlier_label(self) -> str:
        return day_label(self.earlier, self.as_of)

    @property
    def total(self) -> int:
        return len(self.drift.objectives)


# What each of the dashboard's summaries of the whole plan depends on of an objective's entry
# (its drift, None when withdrawn, and its reference class), for ``Dashboard.worked_out``.


def _rag_part(entry) -> str | None:
    return entry[0] and entry[0].rag


def _slip_part(entry) -> tuple | None:
    row = entry[0]
    return row and (row.state.theme, tuple(m.slip_days for m in row.open_milestones))


def _owner_part(entry) -> tuple | None:
    row = entry[0]
    if row is None:
        return None
    state = row.state
    # The place in the order too: owners alike in their counts and names stay in it.
    order = drift.drift_order(row)
    return (state.owner_username, state.owner_name, state.owner_active, row.rag, order)


def _late_item_part(entry) -> tuple:
    row = entry[0]  # whether it is likely late, and its name and target as its item shows them
    return (today.late_part(entry), row and (row.ref, row.title))


def _due_soon_part(entry) -> tuple | None:
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


def dashboard(plan: Plan, as_of: date, filters: Filters) -> Dashboard:
    """The plan at D, four weeks earlier and at the last twelve month ends."""
    earlier = as_of - timedelta(days=COMPARE_DAYS)
    # The dashboard shows no finished milestone: today's read may leave them out.
    full, days = selectors.plan_drifts(plan, {as_of}, {earlier, *month_ends(as_of)}, open_only=True)
    return Dashboard(
        kept=full[as_of].kept,  # as the read saw the kept days, for a day compared later
        plan=plan,
        as_of=as_of,
        today=timezone.localdate(),
        drift=full[as_of],
        days=days,
        filters=filters,
    )
