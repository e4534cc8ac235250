"""Reads for the leadership dashboard, its exports and the accountability view.

Everything here is built on ``objectives.selectors`` (drift read from history) and the pure rules
of ``objectives.drift``; nothing re-implements a rule. Filters are applied in Python to the
drift rows of one plan at one date.

Speed. A dashboard needs the plan's drift at D, at D - 28 days and at the last twelve month
ends. ``objectives.selectors.PlanHistory`` reads the plan's history once (a fixed number of
queries) and replays it to each of those days. The results are kept in a small in-process cache
keyed by the plan, the day and a fingerprint of the history tables (their latest record ids, one
cheap query): history is written once and never changed, so a new record anywhere changes the
fingerprint and nothing stale is ever served. Accounts have no
history, so each cached result also remembers the owners it used (username, name, whether they
have left) and is only reused when the owners still match (one more query). Entries also expire
after ``CACHE_SECONDS`` as a backstop. Nothing read inside a transaction is cached or served from
the cache, as that transaction's writes may yet be rolled back (requests here run outside one;
tests run inside one unless they ask otherwise). The number of queries never grows with the plan.
"""

from __future__ import annotations

import calendar
import functools
import threading
import time
from collections import OrderedDict, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from django.contrib.auth import get_user_model
from django.db import connection
from django.utils import timezone
from django.utils.dateformat import format as format_date

from milestones.models import Milestone
from objectives import drift, selectors
from objectives.drift import RAGS, ObjectiveDrift
from objectives.models import Objective, Plan, ProgressUpdate, Theme
from objectives.selectors import PlanDrift

User = get_user_model()

NONE = "none"  # the filter value for "no owner" / "no theme"
COMPARE_DAYS = 28
TREND_MONTHS = 12
CACHE_SECONDS = 600
RECENT_WINDOW = 256
RAG_LABELS = {
    drift.RED: "Red",
    drift.AMBER: "Amber",
    drift.GREEN: "Green",
    drift.COMPLETE: "Complete",
}


# --- cache ---------------------------------------------------------------------------------------


def _caching() -> bool:
    return not connection.in_atomic_block


class _LRU:
    def __init__(self, size: int):
        self.size = size
        self.items: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get(self, key):
        if not _caching():
            return None
        with self.lock:
            item = self.items.get(key)
            if item is None:
                return None
            stored_at, value = item
            if time.monotonic() - stored_at > CACHE_SECONDS:
                del self.items[key]
                return None
            self.items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        if not _caching():
            return
        with self.lock:
            self.items[key] = (time.monotonic(), value)
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


_drifts = _LRU(24)  # whole PlanDrift objects (a few hundred KB each at a council's size)
_summaries = _LRU(4096)  # counts by RAG and each objective's RAG (DaySummary)
_rendered = _LRU(96)  # page content and export files, keyed by the data they were made from
_histories = _LRU(4)  # whole PlanHistory reads (a few MB each at a council's size)


def clear_cache() -> None:
    _drifts.clear()
    _summaries.clear()
    _rendered.clear()
    _histories.clear()


def rendered(key, build):
    """What ``build()`` returns for ``key``, made once while ``key`` stays current.

    Callers put a ``token`` from ``plan_drifts`` in the key, so content made from data that has
    since changed is never found again.
    """
    value = _rendered.get(key)
    if value is None:
        value = build()
        _rendered.put(key, value)
    return value


@functools.cache
def _fingerprint_sql() -> str:
    parts = []
    for n, model in enumerate((Plan, Theme, Objective, Milestone, ProgressUpdate)):
        # Table names come from the models, never from a request.
        table = connection.ops.quote_name(model.history.model._meta.db_table)
        parts.append(f"(SELECT MAX(history_id) FROM {table})")  # noqa: S608
        parts.append(
            f"(SELECT SUM(history_id) FROM (SELECT history_id FROM {table} "  # noqa: S608
            f"ORDER BY history_id DESC LIMIT {RECENT_WINDOW}) AS recent_{n})"
        )
    return "SELECT " + ", ".join(parts)


def history_fingerprint() -> tuple:
    """The latest record id of each history table and the sum of its ``RECENT_WINDOW`` latest.

    History rows are only ever added, so any new record changes this. The sum also notices a
    transaction that took its id earlier but committed later. Both read the primary key index
    backwards, so this costs the same however large the tables grow.
    """
    with connection.cursor() as cursor:
        cursor.execute(_fingerprint_sql())
        return tuple(cursor.fetchone())


@dataclass(frozen=True)
class Snapshot:
    """The history tables' fingerprint and, for one plan, the accounts of everyone who has ever
    owned one of its objectives, as they are now: read together in one query."""

    fingerprint: tuple
    plan_id: int | None = None
    owners: frozenset | None = None

    def owners_of(self, plan: Plan) -> frozenset | None:
        return self.owners if plan.pk == self.plan_id else None


_last_plans: list = []  # the plans as last read, to guess the plan a request means


def _owner_rows_sql() -> str:
    user = User._meta
    username = user.get_field(User.USERNAME_FIELD).column
    q = connection.ops.quote_name
    objective_history = q(Objective.history.model._meta.db_table)
    # Table and column names come from the models, never from a request.
    return (
        f"SELECT u.{q(user.pk.column)}, u.{q(username)}, u.{q('first_name')}, "  # noqa: S608
        f"u.{q('last_name')}, u.{q('is_active')} "
        f"FROM (SELECT 1 AS one) AS here LEFT JOIN {q(user.db_table)} AS u "
        f"ON u.{q(user.pk.column)} IN "
        f"(SELECT {q('owner_id')} FROM {objective_history} WHERE {q('plan_id')} = %s)"
    )


@functools.cache
def _snapshot_sql() -> str:
    fingerprint = _fingerprint_sql().removeprefix("SELECT ")
    owners = _owner_rows_sql().removeprefix("SELECT ")
    return f"SELECT {fingerprint}, {owners}"


def snapshot(plan_id: str | None = None) -> Snapshot:
    """The fingerprint, and the owners of the plan ``plan_id`` names (or of the plan shown
    when none is named, as far as the last list of plans tells), in one query."""
    pk = None
    if plan_id and str(plan_id).strip().isdigit():
        pk = int(str(plan_id).strip())
    elif not plan_id and _last_plans:
        pk = _last_plans[0].pk
    if pk is None or pk > 2**62:
        return Snapshot(history_fingerprint())
    with connection.cursor() as cursor:
        cursor.execute(_snapshot_sql(), [pk])
        rows = cursor.fetchall()
    width = len(rows[0]) - 5
    owners = frozenset(
        (
            row[width],
            row[width + 1],
            f"{row[width + 2]} {row[width + 3]}".strip() or row[width + 1],
            bool(row[width + 4]),
        )
        for row in rows
        if row[width] is not None
    )
    return Snapshot(tuple(rows[0][:width]), pk, owners)


def _owner_signature(states) -> frozenset:
    return frozenset(
        (s.owner_id, s.owner_username, s.owner_name, s.owner_active)
        for s in states
        if s.owner_id is not None
    )


def _current_owners(owner_ids) -> frozenset:
    if not owner_ids:
        return frozenset()
    rows = User.objects.filter(id__in=owner_ids).values_list(
        "id", User.USERNAME_FIELD, "first_name", "last_name", "is_active"
    )
    return frozenset(
        # The name as User.get_full_name() gives it, or the username when there is none.
        (pk, username, f"{first} {last}".strip() or username, active)
        for pk, username, first, last, active in rows
    )


@dataclass(frozen=True)
class DaySummary:
    """A plan on one day in brief: how many objectives of each RAG, and each one's RAG."""

    counts: dict[str, int]
    rags: dict[int, str]


@dataclass(frozen=True)
class _Entry:
    owners: frozenset
    value: object


def plan_drifts(
    plan: Plan, full: set[date], counts: set[date], *, snapshot: Snapshot | None = None
) -> tuple[dict, dict, tuple]:
    """The drift of ``plan`` at each day in ``full`` and its RAG counts at each day in ``counts``.

    Returns ``({day: PlanDrift}, {day: DaySummary}, token)``, where ``token`` identifies the data
    they were made from (history and owners), for caching what is made from them. A fixed
    number of queries whatever the size of the plan. Pass the ``snapshot`` when the caller has
    just read it.
    """
    snapshot = snapshot or Snapshot(history_fingerprint())
    fingerprint = snapshot.fingerprint
    found_full: dict[date, _Entry] = {}
    found_counts: dict[date, _Entry] = {}
    for day in full:
        entry = _drifts.get((plan.pk, day, fingerprint))
        if entry is not None:
            found_full[day] = entry
    for day in counts:
        entry = _summaries.get((plan.pk, day, fingerprint))
        if entry is not None:
            found_counts[day] = entry
    hits = list(found_full.values()) + list(found_counts.values())
    if hits:
        # Accounts have no history: reuse a result only if its owners are as they were.
        now = snapshot.owners_of(plan)
        if now is None:
            used = frozenset().union(*(e.owners for e in hits))
            now = _current_owners({owner[0] for owner in used})
        for found in (found_full, found_counts):
            for day, entry in list(found.items()):
                if not entry.owners <= now:
                    del found[day]
    missing = (full - set(found_full)) | (counts - set(found_counts))
    if missing:
        history = _plan_history(plan, snapshot, missing)
        for day in missing:
            result = history.drift_at(day)
            owners = _owner_signature(result_row.state for result_row in result.objectives)
            if day in full:
                found_full[day] = _Entry(owners, result)
                _drifts.put((plan.pk, day, fingerprint), found_full[day])
            if day in counts:
                brief = DaySummary(result.summary, {r.id: r.rag for r in result.objectives})
                found_counts[day] = _Entry(owners, brief)
                _summaries.put((plan.pk, day, fingerprint), found_counts[day])
    entries = list(found_full.values()) + list(found_counts.values())
    token = (fingerprint, frozenset().union(*(e.owners for e in entries)))
    return (
        {day: found_full[day].value for day in full},
        {day: found_counts[day].value for day in counts},
        token,
    )


def _plan_history(plan: Plan, snapshot: Snapshot, days: set[date]) -> selectors.PlanHistory:
    """The plan's history, read once per fingerprint and replayed to any day after: a date not
    seen before then costs a replay, not a read. (Inside a transaction: read for ``days``.)"""
    if not _caching():
        latest = max(days)
        return selectors.PlanHistory(plan, selectors.end_of_day(latest), dated=len(days) > 1)
    key = ("history", plan.pk, snapshot.fingerprint)
    found = _histories.get(key)
    if found is not None:
        history, owners = found
        now = snapshot.owners_of(plan)
        if now is None:
            now = _current_owners({owner[0] for owner in owners})
        if owners == now:
            return history
    history = selectors.PlanHistory(plan, selectors.end_of_day(selectors.LATEST_AS_OF), dated=True)
    owners = frozenset(
        (u.pk, u.get_username(), u.get_full_name() or u.get_username(), u.is_active)
        for u in history.owners.values()
    )
    _histories.put(key, (history, owners))
    return history


def plan_drift(plan: Plan, as_of: date, *, snapshot=None) -> tuple[PlanDrift, tuple]:
    """The same as ``objectives.selectors.plan_drift``, through the cache, with its token."""
    full, _, token = plan_drifts(plan, {as_of}, set(), snapshot=snapshot)
    return full[as_of], token


# --- plans, filters ----------------------------------------------------------------------------


def plans(fingerprint: tuple | None = None) -> list[Plan]:
    """Every plan by name. Plans change only with a history record, so with the history
    ``fingerprint`` the list is read once until something is recorded."""
    global _last_plans
    if fingerprint is None:
        return list(Plan.objects.order_by("name", "id"))
    found = rendered(("plans", fingerprint), lambda: list(Plan.objects.order_by("name", "id")))
    _last_plans = found
    return found


@dataclass(frozen=True)
class Filters:
    theme: str = ""
    owner: str = ""
    rag: str = ""
    flag: str = ""

    @property
    def active(self) -> bool:
        return any((self.theme, self.owner, self.rag, self.flag))

    def matches(self, row: ObjectiveDrift) -> bool:
        state = row.state
        if self.theme and (state.theme or NONE) != self.theme:
            return False
        if self.owner and (state.owner_username or NONE) != self.owner:
            return False
        if self.rag and row.rag != self.rag:
            return False
        return not self.flag or self.flag in row.flags

    def apply(self, rows) -> list[ObjectiveDrift]:
        return [row for row in rows if self.matches(row)]

    def params(self) -> dict[str, str]:
        return {k: v for k, v in vars(self).items() if v}


def filtered_rows(plan: Plan, as_of: date, filters: Filters, *, snapshot=None):
    """The rows of the plan's drift at D that the filters keep, in the contract's order, and
    the token of the data."""
    result, token = plan_drift(plan, as_of, snapshot=snapshot)
    return filters.apply(result.objectives), token


# --- dates -------------------------------------------------------------------------------------


def month_ends(as_of: date, count: int = TREND_MONTHS) -> list[date]:
    """The last ``count`` month ends on or before ``as_of``, oldest first."""
    last_day = calendar.monthrange(as_of.year, as_of.month)[1]
    end = as_of if as_of.day == last_day else as_of.replace(day=1) - timedelta(days=1)
    ends = []
    while len(ends) < count:
        ends.append(end)
        end = end.replace(day=1) - timedelta(days=1)
    return ends[::-1]


def day_label(day: date, reference: date | None = None) -> str:
    """ "29 October" when in the same year as ``reference``, else "29 October 2025"."""
    if reference is not None and day.year == reference.year:
        return format_date(day, "j F")
    return format_date(day, "j F Y")


# --- the dashboard -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Headline:
    rag: str
    label: str
    count: int
    before: int

    @property
    def change(self) -> int:
        return self.count - self.before


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
class OwnerLoad:
    username: str | None
    name: str
    active: bool
    red: int
    amber: int
    total: int


class Dashboard:
    """Everything the dashboard shows for a plan at D. Only the plan's drift and the token are
    read up front; the rest is worked out when the page content is made (and cached)."""

    def __init__(self, *, plan, as_of, today, drift, days, filters, token, fingerprint):
        self.plan = plan
        self.as_of = as_of
        self.today = today
        self.drift = drift
        self.days = days  # {day: DaySummary} for four weeks earlier and the month ends
        self.filters = filters
        self.token = token
        self.fingerprint = fingerprint
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

    @functools.cached_property
    def since(self) -> dict[int, str]:
        ends = [(day, self.days[day].rags) for day in self.trend_days if day < self.as_of]
        return colour_since(self.rows, ends)

    @property
    def table(self) -> list[tuple[ObjectiveDrift, str]]:
        """The rows the filters keep, each with how long it has been red or amber."""
        return [(row, self.since.get(row.id, "")) for row in self.rows]

    @functools.cached_property
    def theme_slips(self) -> list[ThemeSlip]:
        return theme_slips(self.drift.objectives)

    @functools.cached_property
    def owner_loads(self) -> list[OwnerLoad]:
        return [o for o in owner_loads(self.drift.objectives) if o.red or o.amber][:10]

    @functools.cached_property
    def theme_options(self) -> list[tuple[str, str]]:
        """The plan's themes with objectives on D, in the plan's order, and "No theme"."""
        plan = self.plan
        names = rendered(  # themes change only with a history record
            ("themes", plan.pk, self.fingerprint),
            lambda: list(
                Theme.objects.filter(plan=plan)
                .order_by("order", "name")
                .values_list("name", flat=True)
            ),
        )
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


def colour_since(rows, month_ends: list[tuple[date, dict[int, str]]]) -> dict[int, str]:
    """How long each red or amber objective has been that colour, in words, judged at the month
    ends (oldest first, each with every objective's RAG that day): "since end of Jul 2026" when
    it was that colour at every month end from July on, "new since 31 Oct 2026" when it was not
    at the last one."""
    since = {}
    for row in rows:
        if row.rag not in (drift.RED, drift.AMBER) or not month_ends:
            continue
        start = None
        for day, rags in reversed(month_ends):
            if rags.get(row.id) != row.rag:
                break
            start = day
        if start is None:
            since[row.id] = f"new since {format_date(month_ends[-1][0], 'j M Y')}"
        elif start == month_ends[0][0]:
            since[row.id] = f"since {format_date(start, 'M Y')} or earlier"
        else:
            since[row.id] = f"since end of {format_date(start, 'M Y')}"
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


def owner_loads(rows) -> list[OwnerLoad]:
    """Owners by the number of red objectives they own, then amber (unowned counted as one)."""
    groups: dict[str | None, list[ObjectiveDrift]] = defaultdict(list)
    for row in rows:
        groups[row.state.owner_username].append(row)
    loads = []
    for username, owned in groups.items():
        state = owned[0].state
        loads.append(
            OwnerLoad(
                username=username,
                name=state.owner_name if username else "No named owner",
                active=state.owner_active,
                red=sum(1 for r in owned if r.rag == drift.RED),
                amber=sum(1 for r in owned if r.rag == drift.AMBER),
                total=len(owned),
            )
        )
    return sorted(loads, key=lambda o: (-o.red, -o.amber, o.name.lower()))


def dashboard(plan: Plan, as_of: date, filters: Filters, *, snapshot=None) -> Dashboard:
    """The plan at D, four weeks earlier and at the last twelve month ends (one read)."""
    snapshot = snapshot or Snapshot(history_fingerprint())
    earlier = as_of - timedelta(days=COMPARE_DAYS)
    full, days, token = plan_drifts(plan, {as_of}, {earlier, *month_ends(as_of)}, snapshot=snapshot)
    return Dashboard(
        plan=plan,
        as_of=as_of,
        today=timezone.localdate(),
        drift=full[as_of],
        days=days,
        filters=filters,
        token=token,
        fingerprint=snapshot.fingerprint,
    )


# --- accountability ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Accountable:
    username: str | None
    name: str
    active: bool
    objectives: list[ObjectiveDrift]

    @property
    def anchor(self) -> str:
        return f"owner-{self.username}" if self.username else "owner-none"

    @property
    def red(self) -> int:
        return sum(1 for r in self.objectives if r.rag == drift.RED)

    @property
    def amber(self) -> int:
        return sum(1 for r in self.objectives if r.rag == drift.AMBER)

    @property
    def open(self) -> int:
        return sum(1 for r in self.objectives if r.rag != drift.COMPLETE)

    @property
    def last_update(self) -> date | None:
        dates = [r.state.last_reported_on for r in self.objectives if r.state.last_reported_on]
        return max(dates, default=None)


def accountability(result: PlanDrift) -> list[Accountable]:
    """Objectives by owner at D: unowned first, then the most red, the most amber, by name."""
    groups: dict[str | None, list[ObjectiveDrift]] = defaultdict(list)
    for row in result.objectives:
        groups[row.state.owner_username].append(row)
    people = []
    for username, owned in groups.items():
        state = owned[0].state
        people.append(
            Accountable(
                username=username,
                name=state.owner_name if username else "No named owner",
                active=state.owner_active,
                objectives=owned,
            )
        )
    people.sort(key=lambda p: (p.username is not None, -p.red, -p.amber, p.name.lower()))
    return people
