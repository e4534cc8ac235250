"""What the board adds to the leadership dashboard, as its panel ``board`` (registered in
``board.apps``): the comparison date (the last board meeting, or a date a person picks), the board
pack links, the open challenges and where owners see their objectives greener than the milestones
do. The dashboard compares its counts with the panel's ``compare_day``.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

from django.utils.http import urlencode

from dashboard import rows
from kit.keys import digest, drawn_key
from objectives import drift

from . import pack_selectors, selectors
from .forms import SinceForm

# The templates that draw the panel, in the key it is kept drawn under.
TEMPLATES = (
    "board/_dashboard_comparison.html",
    "board/_owner_gap.html",
    "includes/_error_summary.html",
    "includes/_date_input.html",
)


@dataclass
class BoardPanel:
    plan: object
    as_of: object
    comparison: selectors.Comparison
    since_form: SinceForm
    open_challenges: int
    rows: list
    worked_out: Callable  # the dashboard's (``dashboard.selectors.Dashboard.worked_out``)

    @property
    def query(self) -> str:
        params = {"plan": self.plan.pk, "as_of": self.as_of.isoformat()}
        params["since"] = self.comparison.day.isoformat()
        return urlencode(params)

    @functools.cached_property
    def _gap_rows(self) -> list:
        """The rows whose owner's latest update is greener than the milestones say."""
        greener = pack_selectors.owner_view_greener
        return [row for row in self.rows if greener(row.state.last_update_rag, row.rag)]

    @functools.cached_property
    def owner_gaps(self) -> list[pack_selectors.OwnerGap]:
        """Objectives whose owner's latest update is greener than the milestones say."""
        return [pack_selectors.OwnerGap(row) for row in self._gap_rows]

    @property
    def owner_gap_items(self):
        """The list items of ``owner_gaps``, drawn (and kept) one at a time like table rows."""
        return rows.draw(
            "board/_owner_gap.html",
            [(gap.row, {"words": gap.owner_view_words}) for gap in self.owner_gaps],
            shown=rows.titled,
        )

    @functools.cached_property
    def drawn_key(self) -> str | None:
        """What the panel shows (besides the dashboard's plan, day and count, which the page
        adds) and the templates that draw it: the key it is kept drawn under. None while the
        date form shows errors (drawn every time)."""
        if self.since_form.errors:
            return None
        boxes = [self.since_form[f"since_{part}"].value() for part in ("day", "month", "year")]
        gaps = self.worked_out(
            "board:owner_gaps",
            _gap_part,
            lambda: digest(*(_gap_shown(row) for row in self._gap_rows)),
        )
        shown = (self.comparison.sentence, self.query, self.open_challenges, boxes, gaps)
        return drawn_key(TEMPLATES, shown)

    @property
    def compare_day(self):
        return self.comparison.day


def _gap_shown(row) -> tuple:
    """What the list of owners' views shows of an objective (the two colours give the words,
    ``pack_selectors.owner_view_words``)."""
    return (row.id, row.ref, row.title, row.state.last_update_rag, row.rag)


def _gap_part(entry) -> tuple | None:
    """What the list of owners' views shows of an objective's entry (nothing when its owner
    does not see it greener), for the list's digest kept with today's read."""
    row = entry[0]
    if row is None or not pack_selectors.owner_view_greener(row.state.last_update_rag, row.rag):
        return None
    return (*_gap_shown(row), drift.drift_order(row))  # listed in the rows' order


def panel(request, data) -> BoardPanel:
    """The board's panel for the dashboard's data (``dashboard.selectors.Dashboard``)."""
    plan, as_of = data.plan, data.as_of
    since_form = SinceForm.from_request(request.GET, as_of=as_of)
    state = selectors.board_state(plan, as_of, since_form.since(), plan_marks=data.drift.plan_marks)
    comparison = state.comparison
    if since_form.since() is None and not since_form.errors:  # nothing picked: show the default
        if since_form.is_bound:  # the boxes were sent empty
            since_form = SinceForm(as_of=as_of)
        since_form.initial_date("since", comparison.day)
    return BoardPanel(
        plan=plan,
        as_of=as_of,
        comparison=comparison,
        since_form=since_form,
        open_challenges=state.open_challenges,
        rows=data.drift.objectives,
        worked_out=data.worked_out,
    )
