"""A plan's state today (or on a later day), read from the live rows rather than replayed.

The current rows are what history says at the end of today: every write goes through the
services, which record history and keep what the rules need (each milestone's ``replan_count``;
``manage.py check_history`` verifies it against history). Six queries whatever the size of the
plan: objectives, milestones, the latest progress update of each objective, theme names, the
owners' accounts, and nothing for the plan's rules (its own row).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from django.contrib.auth import get_user_model
from django.db.models import Max

from milestones.models import Milestone

from . import drift
from .models import Objective, Plan, ProgressUpdate, Theme
from .replay import RULE_FIELDS, Account

User = get_user_model()


def rules(plan: Plan) -> drift.PlanRules:
    return drift.PlanRules(**{f: getattr(plan, f) for f in RULE_FIELDS})


def plan_state(
    plan: Plan, as_of: date, *, objective_ids: list[int] | None = None
) -> tuple[drift.PlanRules, list[drift.ObjectiveState]]:
    """The plan's rules and objectives (or only ``objective_ids``) as they stand now, for a day
    ``as_of`` that is today or later."""
    objectives = Objective.objects.filter(plan_id=plan.pk).exclude(
        status=Objective.Status.WITHDRAWN
    )
    if objective_ids is not None:
        objectives = objectives.filter(pk__in=objective_ids)
    rows = list(
        objectives.values(
            "id", "ref", "title", "theme_id", "owner_id", "starts_on", "target_date", "status"
        )
    )
    if not rows:
        return rules(plan), []
    ids = [row["id"] for row in rows]
    milestones: dict[int, list[drift.MilestoneState]] = defaultdict(list)
    for m in (
        Milestone.objects.filter(objective_id__in=ids)
        .exclude(withdrawn_on__lte=as_of)
        .order_by("baseline_date", "id")
        .values(
            "id",
            "objective_id",
            "title",
            "baseline_date",
            "due_date",
            "completed_on",
            "replan_count",
        )
    ):
        milestones[m["objective_id"]].append(
            drift.MilestoneState(
                id=m["id"],
                title=m["title"],
                baseline_date=m["baseline_date"],
                due_date=m["due_date"],
                completed_on=m["completed_on"],
                replans=m["replan_count"],
            )
        )
    last_reported = dict(
        ProgressUpdate.objects.filter(objective_id__in=ids, reported_on__lte=as_of)
        .values("objective_id")
        .annotate(latest=Max("reported_on"))
        .values_list("objective_id", "latest")
    )
    theme_ids = {row["theme_id"] for row in rows} - {None}
    themes = dict(Theme.objects.filter(id__in=theme_ids).values_list("id", "name"))
    owner_ids = {row["owner_id"] for row in rows} - {None}
    owners = {
        pk: Account(username, f"{first} {last}".strip(), active)
        for pk, username, first, last, active in User.objects.filter(id__in=owner_ids).values_list(
            "id", User.USERNAME_FIELD, "first_name", "last_name", "is_active"
        )
    }
    states = []
    for row in rows:
        owner = owners.get(row["owner_id"])
        states.append(
            drift.ObjectiveState(
                id=row["id"],
                ref=row["ref"],
                title=row["title"],
                starts_on=row["starts_on"],
                target_date=row["target_date"],
                status=row["status"],
                theme=themes.get(row["theme_id"]),
                owner_id=row["owner_id"],
                owner_username=owner.username if owner else None,
                owner_name=owner.name if owner else None,
                owner_active=owner.is_active if owner else True,
                milestones=tuple(milestones.get(row["id"], ())),
                last_reported_on=last_reported.get(row["id"]),
            )
        )
    return rules(plan), states
