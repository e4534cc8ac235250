"""The body of ``/api/drift/`` for today or a later day, each objective's part kept drawn.

Straight after a write the whole plan would be read, judged and written out as JSON again
(most of the API's time at a council's size) although one objective changed. Each objective's
part (its JSON text, its colour and its place in the contract's order) is kept in Django's cache
under its stamp (``tracking.stamps``), the plan's generation and rules, the day, and the plan's
likely-finish figures: a write gives its objectives new stamps, so only their parts are drawn
again, and a part is never shown for a state it was not drawn from. The body is the same, byte
for byte, as the one written out whole (``tracking.api``; a test holds them to it).
"""

from __future__ import annotations

import json
from datetime import date
from typing import NamedTuple

from django.core.serializers.json import DjangoJSONEncoder

from kit.keys import digest
from objectives import drift
from objectives.drift import MilestoneDrift, ObjectiveDrift
from objectives.models import Plan

from . import forecasts, panels, selectors, today
from . import stamps as objective_stamps

PREFIX = "api:v4"
TIMEOUT = 60 * 60 * 24


class Part(NamedTuple):
    """One objective's part of the body, and what ordering and counting it needs."""

    id: int
    ref: str
    rag: str
    order: tuple
    text: str


class Brief(NamedTuple):
    """The plan's drift in brief, for the API's plan keys (``panels.drift_api_plan``): its rules
    and each objective's id, ref and colour, in the contract's order."""

    rules: drift.PlanRules
    objectives: list[Part]
    plan_marks: dict[str, str] | None = None  # as in ``PlanDrift``


def _iso(value):
    return value.isoformat() if value else None


def milestone_json(m: MilestoneDrift) -> dict:
    # Written out field by field: this runs for every milestone of the plan (750 at a
    # council's size) on every request.
    state = m.state
    baseline, due, completed = state.baseline_date, state.due_date, state.completed_on
    return {
        "id": state.id,
        "title": state.title,
        "baseline_date": baseline.isoformat() if baseline else None,
        "due_date": due.isoformat() if due else None,
        "completed_on": completed.isoformat() if completed and m.complete else None,
        "slip_days": m.slip_days,
        "overdue_days": m.overdue_days,
        "replans": m.replans,
        "rag": m.rag,
        "depends_on": list(m.depends_on),
        "knock_on_days": m.knock_on_days,
    }


def objective_json(row: ObjectiveDrift) -> dict:
    state = row.state
    return {
        "id": state.id,
        "ref": state.ref,
        "title": state.title,
        "theme": state.theme,
        "owner": state.owner_username,
        "target_date": _iso(state.target_date),
        "rag": row.rag,
        "flags": list(row.flags),
        "milestones": [milestone_json(m) for m in row.milestones],
    }


def dumps(value) -> str:
    """JSON as ``JsonResponse`` writes it."""
    return json.dumps(value, cls=DjangoJSONEncoder)


def objects_json(pairs) -> str:
    """``{"key": value, ...}`` from (key, JSON text) pairs, as ``json.dumps`` writes a dict."""
    return "{" + ", ".join(f"{dumps(key)}: {text}" for key, text in pairs) + "}"


class Entry(NamedTuple):
    """What is kept of one objective under its stamp: its milestones in the likely finish's
    reference class (``objectives.forecast.class_items``, ``packed``), and its part as drawn
    with the forecast ``forecast`` (a digest)."""

    in_class: bytes
    forecast: str
    part: Part | None


def _draw(
    plan: Plan, as_of: date, rows: list[ObjectiveDrift], stats, rules, plan_marks
) -> dict[int, Part]:
    """The parts of ``rows`` (objectives judged afresh)."""
    likely = forecasts.apply(stats, rows, as_of)
    items = [objective_json(row) for row in rows]
    forecasts.add_to_json(items, likely)
    fields = panels.drift_api.build(
        plan,
        as_of,
        stale_after_days=rules.stale_after_days,
        objective_ids=[r.id for r in rows],
        plan_marks=plan_marks,
    )
    parts = {}
    for row, item in zip(rows, items, strict=True):
        for name, values in fields.items():
            item[name] = values.get(row.id, [])
        parts[row.id] = Part(row.id, row.ref, row.rag, drift.drift_order(row), dumps(item))
    return parts


def body(plan: Plan, as_of: date) -> str | None:
    """The API's body for ``plan`` at the end of ``as_of`` (today or later), or None when the
    live rows do not stand for that day (a clock set back): the caller writes it out whole."""
    read = objective_stamps.kept_for(PREFIX, plan, as_of)
    if read is None:
        return None
    stamps, kept, rules, found = read.stamps, read.kept, read.rules, read.found
    unread = [s for s in stamps if s.objective_id not in found]
    fresh: dict[int, ObjectiveDrift] = {}
    if unread:  # read and judged once, for the forecast's records and for their parts
        entries = today.read_entries(
            plan, as_of, unread, rules, kept, everything=len(unread) == len(stamps)
        )
        for pk, (row, in_class) in entries.items():
            found[pk] = Entry(in_class, "", None)
            if row is not None:
                fresh[pk] = row
    stats = today.reference(read, lambda entry: entry.in_class)
    figures = digest(stats)
    stale = [
        s.objective_id for s in stamps if s.shown and found[s.objective_id].forecast != figures
    ]
    changed = {s.objective_id for s in unread}
    if stale:  # new objectives, or every one when the forecast's figures changed
        others = [pk for pk in stale if pk not in fresh]
        rows = [fresh[pk] for pk in stale if pk in fresh]
        if others:
            rows += selectors.objective_drifts(plan, as_of, others).objectives
        drawn = _draw(plan, as_of, rows, stats, rules, read.plan_marks)
        for pk in stale:
            found[pk] = Entry(found[pk].in_class, figures, drawn.get(pk))
        changed.update(stale)
    if changed:
        read.keep({pk: found[pk] for pk in changed}, timeout=TIMEOUT)
    parts = sorted(
        (found[s.objective_id].part for s in stamps if s.shown and found[s.objective_id].part),
        key=lambda part: part.order,
    )
    summary = drift.summarise(parts)
    likely = forecasts.PlanForecast(as_of, stats)
    head = [
        ("plan", dumps({"id": plan.pk, "name": plan.name})),
        ("as_of", dumps(as_of.isoformat())),
        ("summary", dumps(summary)),
        ("forecast", dumps(likely.json())),
        ("objectives", "[" + ", ".join(part.text for part in parts) + "]"),
    ]
    extra = panels.drift_api_plan.build(plan, as_of, drift=Brief(rules, parts, read.plan_marks))
    return objects_json(head + [(key, dumps(value)) for key, value in extra.items()])
