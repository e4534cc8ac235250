"""Demo data for the rules of the record: one withdrawn milestone and one corrected completion.

Called once from ``seed_demo`` after the demo plan is built. Both changes go through the
services as the demo administrator, backdated with ``recorded_at``; running it again changes
nothing.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from milestones import services
from milestones.models import Milestone
from objectives.models import Objective

WITHDRAW_REASON = (
    "The improvement board agreed on review that this milestone duplicates work now led by the "
    "regional adoption agency, so it is withdrawn from this plan."
)
CORRECTION_REASON = (
    "The completion date was mistyped: the signed-off evidence pack shows the work was "
    "finished a week later."
)


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_default_timezone())


def _last_recorded(milestone: Milestone) -> datetime | None:
    return (
        milestone.history.order_by("-history_date").values_list("history_date", flat=True).first()
    )


def _candidates(plan):
    return (
        Milestone.objects.filter(objective__plan=plan)
        .select_related("objective", "objective__plan")
        .order_by("objective__ref", "baseline_date", "id")
    )


def add_withdrawal_and_correction(plan, *, admin, today: date) -> None:
    """One open milestone withdrawn three weeks ago, one completion corrected ten days ago."""
    milestones = list(_candidates(plan))
    if not any(m.withdrawn_on for m in milestones):
        when = _at(today - timedelta(days=21), 10)
        for milestone in milestones:
            objective = milestone.objective
            last = _last_recorded(milestone)
            if (
                milestone.completed_on is None
                and objective.status == Objective.Status.IN_PROGRESS
                and objective.milestones.open().count() >= 2
                and last is not None
                and last < when
            ):
                services.milestone_withdraw(
                    milestone=milestone,
                    user=admin,
                    reason=WITHDRAW_REASON,
                    expected_version=None,
                    recorded_at=when,
                )
                break
    corrected = any(
        m.history.filter(history_change_reason=CORRECTION_REASON).exists() for m in milestones
    )
    if not corrected:
        when = _at(today - timedelta(days=10), 11)
        for milestone in milestones:
            last = _last_recorded(milestone)
            if (
                milestone.completed_on is None
                or milestone.withdrawn_on is not None
                or last is None
                or last >= when
            ):
                continue
            new_date = milestone.completed_on + timedelta(days=7)
            if new_date > when.date():
                continue
            services.milestone_correct_completion(
                milestone=milestone,
                user=admin,
                completed_on=new_date,
                reason=CORRECTION_REASON,
                expected_version=None,
                recorded_at=when,
            )
            break
