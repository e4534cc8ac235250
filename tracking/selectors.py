"""Reads that span tables, and the one entry to drift: ``plan_drift`` and ``plan_drifts``.

Today (and any later day) comes from the live rows (``tracking.live``, a fixed number of
queries); a past day from history (``tracking.replay``), worked out once and kept in Django's
cache framework under a generation read from the database (``tracking.pastdays``). Both give
the same answer for today: a test holds them to it. The rules are ``objectives.drift``; their
wording ``objectives.explain``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import date

from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.utils import timezone

from milestones.models import Milestone
from objectives import drift
from objectives.models import Objective, Plan

from . import history, live, pastdays, today
from .replay import PlanDrift, PlanHistory, end_of_day

__all__ = ["PlanDrift", "PlanHistory", "end_of_day"]

KEPT_DRIFT = "objective-drift:v1"
EARLIEST_AS_OF = date(1900, 1, 1)
LATEST_AS_OF = date(9998, 12, 31)


def parse_as_of(value: str | None) -> date:
    """Today when blank; otherwise a YYYY-MM-DD date, or a ValidationError saying what is wrong."""
    if not value:
        return timezone.localdate()
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise ValidationError(
            "The date is not a real date: use the form YYYY-MM-DD, for example 2026-03-31."
        ) from None
    if not EARLIEST_AS_OF <= day <= LATEST_AS_OF:
        raise ValidationError(f"Choose a date between {EARLIEST_AS_OF} and {LATEST_AS_OF}.")
    return day


@dataclass(frozen=True)
class DaySummary:
    """A plan on one day in brief: how many objectives of each RAG, and each one's RAG."""

    counts: dict[str, int]
    rags: dict[int, str]

    @classmethod
    def of(cls, result: PlanDrift) -> DaySummary:
        return cls(result.summary, {row.id: row.rag for row in result.objectives})


def is_past(day: date) -> bool:
    return day < timezone.localdate()


def _live_or_replayed(
    plan: Plan, as_of: date, objective_ids=None, *, open_only: bool = False
) -> PlanDrift:
    """Today or later from the live rows, unless history was recorded after that day (only a
    clock set back does that): then from history, as for a past day. ``open_only``: the kept
    read may give each objective its open milestones only (``tracking.today``)."""
    if objective_ids is None:
        result = today.plan_drift(plan, as_of, open_only=open_only)
        if result is not None:
            return result
    cutoff = end_of_day(as_of)
    state = live.plan_state(plan, as_of, objective_ids=objective_ids, unless_recorded_after=cutoff)
    if state is None:
        history = PlanHistory(plan, cutoff, objective_ids=objective_ids)
        return history.drift_at(as_of)
    rows = drift.plan_drift(state.objectives, as_of, state.rules)
    return PlanDrift(plan, as_of, state.rules, rows, True, state.kept, state.finished)


def plan_state(plan: Plan, as_of: date) -> tuple[drift.PlanRules, list[drift.ObjectiveState]]:
    """The plan's rules and objectives as they stood at the end of ``as_of``."""
    if not is_past(as_of):
        state = live.plan_state(plan, as_of, unless_recorded_after=end_of_day(as_of))
        if state is not None:
            return state.rules, state.objectives
    return PlanHistory(plan, end_of_day(as_of)).state_at(as_of)


def plan_drifts(
    plan: Plan,
    days,
    summaries=(),
    *,
    kept: pastdays.Kept | None = None,
    open_only: bool = False,
) -> tuple[dict[date, PlanDrift], dict[date, DaySummary]]:
    """The drift of ``plan`` at the end of each of ``days``, and the brief ``DaySummary`` at each
    of ``summaries``. Past days come from the cache, or else from one read of history replayed
    to each missing day (then kept); today and later from the live rows. A page that asks twice
    passes the generation it read the first time as ``kept`` (one query fewer). A page that
    shows no finished milestone passes ``open_only``: the objectives may then hold their open
    milestones only, today's and a kept past day's (``PlanDrift.open_only`` says whether they
    do)."""
    days, summaries = set(days), set(summaries)
    full: dict[date, PlanDrift] = {}
    brief: dict[date, DaySummary] = {}
    today_ = timezone.localdate()
    for day in days | summaries:
        if day >= today_:
            result = _live_or_replayed(plan, day, open_only=open_only)
            if day in days:
                full[day] = result
            if day in summaries:
                brief[day] = DaySummary.of(result)
    past_full = {d for d in days if d < today_}
    past_brief = {d for d in summaries if d < today_}
    if not past_full and not past_brief:
        return full, brief
    # Today's read found the kept days beside its stamps: no need to ask again. Else they are
    # read with the plan's marks, for a past day's page to keep its other reads under.
    marks = None
    kept = kept or next((r.kept for r in full.values() if r.kept), None)
    if kept is None:
        kept, marks = pastdays.kept_and_marks(plan.pk)
    found = kept.get_many("open-drift" if open_only else "drift", past_full)
    if open_only and past_full - set(found):
        # Kept whole (another page read the day): its open part is kept apart for next time.
        whole = kept.get_many("drift", past_full - set(found))
        opened = {day: (rules, _open_parts(rows)) for day, (rules, rows) in whole.items()}
        kept.set_many("open-drift", opened)
        found.update(opened)
    for day, (rules, rows) in found.items():
        full[day] = PlanDrift(
            plan, day, rules, rows, kept=kept, plan_marks=marks, open_only=open_only
        )
    brief.update(kept.get_many("summary", past_brief - set(full)))
    brief.update({d: DaySummary.of(full[d]) for d in past_brief if d in full})
    missing = (past_full - set(full)) | (past_brief - set(brief))
    if missing:
        latest = max(missing)
        kept = kept.note_day(latest)
        history = PlanHistory(plan, end_of_day(latest), dated=len(missing) > 1)
        new_full, new_open, new_brief = {}, {}, {}
        for day in sorted(missing):
            result = history.drift_at(day)
            if day in past_full:
                full[day] = replace(result, kept=kept, plan_marks=marks)
                new_full[day] = (result.rules, result.objectives)
                if open_only:
                    new_open[day] = (result.rules, _open_parts(result.objectives))
            new_brief[day] = DaySummary.of(result)
            if day in past_brief:
                brief[day] = new_brief[day]
        kept.set_many("drift", new_full)
        kept.set_many("open-drift", new_open)
        kept.set_many("summary", new_brief)
    return full, brief


def _open_parts(rows: list[drift.ObjectiveDrift]) -> list[drift.ObjectiveDrift]:
    return [drift.open_part(row) for row in rows]


def plan_drift(plan: Plan, as_of: date | None = None) -> PlanDrift:
    """Every objective of ``plan`` with its drift at the end of ``as_of`` (today by default)."""
    as_of = as_of or timezone.localdate()
    if not is_past(as_of):
        return _live_or_replayed(plan, as_of)
    return plan_drifts(plan, {as_of})[0][as_of]


def objective_drifts(plan: Plan, as_of: date, objective_ids: list[int]) -> PlanDrift:
    """The drift of some of the plan's objectives at the end of ``as_of``, today or later, read
    from their own rows (what their milestones wait for read wherever it is)."""
    return _live_or_replayed(plan, as_of, objective_ids=objective_ids)


def objective_plan_drift(objective: Objective, as_of: date) -> PlanDrift:
    """The drift at the end of ``as_of`` of the plan with only ``objective`` in it (no row when
    it was not in the picture): read from its own rows or its own history only."""
    if not is_past(as_of):
        return _live_or_replayed(objective.plan, as_of, objective_ids=[objective.pk])
    history = PlanHistory(objective.plan, end_of_day(as_of), objective_ids=[objective.pk])
    return history.drift_at(as_of)


def kept_objective_plan_drift(objective: Objective, as_of: date, mark: tuple) -> PlanDrift:
    """``objective_plan_drift`` for today or a later day, kept in Django's cache under ``mark``
    (the objective's records' mark, ``tracking.history_since.objective_mark``), the objective
    and the day: every row the read takes (the objective, its milestones, latest update and
    owner, what its milestones wait for and their objectives, the plan's themes and rules) is
    recorded in the history the mark covers, so the same mark reads the same drift. A kept
    copy carries neither the kept days' generation nor the plan's finished milestones (the
    likely finish reads its own)."""
    shown = (objective.pk, as_of, timezone.localdate(), mark)
    key = f"{KEPT_DRIFT}:{hashlib.blake2b(repr(shown).encode(), digest_size=16).hexdigest()}"
    found = cache.get(key)
    if found is None:
        found = objective_plan_drift(objective, as_of)
        cache.set(key, replace(found, kept=None, finished=None), timeout=pastdays.TIMEOUT)
    return found


def objective_drift(objective: Objective, as_of: date) -> tuple[drift.PlanRules, object]:
    """One objective's drift at the end of ``as_of`` (None when it was not in the picture),
    with the plan's rules then: read from its own rows or its own history only."""
    result = objective_plan_drift(objective, as_of)
    return result.rules, next(iter(result.objectives), None)


def owner_at(objective: Objective, owner_id: int, as_of: date):
    """The account of ``owner_id`` (the objective's owner at D) as it stood at the end of
    ``as_of``, for an objective out of the drift picture at D (withdrawn by then)."""
    cutoff = end_of_day(as_of)
    history = PlanHistory(objective.plan, cutoff, objective_ids=[objective.pk])
    return history.account_at(owner_id, cutoff)


def objectives_drift_for_owner(user, as_of: date | None = None) -> list[drift.ObjectiveDrift]:
    """The objectives ``user`` owns now, across the plans they may see (drafts only for
    administrators), most urgent first."""
    as_of = as_of or timezone.localdate()
    mine = Objective.objects.visible_to(user).filter(owner=user)
    owned = list(mine.values_list("plan_id", "id"))
    rows = []
    for plan in Plan.objects.filter(id__in={plan_id for plan_id, _ in owned}):
        if is_past(as_of):
            result = plan_drift(plan, as_of)
        else:  # only the objectives they own, from the live rows
            ids = [pk for plan_id, pk in owned if plan_id == plan.pk]
            result = _live_or_replayed(plan, as_of, objective_ids=ids)
        rows.extend(d for d in result.objectives if d.state.owner_id == user.pk)
    return sorted(rows, key=drift.drift_order)


@dataclass(frozen=True)
class Withdrawals:
    """What withdrew an objective and its milestones, as recorded."""

    objective: history.Record | None  # the record that withdrew the objective (date, reason)
    milestones: list[tuple[Milestone, str]]  # each withdrawn milestone and the reason given


def withdrawals(objective: Objective) -> Withdrawals:
    """The record that withdrew ``objective`` (None while it is not withdrawn) and its withdrawn
    milestones with the reason recorded when each was withdrawn (two queries at most)."""
    record = None
    if objective.is_withdrawn:
        record = history.first_record(objective, status=Objective.Status.WITHDRAWN)
    withdrawn = list(objective.milestones.withdrawn())
    return Withdrawals(record, milestone_withdrawal_reasons(withdrawn))


def milestone_withdrawal_reasons(milestones) -> list[tuple[Milestone, str]]:
    """Each milestone with the reason on the record that withdrew it ("" when it is not
    withdrawn or none was given): one query for them all."""
    withdrawn = [m.pk for m in milestones if m.withdrawn_on is not None]
    reasons: dict[int, str] = {}
    if withdrawn:
        for change in history.changes(Milestone, "withdrawn_on", filter={"id__in": withdrawn}):
            if change.old is None and change.new is not None:
                reasons.setdefault(change.id, change.reason)
    return [(m, reasons.get(m.pk, "")) for m in milestones]
