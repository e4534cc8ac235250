"""The one reader of the past: every "as it stood at the end of D" and "what changed" answer.

One set of rules for every page, file, email and process:

- A row's records are ordered by ``(history_date, history_id)`` (``ORDER``).
- A row as it stood at the end of day D is its last record dated before ``end_of_day(D)``
  (midnight after D in the project's time zone, so 23:30 on D counts for D and 00:30 the next
  day does not). A row with no record by then, or whose last record is a deletion, did not
  exist at D.
- A change to a field is a record in which the field differs from the row's previous record;
  a save that changes nothing is no change. Deletion records are not changes. A row's first
  record is its creation (a change from ``None`` only when asked for).
- An account at D is its latest record by the end of D, else its earliest record (an account
  with no history at all is taken as it is now).
- A plan's thresholds at D are its latest record by the end of D, else the plan's own row.

The readers (``records``, ``rows_at``, ``changes``, ``plan_rules_at``, ``plan_records``,
``first_record``, ``last_record``, ``first_recorded_days``; for accounts ``accounts_at``,
``account_records`` and ``account_roles`` in ``history_accounts``; ``recorded_after`` in
``history_since``) run one query each (``accounts_at`` one more for accounts with no history);
``created_by`` is a condition and ``last_recorded`` a value for a query of live rows. The rest
(``by_row``, ``Row``, ``as_it_stood``, ``pairs``, ``account_from``, ``rules_from``) work on
records already read, so ``tracking.replay.PlanHistory`` replays any number of days from one
read with the same rules.

Services and ``check_history`` may still read ``Model.history`` to check the rules of the record
(the order of a row's records, the version an edit form was read at, rows against their
history); nothing else does (``tests/tracking/test_history_layer.py`` keeps it so).
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import models
from django.db.models import Exists, Min, OuterRef, Q, Subquery

from objectives import drift

from .plan_marks import kept as kept_under_marks
from .plan_marks import table as marked_table

User = get_user_model()

CREATED, CHANGED, DELETED = "+", "~", "-"
ORDER = ("history_date", "history_id")
RECORD = ("id", "history_type", "history_date", "history_id")
RULE_FIELDS = ("slip_tolerance_days", "stale_after_days", "due_soon_days", "update_window_days")
_WHO = (
    "history_user_id",
    "history_user__first_name",
    "history_user__last_name",
    f"history_user__{User.USERNAME_FIELD}",
)


def end_of_day(day: date) -> datetime:
    """The first instant after ``day`` in the project's time zone: history before it counts."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


def local_day(moment: datetime) -> date:
    """The day of ``moment`` in the project's time zone (the day a record counts for)."""
    return moment.astimezone(ZoneInfo(settings.TIME_ZONE)).date()


# --- reading records ----------------------------------------------------------------------------


def _history(model: type[models.Model], filter: dict | Q | None):
    rows = model.history.all()
    if isinstance(filter, Q):
        return rows.filter(filter)
    return rows.filter(**filter) if filter else rows


def _named(row: dict) -> dict:
    """Replace the joined user columns by ``who``: the recording person's name, or None."""
    first = row.pop("history_user__first_name")
    last = row.pop("history_user__last_name")
    username = row.pop(f"history_user__{User.USERNAME_FIELD}")
    row["who"] = (f"{first or ''} {last or ''}".strip() or username) if username else None
    return row


def records(
    model: type[models.Model],
    *fields: str,
    filter: dict | Q | None = None,
    until: datetime | None = None,
    who: bool = False,
    why: bool = False,
    dated: bool = True,
) -> list[dict]:
    """Every record of ``model``'s rows matching ``filter`` (lookups on its history table, as a
    dict or a ``Q``), dated before ``until`` when given, in ``ORDER``: one query.

    Each record has ``id``, ``history_type``, ``history_date``, ``history_id`` and ``fields``;
    with ``who`` also ``history_user_id`` and ``who`` (the recording person's name, None for
    the system); with ``why`` also ``history_change_reason``. With ``dated=False`` the record's
    date and id are left out (still read in ``ORDER``): for a caller that only wants each row's
    state at ``until``, which need not convert every date.
    """
    rows = _history(model, filter)
    if until is not None:
        rows = rows.filter(history_date__lt=until)
    extra = (*(_WHO if who else ()), *(("history_change_reason",) if why else ()))
    rows = rows.order_by(*ORDER).values(*(RECORD if dated else RECORD[:2]), *fields, *extra)
    return [_named(row) for row in rows] if who else list(rows)


@dataclass
class Row:
    """One row's records, oldest first, with their dates for finding a moment quickly."""

    records: list[dict] = field(default_factory=list)
    dates: list[datetime] = field(default_factory=list)

    def _before(self, cutoff: datetime | None) -> int:
        if cutoff is None:
            return len(self.records)
        if len(self.dates) != len(self.records):
            raise ValueError("These records were read without their dates.")
        return bisect_left(self.dates, cutoff)

    def upto(self, cutoff: datetime | None) -> list[dict]:
        """The records dated before ``cutoff`` (all of them when it is None)."""
        return self.records[: self._before(cutoff)]

    def at(self, cutoff: datetime | None = None) -> dict | None:
        """The row's last record before ``cutoff`` (deletions included), or None."""
        n = self._before(cutoff)
        return self.records[n - 1] if n else None


def by_row(rows: Iterable[dict]) -> dict[int, Row]:
    """Records (in ``ORDER``) grouped by row id, each row's oldest first."""
    grouped: dict[int, Row] = {}
    for row in rows:
        mine = grouped.get(row["id"])
        if mine is None:
            mine = grouped[row["id"]] = Row()
        mine.records.append(row)
        if "history_date" in row:
            mine.dates.append(row["history_date"])
    return grouped


def as_it_stood(grouped: dict[int, Row], cutoff: datetime | None = None) -> dict[int, dict]:
    """Each row's last record before ``cutoff`` (its latest when None), leaving out rows with
    no record by then and rows whose last record is a deletion."""
    result = {}
    for pk, row in grouped.items():
        last = row.at(cutoff)
        if last is not None and last["history_type"] != DELETED:
            result[pk] = last
    return result


def rows_at(
    model: type[models.Model],
    day: date,
    *fields: str,
    filter: dict | Q | None = None,
    plan_marks: dict | None = None,
) -> dict[int, dict]:
    """row id -> the row as it stood at the end of ``day`` (its record), rows deleted by then
    or not yet made left out: one query. With ``plan_marks`` (``PlanDrift.plan_marks``) and a
    ``filter`` within one plan's records of a table marked for it, kept under its mark
    (``tracking.plan_marks``)."""
    cutoff = end_of_day(day)
    return kept_under_marks(
        plan_marks,
        (marked_table(model),),
        ("rows_at", day, fields, repr(filter)),
        lambda: as_it_stood(by_row(records(model, *fields, filter=filter, until=cutoff))),
    )


def created_by(model: type[models.Model], day: date, ref: str = "pk") -> Exists:
    """A condition on ``model``'s rows (``ref`` names the row id in the outer query): the row's
    creation was recorded by the end of ``day``. For rows only ever added, never changed or
    deleted (progress updates), the live rows meeting it are exactly the rows at ``day``."""
    return Exists(
        model.history.filter(
            id=OuterRef(ref), history_type=CREATED, history_date__lt=end_of_day(day)
        )
    )


def last_recorded(model: type[models.Model], ref: str = "pk") -> Subquery:
    """A value for a query of ``model``'s rows (``ref`` names the row id in the outer query):
    when the row's latest record was made (one subquery)."""
    return Subquery(
        model.history.filter(id=OuterRef(ref))
        .order_by("-history_date", "-history_id")
        .values("history_date")[:1],
        output_field=models.DateTimeField(),
    )


def first_recorded_days(model: type[models.Model], ids: Iterable[int]) -> dict[int, date]:
    """Row id -> the day (London time) of its first record, when it was added: one query. A
    row's first record never changes, so callers may keep the answer."""
    rows = (
        model.history.filter(id__in=list(ids))
        .values("id")
        .annotate(first=Min("history_date"))
        .values_list("id", "first")
    )
    return {pk: local_day(first) for pk, first in rows}


# --- changes ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """A recorded change of one field of one row."""

    id: int  # the row's id
    field: str
    when: datetime  # the record's history_date
    who_id: int | None
    who: str | None  # the recording person's name; None for the system
    old: object  # None for a row's creation
    new: object
    reason: str  # as recorded ("" when none)
    record: dict  # the row as it stood after the change


def pairs(rows: Sequence[dict]) -> Iterator[tuple[dict | None, dict]]:
    """(previous record, record) for each record of one row (oldest first), ``None`` before its
    first; deletion records are left out and do not count as the previous record."""
    previous = None
    for row in rows:
        if row["history_type"] == DELETED:
            continue
        yield previous, row
        previous = row


def changes(
    model: type[models.Model],
    fields: str | Sequence[str],
    *,
    filter: dict | Q | None = None,
    since: date | None = None,
    until: date | None = None,
    created: bool = False,
    also: Sequence[str] = (),
) -> list[Change]:
    """The changes to ``fields`` of ``model``'s rows matching ``filter`` recorded after the end
    of ``since`` and by the end of ``until`` (either open when None), in ``ORDER``, with who,
    when, from, to and why: one query.

    With ``created`` a row's first record counts as a change from ``None`` for each field.
    ``also`` names more fields to read into each change's ``record``.
    """
    fields = (fields,) if isinstance(fields, str) else tuple(fields)
    start = end_of_day(since) if since is not None else None
    end = end_of_day(until) if until is not None else None
    rows = _history(model, filter)
    if start is not None:  # only rows changed in the window, with their earlier records
        changed = rows.filter(history_date__gte=start)
        if end is not None:
            changed = changed.filter(history_date__lt=end)
        rows = model.history.filter(id__in=changed.values("id"))
    if end is not None:
        rows = rows.filter(history_date__lt=end)
    found = [
        _named(row)
        for row in rows.order_by(*ORDER).values(
            *RECORD, *dict.fromkeys((*fields, *also)), *_WHO, "history_change_reason"
        )
    ]
    result = []
    for row in by_row(found).values():
        for before, after in pairs(row.records):
            if start is not None and after["history_date"] < start:
                continue
            if before is None and not created:
                continue
            for name in fields:
                old = before[name] if before is not None else None
                if before is not None and old == after[name]:
                    continue
                result.append(
                    Change(
                        id=after["id"],
                        field=name,
                        when=after["history_date"],
                        who_id=after["history_user_id"],
                        who=after["who"],
                        old=old,
                        new=after[name],
                        reason=after["history_change_reason"] or "",
                        record=after,
                    )
                )
    result.sort(key=lambda c: (c.when, c.record["history_id"]))
    return result


# --- one record of one row ----------------------------------------------------------------------


@dataclass(frozen=True)
class Record:
    """One history record of a row: when, who (None for the system), why, and its fields."""

    id: int
    history_type: str
    history_date: datetime
    history_id: int
    history_user_id: int | None
    who: str | None
    history_change_reason: str | None
    fields: dict = field(default_factory=dict)

    @classmethod
    def of(cls, row: dict | None) -> Record | None:
        if row is None:
            return None
        row = _named(row)
        known = {name: row.pop(name) for name in (*RECORD, *_WHO[:1], "who")}
        reason = row.pop("history_change_reason")
        return cls(**known, history_change_reason=reason, fields=row)


def first_record(instance: models.Model, *fields: str, **match) -> Record | None:
    """The row's first record matching ``match`` (lookups on its history), or None."""
    rows = _history(type(instance), {"id": instance.pk, **match})
    return Record.of(
        rows.order_by(*ORDER).values(*RECORD, *fields, *_WHO, "history_change_reason").first()
    )


def last_record(instance: models.Model) -> Record | None:
    """The row's latest record (who made it, when, why), or None when it has none."""
    rows = _history(type(instance), {"id": instance.pk})
    order = [f"-{name}" for name in ORDER]
    return Record.of(rows.order_by(*order).values(*RECORD, *_WHO, "history_change_reason").first())


# --- a plan's thresholds ------------------------------------------------------------------------


def rules_from(plan, plan_records: Sequence[dict], cutoff: datetime) -> drift.PlanRules:
    """The plan's thresholds just before ``cutoff`` from its records (in ``ORDER``): the latest
    by then, else the plan's own row."""
    row = Row()
    for record in plan_records:
        row.records.append(record)
        row.dates.append(record["history_date"])
    source = row.at(cutoff) or {name: getattr(plan, name) for name in RULE_FIELDS}
    return drift.PlanRules(**{name: source[name] for name in RULE_FIELDS})


def plan_records(plan, until: datetime | None = None) -> list[dict]:
    """Every record of the plan's thresholds dated before ``until``: one query."""
    from objectives.models import Plan

    return records(Plan, *RULE_FIELDS, filter={"id": plan.pk}, until=until)


def plan_rules_at(plan, day: date) -> drift.PlanRules:
    """The plan's thresholds as they stood at the end of ``day``: one query."""
    cutoff = end_of_day(day)
    return rules_from(plan, plan_records(plan, cutoff), cutoff)
