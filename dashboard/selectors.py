"""Reads for the leadership dashboard and its exports.

Drift comes from ``tracking.selectors`` (today from the live rows, past days kept in Django's
cache framework); nothing here re-implements a rule or keeps anything itself. Filters are in
``dashboard.filters``, the days compared in ``dashboard.dates``, the accountability page's
grouping in ``dashboard.accountable``, the summaries of the whole plan (and what each depends
on of an objective) in ``dashboard.summaries``.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, timedelta
from typing import NamedTuple

from django.db import connection
from django.utils import timezone
from django.utils.safestring import SafeString

from objectives import drift
from objectives.drift import RAGS, ObjectiveDrift
from objectives.models import Plan, Theme
from tracking import forecasts, plan_marks, selectors
from tracking.selectors import DaySummary, PlanDrift

from . import fold, rows, summaries
from .dates import day_label, month_ends
from .filters import NONE, Filters
from .summaries import OwnerRedAmber, ThemeSlip, colour_since, owners_red_amber, theme_slips

__all__ = ["DaySummary", "Filters", "NONE", "day_label", "month_ends"]

COMPARE_DAYS = 28
# The kind the dashboard's summaries of a past day are kept as beside it (``tracking.pastdays``):
# raise its version when what they hold changes shape.
PAST_WORKED_OUT = "dashboard-v1"
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
        self._past_worked_out = False  # something new to keep with the kept past day
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
        class). Kept with today's read of the plan (``tracking.stamps.StampedRead.derived``)
        when there is one, so that after a write that leaves every changed objective's part as
        it was it is not worked out again; with the plan's kept past days for a day that is
        over (nothing written now changes it). Panels use it too."""
        stamped = self.drift.stamped
        if stamped is not None:
            return stamped.derived(f"dashboard:{name}", part, work)
        if not self.is_past or self.kept is None:
            return work()
        kept = self._kept_past
        if name not in kept:
            kept[name] = work()
            self._past_worked_out = True
        return kept[name]

    @functools.cached_property
    def _kept_past(self) -> dict:
        """What pages worked out of this past day, as kept with the plan's kept days."""
        return dict(self.kept.get_many(PAST_WORKED_OUT, [self.as_of]).get(self.as_of) or {})

    def keep_worked_out(self) -> None:
        """Keep what the page worked out of the whole plan (called once the page is drawn):
        with today's read of the plan when that read wrote the plan's bundle, with the kept past
        days for a day that is over."""
        if self.drift.stamped is not None:
            self.drift.stamped.keep_worked_out()
        elif self._past_worked_out:
            self.kept.set_many(PAST_WORKED_OUT, {self.as_of: self._kept_past})

    @functools.cached_property
    def since(self) -> dict[int, str]:
        """How long each red or amber objective has been that colour (by id; of every
        objective, whatever the filters). The month ends of a day not over are kept past days,
        the same for as long as today's read holds: kept with it unless a colour changed."""
        ends = [(day, self.days[day].rags) for day in self.trend_days if day < self.as_of]
        if self.is_future:  # month ends from today on are worked out from the live rows
            return colour_since(self.rows, ends)
        return self.worked_out(
            "since", summaries.rag_part, lambda: colour_since(self.drift.objectives, ends)
        )

    @property
    def table(self) -> list[tuple[ObjectiveDrift, str]]:
        """The rows the filters keep, each with how long it has been red or amber."""
        return [(row, self.since.get(row.id, "")) for row in self.rows]

    @functools.cached_property
    def due_soon(self) -> list:
        """Open milestones due soon, with their objective (of the rows the filters keep): worked
        out only when their section is drawn (``due_soon_section`` is kept)."""
        return drift.due_soon(self.rows)

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
            summaries.late_item_part,
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
        return self.worked_out(f"due_soon_section:{drawn}", summaries.due_soon_part, draw)

    @functools.cached_property
    def theme_slips(self) -> list[ThemeSlip]:
        return self.worked_out(
            "theme_slips", summaries.slip_part, lambda: theme_slips(self.drift.objectives)
        )

    @functools.cached_property
    def owners_red_or_amber(self) -> list[OwnerRedAmber]:
        """Every owner (and "no named owner") with a red or amber objective, most red first."""
        return self.worked_out(
            "owners",
            summaries.owner_part,
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
