"""Demo data for dependencies: a few milestones waiting for others, exactly one knock-on today.

Called once from ``seed_demo`` after the demo plan is built, through the dependency services as
the demo administrator, backdated with ``recorded_at``; running it again changes nothing. The
links: one milestone due before the milestone it waits for (the knock-on), two waiting for
milestones due earlier, one waiting for a milestone already complete, and one link that was
made and later removed, with its reasons.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.core.exceptions import ValidationError
from django.utils import timezone

from milestones.dependencies import milestone_dependency_add, milestone_dependency_remove
from milestones.models import Milestone, MilestoneDependency
from objectives import record_rules
from objectives.models import Objective
from tracking import selectors

KNOCK_ON_REASON = (
    "The new hub cannot open until the recruitment campaign has filled the posts it needs."
)
EARLIER_REASON = "Agreed at the improvement board: this step builds on the earlier one."
REMOVED_REASON = "Agency staff were brought in, so this no longer waits for the campaign."


def _at(day: date, hour: int) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_default_timezone())


def _link(milestone, depends_on, *, admin, reason, when) -> MilestoneDependency | None:
    try:
        return milestone_dependency_add(
            user=admin, milestone=milestone, depends_on=depends_on, reason=reason, recorded_at=when
        )
    except ValidationError:  # a loop or a duplicate: the demo picks another pair
        return None


def add_dependencies(plan, *, admin, today: date) -> None:
    """The demo's links, made twenty days ago (the removed one made six weeks ago and removed a
    week ago); exactly one milestone is held up by a later one today."""
    if MilestoneDependency.objects.filter(milestone__objective__plan=plan).exists():
        return
    earlier, when = _at(today - timedelta(days=45), 10), _at(today - timedelta(days=20), 10)
    rows = list(
        Milestone.objects.filter(objective__plan=plan, withdrawn_on__isnull=True)
        .exclude(objective__status__in=[Objective.Status.WITHDRAWN, Objective.Status.COMPLETE])
        .select_related("objective")
        .order_by("due_date", "id")
    )
    added = record_rules.first_recorded_on(Milestone, [m.pk for m in rows])
    rows = [m for m in rows if m.pk in added and added[m.pk] < earlier.date()]
    open_ = [m for m in rows if m.completed_on is None and m.due_date > today]
    done = [m for m in rows if m.completed_on is not None]
    used: set[int] = set()

    def link(test, reason: str, at: datetime) -> list[MilestoneDependency]:
        for m in open_:
            for p in [*open_, *done]:
                if m.objective_id == p.objective_id or {m.pk, p.pk} & used or not test(m, p):
                    continue
                made = _link(m, p, admin=admin, reason=reason, when=at)
                if made is not None:
                    used.update((m.pk, p.pk))
                    return [made]
        return []

    def due_later_by(low: int, high: int):
        return lambda m, p: p.completed_on is None and low <= (p.due_date - m.due_date).days <= high

    def due_earlier(m, p):
        return p.completed_on is None and p.due_date < m.due_date

    removed = link(due_later_by(5, 60), EARLIER_REASON, earlier)
    for link_row in removed:
        milestone_dependency_remove(
            user=admin,
            dependency=link_row,
            reason=REMOVED_REASON,
            expected_version=link_row.version,
            recorded_at=_at(today - timedelta(days=7), 11),
        )
    link(due_later_by(10, 40), KNOCK_ON_REASON, when)
    link(due_earlier, EARLIER_REASON, when)
    link(due_earlier, EARLIER_REASON, when)
    link(lambda m, p: p.completed_on is not None, EARLIER_REASON, when)
    result = selectors.plan_drift(plan, today)
    waiting = [m for row in result.objectives for m in row.milestones if m.knock_on_days > 0]
    if len(waiting) != 1:
        raise RuntimeError(f"The demo should show one knock-on today, not {len(waiting)}.")
