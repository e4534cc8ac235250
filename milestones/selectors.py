"""Reads about milestones that span tables: what a milestone waits for, and what it could."""

from __future__ import annotations

from kit.formatting import long_date
from objectives.drift import natural_key
from objectives.models import Objective

from .dependencies import milestone_label
from .models import Milestone, MilestoneDependency


def links_of(milestone: Milestone) -> list[MilestoneDependency]:
    """The links in force of ``milestone``, with what each waits for (one query)."""
    links = milestone.dependencies.linked().select_related("depends_on__objective")
    return sorted(
        links, key=lambda link: (natural_key(link.depends_on.objective.ref), link.depends_on_id)
    )


def linkable(milestone: Milestone) -> list[tuple[int, str]]:
    """The milestones of the same plan ``milestone`` could wait for, as choices: current ones
    of objectives not withdrawn, not itself and not linked already (one query)."""
    linked = milestone.dependencies.linked().values("depends_on_id")
    rows = (
        Milestone.objects.current()
        .filter(objective__plan_id=milestone.objective.plan_id)
        .exclude(objective__status=Objective.Status.WITHDRAWN)
        .exclude(pk=milestone.pk)
        .exclude(pk__in=linked)
        .select_related("objective")
    )
    ordered = sorted(rows, key=lambda m: (natural_key(m.objective.ref), m.due_date, m.pk))
    return [(m.pk, f"{milestone_label(m)}, due {long_date(m.due_date)}") for m in ordered]
