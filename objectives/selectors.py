"""Reads that span tables. Drift is always read from history, for today as for any past date.

``plan_drift`` runs a fixed number of queries whatever the size of the plan: one per history
table (plan, objectives, milestones, progress updates) and one each for theme names and owners.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from milestones.models import Milestone

from . import drift
from .models import Objective, Plan, ProgressUpdate, Theme

User = get_user_model()
DELETED = "-"
EARLIEST_AS_OF = date(1900, 1, 1)
LATEST_AS_OF = date(9998, 12, 31)


@dataclass(frozen=True)
class PlanDrift:
    plan: Plan
    as_of: date
    rules: drift.PlanRules
    objectives: list[drift.ObjectiveDrift]

    @property
    def summary(self) -> dict[str, int]:
        return drift.summarise(self.objectives)


def end_of_day(day: date) -> datetime:
    """The first instant after ``day`` in the project's time zone: history before it counts."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=ZoneInfo(settings.TIME_ZONE))


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


def resolve_plan(plan_id: str | None) -> Plan:
    """The plan asked for, or the only plan when none is named."""
    if plan_id in (None, ""):
        plans = list(Plan.objects.order_by("id")[:2])
        if len(plans) == 1:
            return plans[0]
        if not plans:
            raise ValidationError("There is no plan yet.")
        raise ValidationError("There is more than one plan: choose one with ?plan=<id>.")
    text = str(plan_id).strip()
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        raise ValidationError("The plan must be given by its number, for example ?plan=1.")
    plan = Plan.objects.filter(pk=int(text)).first()
    if plan is None:
        raise ValidationError(f"There is no plan {int(text)}.")
    return plan


def _latest_rows(rows) -> dict[int, dict]:
    """Keep the latest history row per object id (rows ordered oldest first), dropping deletions."""
    latest: dict[int, dict] = {}
    for row in rows:
        latest[row["id"]] = row
    return {pk: row for pk, row in latest.items() if row["history_type"] != DELETED}


def _plan_rules(plan: Plan, cutoff: datetime) -> drift.PlanRules:
    fields = ("slip_tolerance_days", "stale_after_days", "due_soon_days")
    row = (
        Plan.history.filter(id=plan.pk, history_date__lt=cutoff)
        .order_by("-history_date", "-history_id")
        .values(*fields)
        .first()
    )
    source = row or {f: getattr(plan, f) for f in fields}
    return drift.PlanRules(**source)


def _objective_rows(plan: Plan, cutoff: datetime) -> dict[int, dict]:
    rows = (
        Objective.history.filter(plan_id=plan.pk, history_date__lt=cutoff)
        .order_by("id", "history_date", "history_id")
        .values(
            "id",
            "history_type",
            "ref",
            "title",
            "theme_id",
            "owner_id",
            "starts_on",
            "target_date",
            "status",
        )
    )
    return _latest_rows(rows)


def _milestone_states(plan: Plan, cutoff: datetime) -> dict[int, list[drift.MilestoneState]]:
    """Open and complete milestones per objective at D, each with its recorded due dates."""
    objective_ids = Objective.history.filter(plan_id=plan.pk).values("id")
    rows = (
        Milestone.history.filter(objective_id__in=objective_ids, history_date__lt=cutoff)
        .order_by("id", "history_date", "history_id")
        .values(
            "id",
            "history_type",
            "objective_id",
            "title",
            "baseline_date",
            "due_date",
            "completed_on",
        )
    )
    due_dates: dict[int, list[date]] = defaultdict(list)
    latest: dict[int, dict] = {}
    for row in rows:
        due_dates[row["id"]].append(row["due_date"])
        latest[row["id"]] = row
    by_objective: dict[int, list[drift.MilestoneState]] = defaultdict(list)
    for pk, row in latest.items():
        if row["history_type"] == DELETED:
            continue
        by_objective[row["objective_id"]].append(
            drift.MilestoneState(
                id=pk,
                title=row["title"],
                baseline_date=row["baseline_date"],
                due_date=row["due_date"],
                completed_on=row["completed_on"],
                due_dates=tuple(due_dates[pk]),
            )
        )
    for states in by_objective.values():
        states.sort(key=lambda m: (m.baseline_date, m.id))
    return by_objective


def _last_reported(plan: Plan, cutoff: datetime, as_of: date) -> dict[int, date]:
    objective_ids = Objective.history.filter(plan_id=plan.pk).values("id")
    rows = (
        ProgressUpdate.history.filter(objective_id__in=objective_ids, history_date__lt=cutoff)
        .order_by("id", "history_date", "history_id")
        .values("id", "history_type", "objective_id", "reported_on")
    )
    last: dict[int, date] = {}
    for row in _latest_rows(rows).values():
        reported_on = row["reported_on"]
        if reported_on <= as_of and reported_on > last.get(row["objective_id"], date.min):
            last[row["objective_id"]] = reported_on
    return last


def plan_state(plan: Plan, as_of: date) -> tuple[drift.PlanRules, list[drift.ObjectiveState]]:
    """The plan's rules and objectives as recorded in history at the end of ``as_of``."""
    cutoff = end_of_day(as_of)
    rules = _plan_rules(plan, cutoff)
    objective_rows = _objective_rows(plan, cutoff)
    milestones = _milestone_states(plan, cutoff)
    last_reported = _last_reported(plan, cutoff, as_of)
    theme_ids = {row["theme_id"] for row in objective_rows.values()} - {None}
    themes = dict(Theme.objects.filter(id__in=theme_ids).values_list("id", "name"))
    owner_ids = {row["owner_id"] for row in objective_rows.values()} - {None}
    owners = {u.pk: u for u in User.objects.filter(id__in=owner_ids)}
    states = []
    for pk, row in objective_rows.items():
        owner = owners.get(row["owner_id"])
        states.append(
            drift.ObjectiveState(
                id=pk,
                ref=row["ref"],
                title=row["title"],
                starts_on=row["starts_on"],
                target_date=row["target_date"],
                status=row["status"],
                theme=themes.get(row["theme_id"]),
                owner_id=row["owner_id"],
                owner_username=owner.get_username() if owner else None,
                owner_name=(owner.get_full_name() or owner.get_username()) if owner else None,
                owner_active=owner.is_active if owner else True,
                milestones=tuple(milestones.get(pk, ())),
                last_reported_on=last_reported.get(pk),
            )
        )
    return rules, states


def plan_drift(plan: Plan, as_of: date | None = None) -> PlanDrift:
    """Every objective of ``plan`` with its drift at the end of ``as_of`` (today by default)."""
    as_of = as_of or timezone.localdate()
    rules, states = plan_state(plan, as_of)
    return PlanDrift(plan, as_of, rules, drift.plan_drift(states, as_of, rules))


def objectives_drift_for_owner(user, as_of: date | None = None) -> list[drift.ObjectiveDrift]:
    """The objectives ``user`` owns now, across plans, most urgent first."""
    as_of = as_of or timezone.localdate()
    plan_ids = Objective.objects.filter(owner=user).values_list("plan_id", flat=True).distinct()
    rows = []
    for plan in Plan.objects.filter(id__in=plan_ids):
        rows.extend(d for d in plan_drift(plan, as_of).objectives if d.state.owner_id == user.pk)
    return sorted(rows, key=drift.drift_order)
