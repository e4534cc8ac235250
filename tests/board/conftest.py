"""A small published plan with two board meetings, a slip between them, and owners' updates."""

from dataclasses import dataclass
from datetime import date

import pytest

from milestones import services as milestone_services
from objectives.models import Objective, Plan
from tests import factories

TODAY = date(2026, 4, 10)
LAST_BOARD = date(2026, 3, 5)
NEXT_BOARD = date(2026, 4, 30)


@dataclass
class Board:
    plan: Plan
    red: Objective  # 1.1 owned by mo_manager: a milestone overdue; the owner says green
    amber: Objective  # 1.2 owned by nat_manager: a milestone moved 14 days later on 20 March
    green: Objective  # 2.1 no owner's update
    done_milestone_title: str


@pytest.fixture
def board(clock, admin_user, manager, other_manager) -> Board:
    from board import services as board_services

    with clock(date(2026, 1, 5)):
        plan = factories.make_plan(user=admin_user, name="Kestrelford plan")
        factories.publish_plan(plan, user=admin_user)
        theme = factories.make_theme(plan, user=admin_user, name="Workforce", order=1)
        common = {"starts_on": date(2026, 1, 1), "target_date": date(2026, 12, 31)}
        red = factories.make_objective(
            plan,
            user=admin_user,
            ref="1.1",
            title="Reduce agency staff",
            theme=theme,
            owner=manager,
            **common,
        )
        factories.make_milestone(
            red, user=admin_user, title="Recruitment campaign", due_date=date(2026, 3, 31)
        )
        amber = factories.make_objective(
            plan,
            user=admin_user,
            ref="1.2",
            title="Edge of care service",
            theme=theme,
            owner=other_manager,
            **common,
        )
        moving = factories.make_milestone(
            amber, user=admin_user, title="Service specification", due_date=date(2026, 5, 31)
        )
        green = factories.make_objective(
            plan,
            user=admin_user,
            ref="2.1",
            title="Virtual school training",
            owner=manager,
            **common,
        )
        done = factories.make_milestone(
            green, user=admin_user, title="First 20 schools trained", due_date=date(2026, 3, 25)
        )
        factories.make_milestone(
            green, user=admin_user, title="All 45 schools trained", due_date=date(2026, 4, 20)
        )
        board_services.board_meeting_create(
            user=admin_user, plan=plan, held_on=LAST_BOARD, name="Improvement board"
        )
        board_services.board_meeting_create(
            user=admin_user, plan=plan, held_on=NEXT_BOARD, name="Improvement board (May)"
        )
        board_services.board_meeting_create(
            user=admin_user, plan=plan, held_on=date(2026, 1, 22), name="Improvement board"
        )
    with clock(date(2026, 3, 20)):
        milestone_services.milestone_reschedule(
            milestone=moving,
            user=other_manager,
            due_date=date(2026, 6, 14),
            reason="The contractor delayed the start",
        )
        milestone_services.milestone_complete(
            milestone=done, user=manager, completed_on=date(2026, 3, 20)
        )
    with clock(date(2026, 4, 6)):
        factories.make_update(
            red,
            user=manager,
            reported_on=date(2026, 4, 6),
            rag="green",
            summary="Campaign launched; offers made to three social workers.",
        )
        factories.make_update(
            green, user=manager, reported_on=date(2026, 4, 6), rag="green", summary="On track."
        )
        factories.make_update(
            amber,
            user=other_manager,
            reported_on=date(2026, 4, 6),
            rag="amber",
            summary="Specification delayed by the contractor.",
        )
    return Board(plan, red, amber, green, "First 20 schools trained")
