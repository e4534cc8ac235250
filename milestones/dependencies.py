"""Dependencies between milestones: add and remove, with history and a reason.

A milestone may wait for other milestones of the same plan (any objective). The links form no
cycle and no milestone waits for itself. Nothing is deleted: removing a link sets its
``removed_on``. Administrators and the owner of the waiting milestone may change its links;
set-up commands (``user=None``: the demo loader, the import) may too.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from objectives import permissions, record_rules
from objectives.history import clean_reason, lock_for_edit, save_with_history
from objectives.models import Plan

from .models import Milestone, MilestoneDependency


def milestone_label(milestone: Milestone) -> str:
    """How a person names a milestone across objectives: its objective's ref and its title."""
    return f"{milestone.objective.ref} \u2018{milestone.title}\u2019"


def can_change_dependencies(user, milestone: Milestone) -> bool:
    """Administrators and the owner of the waiting milestone (set-up commands too)."""
    return user is None or permissions.can_edit_objective(user, milestone.objective)


def _require_rights(user, milestone: Milestone) -> None:
    if not can_change_dependencies(user, milestone):
        raise PermissionDenied(
            "Only administrators and the milestone's owner can change what it waits for."
        )


def waits_for(plan_id: int) -> dict[int, set[int]]:
    """milestone id -> the ids it waits for, over every link in force in the plan (one query)."""
    graph: dict[int, set[int]] = defaultdict(set)
    links = MilestoneDependency.objects.linked().filter(milestone__objective__plan_id=plan_id)
    for milestone_id, depends_on_id in links.values_list("milestone_id", "depends_on_id"):
        graph[milestone_id].add(depends_on_id)
    return graph


def would_close_a_loop(graph: dict[int, set[int]], milestone_id: int, depends_on_id: int) -> bool:
    """Whether linking ``milestone_id`` to ``depends_on_id`` makes a cycle: whether
    ``depends_on_id`` already waits, directly or through others, for ``milestone_id``."""
    seen, todo = set(), [depends_on_id]
    while todo:
        current = todo.pop()
        if current == milestone_id:
            return True
        if current in seen:
            continue
        seen.add(current)
        todo.extend(graph.get(current, ()))
    return False


@transaction.atomic
def milestone_dependency_add(
    *,
    user,
    milestone: Milestone,
    depends_on: Milestone,
    reason: str,
    recorded_at: datetime | None = None,
) -> MilestoneDependency:
    """Record that ``milestone`` waits for ``depends_on``, with a reason."""
    _require_rights(user, milestone)
    if depends_on is None:
        raise ValidationError({"depends_on": "Choose the milestone this one waits for."})
    plan_id = milestone.objective.plan_id
    # One change to a plan's links at a time, so two links made at once cannot close a loop.
    Plan.objects.select_for_update().filter(pk=plan_id).first()
    milestone = Milestone.objects.select_related("objective").get(pk=milestone.pk)
    depends_on = Milestone.objects.select_related("objective").get(pk=depends_on.pk)
    record_rules.milestone_open_for_change(milestone)
    record_rules.objective_open_for_owner(milestone.objective, user)
    if depends_on.pk == milestone.pk:
        raise ValidationError({"depends_on": "A milestone cannot wait for itself."})
    if depends_on.objective.plan_id != plan_id:
        raise ValidationError(
            {"depends_on": "Choose a milestone of the same plan: this one is in another plan."}
        )
    if depends_on.withdrawn_on is not None:
        raise ValidationError(
            {"depends_on": f"{milestone_label(depends_on)} was withdrawn; choose another."}
        )
    reason = clean_reason(reason, required=True, what="adding the dependency")
    graph = waits_for(plan_id)
    if depends_on.pk not in graph.get(milestone.pk, ()) and would_close_a_loop(
        graph, milestone.pk, depends_on.pk
    ):
        raise ValidationError(
            {
                "depends_on": f"{milestone_label(depends_on)} already waits, directly or "
                "through other milestones, for this one: the two cannot wait for each other."
            }
        )
    link = MilestoneDependency(milestone=milestone, depends_on=depends_on)
    return save_with_history(link, user=user, reason=reason, recorded_at=recorded_at)


@transaction.atomic
def milestone_dependency_remove(
    *,
    user,
    dependency: MilestoneDependency,
    reason: str,
    expected_version: int | None,
    recorded_at: datetime | None = None,
) -> MilestoneDependency:
    """Remove a link from today (or the day of a backdated record), with a reason; the link
    stays in history and on the record."""
    _require_rights(user, dependency.milestone)
    dependency = lock_for_edit(MilestoneDependency, dependency.pk, expected_version)
    if dependency.removed_on is not None:
        raise ValidationError({"__all__": "This dependency was already removed."})
    reason = clean_reason(reason, required=True, what="removing the dependency")
    dependency.removed_on = record_rules.today_for(recorded_at)
    return save_with_history(dependency, user=user, reason=reason, recorded_at=recorded_at)
