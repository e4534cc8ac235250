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
from dataclasses import dataclass, field
from datetime import date
from typing import NamedTuple

from django.db import connection

from kit import bundles
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
    """The stamps of the plan's objectives (as ``_sql``'s text: ``kept_for`` reads it), its
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


@dataclass
class StampedRead:
    """What a read found kept under the stamps of a plan's objectives for a day: the stamps
    (by objective id), the plan's kept days and rules, each objective's key (in the stamps'
    order) and what was found under it (by objective id).

    The plan's objectives are read together (``kit.bundles``), each known by its item of the
    stamps' text (its id and stamp): an item the plan's bundle holds comes with its stamp and
    key as well as its value, so a read after a write parses and keys only the items that
    changed. The bundle also keeps values worked out from all the objectives (``derived``)."""

    stamps: list[Stamp]
    kept: pastdays.Kept
    rules: object
    keys: list[str]
    found: dict[int, object]
    plan_marks: dict[str, str]
    bundle: bundles.Read
    items: dict[int, str]  # each objective's item, by id
    worked_out: dict = field(default_factory=dict)  # name -> value, kept with the bundle

    def derived(self, name: str, part: Callable, work: Callable[[], object]) -> object:
        """The value ``name`` worked out from every objective's value (all found or made by
        now) by ``work``, which depends on nothing of an objective but its ``part``: as the
        bundle keeps it when the bundle holds the same objectives and no objective's part has
        changed since (after a progress update, an objective's finished milestones and open
        milestones' dates have not), worked out afresh otherwise; kept with the bundle when it
        is written."""
        value = self._bundled(name, part)
        if value is None:
            value = work()
        self.worked_out[name] = value
        return value

    def _bundled(self, name: str, part: Callable) -> object:
        """The bundle's value ``name`` if it holds the same objectives, each with the same
        ``part`` (None otherwise)."""
        extra = self.bundle.extra
        kept = extra.get(name) if isinstance(extra, dict) else None
        previous = self._previous
        if kept is None or previous is None:
            return None
        found = self.found
        same = all(part(found[pk]) == part(value) for pk, value in previous.items())
        return kept if same else None

    @functools.cached_property
    def _previous(self) -> dict[int, object] | None:
        """The bundle's values of the objectives that changed since it was written, by id;
        None when the bundle does not hold the same objectives (one new to the plan, or one
        gone)."""
        bundle = self.bundle
        if len(bundle.bundled) != len(self.stamps):
            return None
        changed = {_stamp(item).objective_id for item in bundle.outside}
        if not changed:
            return {}
        previous = {
            stamp.objective_id: value
            for stamp, _, value in bundle.bundled.values()
            if stamp.objective_id in changed
        }
        return previous if len(previous) == len(changed) else None

    def keep(self, values: dict[int, object], timeout: int) -> None:
        """Keep ``values`` (by objective id) under their objectives' stamps; the plan's bundle
        is written again once a tenth of its objectives have changed since it was (reading a
        few objectives by their own keys costs less than writing them all again)."""
        keyed = {s.objective_id: (s, key) for s, key in zip(self.stamps, self.keys, strict=True)}
        new = {self.items[pk]: (*keyed[pk], value) for pk, value in values.items()}
        self.found.update(values)
        self.bundle.keep(
            new,
            refresh_after=len(self.stamps) // 10,
            timeout=timeout,
            extra=dict(self.worked_out),
        )

    def keep_worked_out(self) -> None:
        """Keep with the bundle the values worked out since this read wrote it (nothing when
        it did not write it): a page works some out from its own reads after today's."""
        written = self.bundle.written
        if written is not None and set(self.worked_out) - set(written.extra or ()):
            self.bundle.keep_extra(dict(self.worked_out))


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

    def key(stamp: Stamp) -> str:
        return f"{prefix}:{plan.pk}:{stamp.objective_id}:{stamp.value}:{common}"

    items = text.split(",") if text else []
    bundle = bundles.read(f"{prefix}:{plan.pk}:all:{common}", items, lambda i: key(_stamp(i)))
    taken = []  # (stamp, key, value or None, item): what the bundle or own keys held
    for item in items:
        kept_one = bundle.found.get(item)
        if kept_one is None:
            stamp = _stamp(item)
            taken.append((stamp, key(stamp), None, item))
        else:
            taken.append((*kept_one, item))
    taken.sort(key=lambda one: one[0].objective_id)  # ordered already where the database can
    found = {stamp.objective_id: value for stamp, _, value, _ in taken if value is not None}
    return StampedRead(
        stamps=[stamp for stamp, _, _, _ in taken],
        kept=kept,
        rules=rules,
        keys=[key_ for _, key_, _, _ in taken],
        found=found,
        plan_marks=marks,
        bundle=bundle,
        items={stamp.objective_id: item for stamp, _, _, item in taken},
    )
