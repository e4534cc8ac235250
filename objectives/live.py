"""A plan's state today (or on a later day), read from the live rows rather than replayed.

The current rows are what history says at the end of today: every write goes through the
services, which record history and keep what the rules need (each milestone's ``replan_count``;
``manage.py check_history`` verifies it against history). Six queries whatever the size of the
plan: objectives, milestones, the latest progress update of each objective, theme names, the
owners' accounts, and nothing for the plan's rules (its own row).
"""

from __future__ import annotations

import functools
from collections import defaultdict
from datetime import date

from django.contrib.auth import get_user_model
from django.db import connection
from django.db.models import Max

from milestones.models import Milestone

from . import drift
from .models import Objective, Plan, ProgressUpdate, Theme
from .replay import RULE_FIELDS, Account

User = get_user_model()
HISTORY_MODELS = (Plan, Theme, Objective, Milestone, ProgressUpdate)


@functools.cache
def _recorded_after_sql() -> str:
    # Table and column names come from the models, never from a request.
    q = connection.ops.quote_name
    tests = [
        f"EXISTS (SELECT 1 FROM {q(model.history.model._meta.db_table)} "  # noqa: S608
        f"WHERE {q('history_date')} >= %s)"
        for model in HISTORY_MODELS
    ]
    return "SELECT " + " OR ".join(tests)


def recorded_after(plan: Plan, cutoff) -> bool:
    """Whether any plan history was recorded at or after ``cutoff`` (one query, on the index
    of each history table's dates).

    Never, in service: nothing is recorded in the future. A clock set back (as tests do) can
    make it so; then the live rows are ahead of the day asked for, and history must be replayed.
    (Accounts are left out: the tests' people are made on the real date.)
    """
    value = connection.ops.adapt_datetimefield_value(cutoff)
    with connection.cursor() as cursor:
        cursor.execute(_recorded_after_sql(), [value] * len(HISTORY_MODELS))
        return bool(cursor.fetchone()[0])


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
    milestones_of = Milestone.objects.filter(objective__plan_id=plan.pk)
    updates_of = ProgressUpdate.objects.filter(objective__plan_id=plan.pk)
    if objective_ids is not None:
        objectives = objectives.filter(pk__in=objective_ids)
        milestones_of = milestones_of.filter(objective_id__in=objective_ids)
        updates_of = updates_of.filter(objective_id__in=objective_ids)
    rows = list(
        objectives.values_list(
            "id", "ref", "title", "theme_id", "owner_id", "starts_on", "target_date", "status"
        )
    )
    if not rows:
        return rules(plan), []
    milestones: dict[int, list[drift.MilestoneState]] = defaultdict(list)
    for pk, objective_id, title, baseline, due, completed, replans in (
        milestones_of.exclude(withdrawn_on__lte=as_of)
        .order_by()
        .values_list(
            "id",
            "objective_id",
            "title",
            "baseline_date",
            "due_date",
            "completed_on",
            "replan_count",
        )
    ):
        milestones[objective_id].append(
            drift.MilestoneState(pk, title, baseline, due, completed, (), replans)
        )
    for states in milestones.values():
        states.sort(key=lambda m: (m.baseline_date, m.id))
    last_reported = dict(
        updates_of.filter(reported_on__lte=as_of)
        .values("objective_id")
        .annotate(latest=Max("reported_on"))
        .values_list("objective_id", "latest")
    )
    themes = dict(Theme.objects.filter(plan_id=plan.pk).values_list("id", "name"))
    owner_ids = {row[4] for row in rows} - {None}
    owners = {
        pk: Account(username, f"{first} {last}".strip(), active)
        for pk, username, first, last, active in User.objects.filter(id__in=owner_ids).values_list(
            "id", User.USERNAME_FIELD, "first_name", "last_name", "is_active"
        )
    }
    states = []
    for pk, ref, title, theme_id, owner_id, starts_on, target_date, status in rows:
        owner = owners.get(owner_id)
        states.append(
            drift.ObjectiveState(
                id=pk,
                ref=ref,
                title=title,
                starts_on=starts_on,
                target_date=target_date,
                status=status,
                theme=themes.get(theme_id),
                owner_id=owner_id,
                owner_username=owner.username if owner else None,
                owner_name=owner.name if owner else None,
                owner_active=owner.is_active if owner else True,
                milestones=tuple(milestones.get(pk, ())),
                last_reported_on=last_reported.get(pk),
            )
        )
    return rules(plan), states
