"""The import itself: one transaction, every write through the plan's own services.

Each history record it makes says "Imported from <file name>" and names the administrator. A
milestone whose due date differs from its baseline is created at its baseline and then
re-forecast, so the record keeps the agreed date and the forecast apart; a completion is
recorded through ``milestone_complete``. Nothing is ever deleted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from milestones import services as milestone_services
from objectives import permissions
from objectives import services as objective_services
from objectives.models import Objective, Plan, Theme

from . import dependencies
from .columns import Mapping
from .preview import build_preview
from .preview_rows import PlanChoice, Preview
from .recording import import_reason, recording_reason
from .workbook import Problem, Workbook


class ImportRefused(Exception):
    """The workbook has problems; nothing was written."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__(f"{len(problems)} problem(s)")


@dataclass
class ImportResult:
    plan: Plan
    themes_created: int = 0
    objectives_created: int = 0
    objectives_updated: int = 0
    owners_assigned: int = 0
    milestones_created: int = 0
    milestones_reforecast: int = 0
    milestones_completed: int = 0
    dependencies_added: int = 0
    notes: list[str] = field(default_factory=list)

    def summary(self) -> str:
        parts = [
            (self.objectives_created, "objective created", "objectives created"),
            (self.objectives_updated, "objective updated", "objectives updated"),
            (self.milestones_created, "milestone created", "milestones created"),
            (self.milestones_reforecast, "milestone re-forecast", "milestones re-forecast"),
            (self.milestones_completed, "milestone completed", "milestones completed"),
            (self.themes_created, "theme added", "themes added"),
            (self.dependencies_added, "dependency added", "dependencies added"),
        ]
        said = [f"{n} {one if n == 1 else many}" for n, one, many in parts if n]
        return ", ".join(said) if said else "nothing to change"


def _check(user) -> None:
    if user is not None and not permissions.can_manage_plan(user):
        raise PermissionDenied("Only administrators can import a plan.")


@transaction.atomic
def plan_import(
    *,
    user,
    workbook: Workbook,
    mapping: Mapping,
    choice: PlanChoice,
    file_name: str,
    today: date | None = None,
) -> ImportResult:
    """Check the workbook again and write it, all or nothing. Raises ``ImportRefused``."""
    _check(user)
    today = today or timezone.localdate()
    if choice.plan is not None:  # hold the plan while it is read and written
        choice.plan = Plan.objects.select_for_update().get(pk=choice.plan.pk)
    preview = build_preview(workbook, mapping, choice, today=today)
    if preview.problems:
        raise ImportRefused(preview.problems)
    reason = import_reason(file_name)
    try:
        with recording_reason(reason):
            return _write(preview, user=user, reason=reason)
    except ValidationError as error:
        # A rule the preview does not know of (another person's change in between, say).
        messages = [
            f"{name}: {message}" if name not in ("__all__", "") else message
            for name, messages in getattr(error, "message_dict", {"": error.messages}).items()
            for message in messages
        ]
        raise ImportRefused([Problem("", m) for m in messages]) from None


def _write(preview: Preview, *, user, reason: str) -> ImportResult:
    choice = preview.choice
    plan = choice.plan
    if plan is None:
        plan = objective_services.plan_create(
            user=user,
            name=choice.name,
            organisation=choice.organisation,
            starts_on=choice.starts_on,
            ends_on=choice.ends_on,
        )
    result = ImportResult(plan=plan)
    themes = {t.name.lower(): t for t in Theme.objects.filter(plan=plan)}
    order = max((t.order for t in themes.values()), default=0)
    for name in preview.new_themes:
        order += 1
        themes[name.lower()] = objective_services.theme_create(
            user=user, plan=plan, name=name, order=order
        )
        result.themes_created += 1

    objectives = {}
    for row in preview.objectives:
        theme = themes.get(row.theme.lower()) if row.theme else None
        if row.existing is None:
            objectives[row.ref.lower()] = objective_services.objective_create(
                user=user,
                plan=plan,
                ref=row.ref,
                title=row.title,
                description=row.description,
                source=row.finding,
                theme=theme,
                owner=row.owner,
                starts_on=row.starts_on or plan.starts_on,
                target_date=row.target_date,
            )
            result.objectives_created += 1
            continue
        objective = row.existing
        fields = {k: v for k, v in row.changes.items() if k != "owner"}
        if "theme" in fields:
            fields["theme"] = theme
        if fields:
            objective = objective_services.objective_update(
                objective=objective, user=user, reason=reason, **fields
            )
            result.objectives_updated += 1
        if row.new_owner:
            objective = objective_services.objective_assign_owner(
                objective=objective, user=user, owner=row.owner, reason=reason
            )
            result.owners_assigned += 1
            if not fields:
                result.objectives_updated += 1
        objectives[row.ref.lower()] = objective

    made = {}  # (ref, title), lower case -> the sheet's milestones as written
    for row in preview.milestones:
        milestone = row.existing
        made[(row.objective_ref.lower(), row.title.strip().lower())] = milestone
        if milestone is None:
            objective = objectives.get(row.objective_ref.lower())
            if objective is None:  # an objective already in the plan, not on the sheet
                objective = Objective.objects.get(plan=plan, ref=row.objective_ref)
            milestone = milestone_services.milestone_create(
                user=user, objective=objective, title=row.title, due_date=row.baseline_date
            )
            made[(row.objective_ref.lower(), row.title.strip().lower())] = milestone
            result.milestones_created += 1
            if row.due_date != row.baseline_date:
                milestone = milestone_services.milestone_reschedule(
                    milestone=milestone, user=user, due_date=row.due_date, reason=reason
                )
            if row.completed_on:
                milestone_services.milestone_complete(
                    milestone=milestone, user=user, completed_on=row.completed_on, reason=reason
                )
                result.milestones_completed += 1
            continue
        if row.reforecast:
            milestone = milestone_services.milestone_reschedule(
                milestone=milestone, user=user, due_date=row.due_date, reason=reason
            )
            result.milestones_reforecast += 1
        if row.complete:
            milestone_services.milestone_complete(
                milestone=milestone, user=user, completed_on=row.completed_on, reason=reason
            )
            result.milestones_completed += 1
    result.dependencies_added = dependencies.write(preview, made, plan, user=user, reason=reason)
    return result
