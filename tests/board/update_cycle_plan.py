"""A published plan with a board on 14 May 2026 and owners' updates around its window (30 April
to 13 May with the plan's 14 days), shared by the update-cycle tests."""

from dataclasses import dataclass
from datetime import date

from board import services as board_services
from objectives import services as objective_services
from objectives.models import Objective, Plan
from tests import factories

SET_UP = date(2026, 1, 5)
BOARD = date(2026, 5, 14)
FIRST = date(2026, 4, 30)  # the window's first day
LAST = date(2026, 5, 13)  # the window's last day
TODAY = date(2026, 5, 5)


@dataclass
class CyclePlan:
    plan: Plan
    in_first_day: Objective  # 1.1, mo_manager: reported on the window's first day
    before_window: Objective  # 1.2, nat_manager: reported the day before the window
    never: Objective  # 2.1, mo_manager: no update at all
    no_owner: Objective  # 2.2
    complete: Objective  # 3.1: complete, not counted
    withdrawn: Objective  # 3.2: withdrawn, not counted
    meeting: object


def make_cycle_plan(clock, *, admin, manager, other_manager) -> CyclePlan:
    with clock(SET_UP):
        plan = factories.make_plan(user=admin, name="Kestrelford plan")
        common = {"starts_on": date(2026, 1, 1), "target_date": date(2026, 12, 31)}

        def objective(ref, title, owner):
            return factories.make_objective(
                plan, user=admin, ref=ref, title=title, owner=owner, **common
            )

        first = objective("1.1", "Reduce agency staff", manager)
        before = objective("1.2", "Edge of care service", other_manager)
        never = objective("2.1", "Virtual school training", manager)
        no_owner = objective("2.2", "Family group conferencing", None)
        complete = objective("3.1", "Audit tool", manager)
        withdrawn = objective("3.2", "Old pilot", other_manager)
        for row in (first, before, never, no_owner):
            factories.make_milestone(row, user=admin, due_date=date(2026, 10, 30))
        meeting = board_services.board_meeting_create(
            user=admin, plan=plan, held_on=BOARD, name="Improvement board"
        )
    with clock(date(2026, 2, 2)):
        objective_services.objective_update(
            objective=complete, user=admin, status="complete", closing_summary="Done."
        )
        objective_services.objective_withdraw(
            objective=withdrawn, user=admin, reason="Merged into 1.2", expected_version=None
        )
    with clock(date(2026, 4, 29)):
        factories.make_update(before, user=other_manager, reported_on=date(2026, 4, 29))
    with clock(FIRST):
        factories.make_update(first, user=manager, reported_on=FIRST)
    return CyclePlan(plan, first, before, never, no_owner, complete, withdrawn, meeting)
