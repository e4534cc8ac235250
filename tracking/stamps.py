"""Each objective's stamp: a number that changes with every recorded change that can alter
what the objective shows on a day that is not over (its own row, its milestones, their links and
what they wait for, its updates, its theme's name, its owner's account, its measures).

Pages keep parts drawn from the live rows under the stamps of the objectives they show
(``tracking.api_body``): a write makes only its own objectives' parts cold, and every process
and host sees the new stamp the moment the write commits, since the stamps are rows in the
database bumped in the same transaction as the history record (like ``tracking.pastdays``'
generations, which do the same for days that are over).

Which objectives a history record touches is said here for the plan's own models; apps above
tracking say it for theirs with ``register`` (impact: measures and their values). A record of
any other model with an ``objective_id`` touches that objective.
"""

from __future__ import annotations

import functools
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from django.core.cache import cache
from django.db import connection

from kit.keys import digest
from objectives.models import Objective

from . import history_since, pastdays, plan_marks
from .history import end_of_day
from .models import ObjectiveStamp

_RESOLVERS: dict[type, Callable[[object], Iterable[int]]] = {}


def register(model: type, objectives_of: Callable[[object], Iterable[int]]) -> None:
    """Say which objectives a history record of ``model`` touches (called from ``ready``)."""
    _RESOLVERS[model] = objectives_of


def bump(objective_ids: Iterable[int]) -> None:
    """Give each objective a new stamp (larger than any it had), in the caller's transaction."""
    ids = sorted(set(objective_ids))  # in one order, so two writers never wait on each other
    if not ids:
        return
    table = connection.ops.quote_name(ObjectiveStamp._meta.db_table)
    pk, value = connection.ops.quote_name("objective_id"), connection.ops.quote_name("value")
    now = time.time_ns()
    rows = ", ".join(["(%s, %s)"] * len(ids))
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {table} ({pk}, {value}) VALUES {rows} "  # noqa: S608 (names)
            f"ON CONFLICT ({pk}) DO UPDATE SET {value} = CASE "
            f"WHEN {table}.{value} + 1 > excluded.{value} THEN {table}.{value} + 1 "
            f"ELSE excluded.{value} END",
            [v for pk_ in ids for v in (pk_, now)],
        )


def _waiting_on(objective_ids: Iterable[int] = (), milestone_ids: Iterable[int] = ()) -> set[int]:
    """The objectives with a milestone that waits for a milestone of ``objective_ids`` or for
    one of ``milestone_ids`` (what it waits for is shown with its ref, title and dates)."""
    from django.db.models import Q

    from milestones.models import MilestoneDependency

    objective_ids, milestone_ids = list(objective_ids), list(milestone_ids)
    if not objective_ids and not milestone_ids:
        return set()
    links = MilestoneDependency.objects.filter(
        Q(depends_on__objective_id__in=objective_ids) | Q(depends_on_id__in=milestone_ids)
    )
    return set(links.values_list("milestone__objective_id", flat=True))


def touched_by(record) -> set[int]:
    """The objectives whose showing on a day not over ``record`` (a history record) can alter."""
    from django.contrib.auth import get_user_model

    from milestones.models import Milestone, MilestoneDependency
    from objectives.models import Objective, ProgressUpdate, Theme

    model = record.instance_type
    if model in _RESOLVERS:
        return set(_RESOLVERS[model](record))
    if model is Objective:
        return {record.id} | _waiting_on(objective_ids=[record.id])
    if model is Milestone:
        return {record.objective_id} | _waiting_on(milestone_ids=[record.id])
    if model is MilestoneDependency:
        return set(
            Milestone.objects.filter(pk=record.milestone_id).values_list("objective_id", flat=True)
        )
    if model is ProgressUpdate:
        return {record.objective_id}
    if model is Theme:
        return set(Objective.objects.filter(theme_id=record.id).values_list("id", flat=True))
    if model is get_user_model():
        return set(Objective.objects.filter(owner_id=record.id).values_list("id", flat=True))
    objective_id = getattr(record, "objective_id", None)
    return {objective_id} if objective_id is not None else set()


def connect() -> None:
    """Listen for new history records (called once, when the app is ready)."""
    from simple_history.signals import post_create_historical_record

    def receiver(sender, history_instance, **kwargs):
        if getattr(sender, "instance_type", None) is not None:
            bump(touched_by(history_instance))

    post_create_historical_record.connect(receiver, weak=False, dispatch_uid="objective-stamps")


# --- reading them ----------------------------------------------------------------------------


class Stamp(NamedTuple):
    objective_id: int
    shown: bool  # in the picture (not withdrawn): withdrawn ones count only for the forecast
    value: int


@functools.cache
def _sql() -> str:
    """The plan's objectives and their stamps as one text column, each objective as its id and
    stamp (and `` w`` when withdrawn), comma-separated, by id where the database can say so:
    the read is one row, the plan's own values beside it."""
    q = connection.ops.quote_name
    ob, st = Objective._meta, ObjectiveStamp._meta
    o_id, o_plan, o_status = (q(ob.get_field(f).column) for f in ("id", "plan", "status"))
    item = (
        f"o.{o_id} || ' ' || COALESCE(s.{q('value')}, 0) "
        f"|| CASE WHEN o.{o_status} = %s THEN ' w' ELSE '' END"
    )
    joined = (
        f"FROM {q(ob.db_table)} o LEFT JOIN {q(st.db_table)} s "
        f"ON s.{q('objective_id')} = o.{o_id} WHERE o.{o_plan} = %s"
    )
    if connection.vendor == "postgresql":
        return f"(SELECT string_agg({item}, ',' ORDER BY o.{o_id}) {joined})"  # noqa: S608
    return f"(SELECT group_concat({item}, ',') {joined})"  # noqa: S608 (names)


def _stamp(item: str) -> Stamp:
    """One item of ``_sql``'s column."""
    pk, value, *withdrawn = item.split(" ")
    return Stamp(int(pk), not withdrawn, int(value))


def read(plan, as_of: date) -> tuple[str, pastdays.Kept, dict[str, str], bool]:
    """The stamps of the plan's objectives (as ``_sql``'s text: ``_take`` reads it), its
    kept days, the marks of what it records elsewhere (``tracking.plan_marks``) and whether
    history was recorded after ``as_of`` (then the live rows do not stand for the day): one
    query, one row."""
    kept_columns, kept_params = pastdays.kept_columns(plan.pk)
    marked, mark_columns, mark_params = plan_marks.columns(plan.pk)
    condition, params = history_since.recorded_after_condition(end_of_day(as_of), plan=plan)
    asked = ", ".join(part for part in (kept_columns, mark_columns, f"({condition})") if part)
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {_sql()}, {asked}",
            [Objective.Status.WITHDRAWN, plan.pk, *kept_params, *mark_params, *params],
        )
        row = cursor.fetchone()
    kept_values, mark_values, later = row[1:4], row[4:-1], row[-1]
    marks = dict(zip(marked, mark_values, strict=True))
    return row[0] or "", pastdays.kept_from(plan.pk, *kept_values), marks, bool(later)


class _Bundle(NamedTuple):
    """A plan's objectives as one read found them, kept together under one key: the stamps'
    text as read, and in objective order each one's item of that text, stamp, own key and
    what was kept under it; and a value of the whole plan worked out from them
    (``StampedRead.derived``). The next read whose text is the same takes it as it is; one
    whose text differs (after a write) takes the items it shares with this one and works out
    only the others (``_take``)."""

    text: str
    items: tuple[str, ...]
    stamps: tuple[Stamp, ...]
    keys: tuple[str, ...]
    values: tuple
    derived: object


@dataclass
class StampedRead:
    """What a read found kept under the stamps of a plan's objectives for a day: the stamps
    (by objective id), the plan's kept days and rules, each objective's key (in the stamps'
    order) and what was found under it (by objective id)."""

    stamps: list[Stamp]
    kept: pastdays.Kept
    rules: object
    keys: list[str]
    found: dict[int, object]
    plan_marks: dict[str, str]
    name: str
    text: str
    items: list[str]
    outside: set[int]  # objectives whose values the bundle does not hold as they are now
    previous: dict[int, object]  # what the bundle holds of them (those it has)
    bundled: object  # the bundle's derived value, when it has the same objectives
    worked_out: object = None

    def derived(self, part: Callable, work: Callable) -> object:
        """``work`` of ``part`` of each objective's value, in the stamps' order (every value
        found or made by now): as the bundle keeps it when no objective's part has changed
        since (after a progress update, an objective's likely finish figures have not), worked
        out afresh otherwise; kept with the bundle when it is written."""
        found, previous = self.found, self.previous
        if self.bundled is not None and all(
            part(found[pk]) == part(previous[pk]) for pk in self.outside
        ):
            self.worked_out = self.bundled
        else:
            self.worked_out = work(part(found[s.objective_id]) for s in self.stamps)
        return self.worked_out

    def keep(self, values: dict[int, object], timeout: int) -> None:
        """Keep ``values`` (by objective id) under their objectives' stamps; the plan's bundle
        is written again once a tenth of its objectives have changed since it was (reading a
        few objectives by their own keys costs less than writing them all again)."""
        if values:
            keyed = dict(zip((s.objective_id for s in self.stamps), self.keys, strict=True))
            cache.set_many({keyed[pk]: value for pk, value in values.items()}, timeout=timeout)
            self.found.update(values)
            self.outside.update(values)
        if len(self.outside) > len(self.stamps) // 10 and len(self.found) == len(self.stamps):
            values = tuple(self.found[s.objective_id] for s in self.stamps)
            lists = map(tuple, (self.items, self.stamps, self.keys))
            bundle = _Bundle(self.text, *lists, values, self.worked_out)
            cache.set(self.name, bundle, timeout=timeout)


def _take(text: str, bundle: _Bundle | None, key_of) -> tuple:
    """The items, stamps, keys and kept values of ``text``: the bundle's where its item is the
    same (the objective's stamp is too), worked out otherwise (and the value looked for under
    the objective's own key); with the objectives whose values are not in the bundle, what the
    bundle holds of them, and its derived value when it holds the same objectives."""
    if bundle is not None and bundle.text == text:
        ids = (s.objective_id for s in bundle.stamps)
        found = dict(zip(ids, bundle.values, strict=True))
        taken = list(bundle.items), list(bundle.stamps), list(bundle.keys), found
        return *taken, set(), {}, bundle.derived
    at = {item: i for i, item in enumerate(bundle.items)} if bundle is not None else {}
    taken = []
    for item in text.split(",") if text else ():
        i = at.get(item)
        if i is None:
            stamp = _stamp(item)
            taken.append((stamp, item, key_of(stamp), None))
        else:
            taken.append((bundle.stamps[i], item, bundle.keys[i], i))
    taken.sort(key=lambda one: one[0].objective_id)  # ordered already where the database can
    found, outside = {}, {}
    for stamp, _, key, i in taken:
        if i is None:
            outside[key] = stamp.objective_id
        else:
            found[stamp.objective_id] = bundle.values[i]
    previous, bundled = {}, None
    if outside:
        for key, value in cache.get_many(list(outside)).items():
            found[outside[key]] = value
        if bundle is not None:
            by_id = {s.objective_id: i for i, s in enumerate(bundle.stamps)}
            previous = {pk: bundle.values[by_id[pk]] for pk in outside.values() if pk in by_id}
            if len(previous) == len(outside) and len(taken) == len(bundle.stamps):
                bundled = bundle.derived
    items = [item for _, item, _, _ in taken]
    stamps = [stamp for stamp, _, _, _ in taken]
    keys = [key for _, _, key, _ in taken]
    return items, stamps, keys, found, set(outside.values()), previous, bundled


def kept_for(prefix: str, plan, as_of: date) -> StampedRead | None:
    """What is kept under ``prefix`` for each of the plan's objectives at the end of ``as_of``
    (today or later), under its stamp, the plan's generation and rules and the day; None when
    the live rows do not stand for that day (history recorded after it: only a clock set back
    does that)."""
    from . import live

    text, kept, marks, later = read(plan, as_of)
    if later:
        return None
    rules = live.rules(plan)
    common = f"{kept.generation}:{as_of.isoformat()}:{digest(rules)}"
    name = f"{prefix}:{plan.pk}:all:{common}"
    bundle = cache.get(name)
    if not isinstance(bundle, _Bundle):
        bundle = None
    items, stamps, keys, found, outside, previous, bundled = _take(
        text, bundle, lambda s: f"{prefix}:{plan.pk}:{s.objective_id}:{s.value}:{common}"
    )
    return StampedRead(
        stamps, kept, rules, keys, found, marks, name, text, items, outside, previous, bundled
    )
