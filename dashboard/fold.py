"""What the dashboard leads with and what it folds away.

The objectives that need attention (red and amber) come first, open; the green and complete
ones are folded under a "Show the N green or complete objectives" details, unless the person
asked for them (the status filter is green or complete) or the filters leave few objectives,
when they are shown open (with nothing red or amber, not folded at all). Both groups are in the
page either way (and on paper: details are opened for printing), drawn one row at a time
through ``rows.draw``'s cache.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.safestring import SafeString

from objectives import drift
from objectives.drift import ObjectiveDrift

from . import rows
from .filters import Filters

ATTENTION = (drift.RED, drift.AMBER)
FEW = 10  # filters leaving this many objectives or fewer show them all open
LONG = 5  # the other lists of the dashboard fold when they are longer than this


@dataclass(frozen=True)
class Objectives:
    attention: SafeString  # the red and amber rows, drawn
    attention_count: int
    rest: SafeString  # the green and complete rows, drawn
    rest_count: int
    open: bool  # the green and complete rows are shown open
    past: date | None  # the day shown when it is not today

    @property
    def total(self) -> int:
        return self.attention_count + self.rest_count


def rest_open(filters: Filters, *, shown: int, attention: int) -> bool:
    """Whether the green and complete objectives are shown open: asked for by the status filter,
    nothing red or amber to lead with, or filters leaving few objectives."""
    if filters.rag in (drift.GREEN, drift.COMPLETE) or not attention:
        return True
    return filters.active and shown <= FEW


def objectives(
    table: list[tuple[ObjectiveDrift, str]],
    filters: Filters,
    *,
    past: date | None,
    impact: dict[int, str] | None = None,
    marks: dict | None = None,
) -> Objectives:
    """The dashboard's objectives (``table``, in the contract's order) in two groups (``marks``
    as ``rows.draw_groups`` takes them)."""
    lead = [item for item in table if item[0].rag in ATTENTION]
    rest = [item for item in table if item[0].rag not in ATTENTION]
    attention, folded = rows.dashboard_tables([lead, rest], past=past, impact=impact, marks=marks)
    return Objectives(
        attention=attention,
        attention_count=len(lead),
        rest=folded,
        rest_count=len(rest),
        open=rest_open(filters, shown=len(table), attention=len(lead)),
        past=past,
    )
