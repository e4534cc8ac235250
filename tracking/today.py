"""A plan's drift for today (or a later day) with each objective's drift kept under its stamp.

The live read (``tracking.live``) reads and judges every objective of the plan; straight after
a write, all but the objectives it touched are as they were. Each objective's drift, and its
milestones finished by the day (for the likely finish), are kept in Django's cache under its
stamp (``tracking.stamps``), the plan's generation and rules, and the day: only objectives whose
stamp changed are read and judged again. What it gives is what the live read gives (a test holds
them to it).
"""

from __future__ import annotations

from datetime import date

from objectives import drift, forecast
from objectives.drift import ObjectiveDrift
from objectives.models import Plan

from . import forecasts, live
from . import stamps as objective_stamps
from .replay import PlanDrift

# Part of every key: raise it when the shape of what is kept changes (``objectives.drift``).
PREFIX = "today:v8"
# The same with each objective's open milestones only (``objectives.drift.open_part``).
OPEN_PREFIX = "today-open:v7"
TIMEOUT = 60 * 60 * 24


# One objective as kept: its drift (None when withdrawn) and its milestones finished by the day
# and not withdrawn by it that are in the likely finish's reference class
# (``objectives.forecast.class_items``, ``packed``). A plain pair rather than a named tuple: a
# plan's 150 are read back on every request, and plain tuples cost the reader and the garbage
# collector less (0.45 ms against 0.29 ms to read a plan's entries back, in one measure).
Entry = tuple[ObjectiveDrift | None, bytes]


def reference(read: objective_stamps.StampedRead, in_class=lambda entry: entry[1]):
    """The likely finish's reference class of every objective's entry (all found by now; the
    milestones in the class of each, ``packed``, given by ``in_class``): as kept with the
    plan's entries unless an objective's finished milestones have changed."""
    return read.derived(
        "reference",
        in_class,
        lambda: forecast.from_class(
            item
            for s in read.stamps
            for item in forecast.unpacked(in_class(read.found[s.objective_id]))
        ),
    )


def late_part(entry: Entry) -> tuple:
    """What of an objective's entry the objectives likely to finish late depend on (with the
    day, in the key, and the reference class, which its finished milestones make): whether it
    is complete, its target, and its open milestones' dates."""
    row, in_class = entry
    if row is None:
        return (in_class,)
    open_dates = tuple((m.state.id, m.state.due_date) for m in row.milestones if not m.complete)
    return (in_class, row.rag == drift.COMPLETE, row.state.target_date, open_dates)


def read_entries(
    plan: Plan, as_of: date, stamps, rules, kept, *, everything: bool
) -> dict[int, Entry]:
    """The entries of objectives ``stamps`` (``everything``: all the plan's), from their live
    rows."""
    ids = None if everything else [s.objective_id for s in stamps]
    state = live.plan_state(plan, as_of, objective_ids=ids, kept=kept)
    rows = {row.id: row for row in drift.plan_drift(state.objectives, as_of, rules)}
    finished = state.finished_by_objective
    if everything and not state.objectives:  # only withdrawn ones: milestones not read
        finished = live.finished_by_objective(plan, as_of)
    records = forecasts.records_by_objective(plan, finished, kept)
    return {
        s.objective_id: (
            rows.get(s.objective_id),
            forecast.packed(forecast.class_items(records.get(s.objective_id, ()), as_of)),
        )
        for s in stamps
    }


def plan_drift(plan: Plan, as_of: date, *, open_only: bool = False) -> PlanDrift | None:
    """The plan's drift at the end of ``as_of`` (today or later), or None when the live rows do
    not stand for that day (history recorded after it: only a clock set back does that).
    ``open_only``: each objective with its open milestones only, kept apart (a page that shows
    no finished milestone reads back about a third as much)."""
    read = objective_stamps.kept_for(OPEN_PREFIX if open_only else PREFIX, plan, as_of)
    if read is None:
        return None
    stamps, kept, rules, found = read.stamps, read.kept, read.rules, read.found
    missing = [s for s in stamps if s.objective_id not in found]
    if missing:
        everything = len(missing) == len(stamps)
        entries = read_entries(plan, as_of, missing, rules, kept, everything=everything)
        if open_only:
            entries = {
                pk: (row and drift.open_part(row), in_class)
                for pk, (row, in_class) in entries.items()
            }
        found.update(entries)
    plan_reference = reference(read)
    entries = [found[s.objective_id] for s in stamps]
    rows = sorted((row for row, _ in entries if row is not None), key=drift.drift_order)
    late = read.derived(
        "late", late_part, lambda: forecasts.late_by_objective(plan_reference, rows, as_of)
    )
    if missing:
        read.keep({s.objective_id: found[s.objective_id] for s in missing}, timeout=TIMEOUT)
    marks = {s.objective_id: key for s, key in zip(stamps, read.keys, strict=True) if s.shown}
    return PlanDrift(
        plan,
        as_of,
        rules,
        rows,
        True,
        kept,
        reference=plan_reference,
        late=late,
        marks=marks,
        plan_marks=read.plan_marks,
        open_only=open_only,
        stamped=read,
    )
