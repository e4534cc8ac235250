"""A person's calendar: two published plans and a draft, each with board meetings, and
milestones open, complete and withdrawn on objectives open and withdrawn."""

from dataclasses import dataclass
from datetime import date

import pytest

from board import services as board_services
from board.models import BoardMeeting
from calendars import services
from milestones import services as milestone_services
from milestones.models import Milestone
from objectives import services as objective_services
from objectives.models import Objective
from tests import factories

TODAY = date(2026, 3, 2)
SITE = "https://improve.example.org"


@dataclass
class World:
    objective: Objective  # 1.1 owned by the manager, open
    due_soon: Milestone  # open, due 15 April
    due_later: Milestone  # open, due 30 June
    completed: Milestone
    withdrawn: Milestone
    withdrawn_objective_milestone: Milestone  # open, on the manager's withdrawn objective 1.2
    others: Milestone  # open, on 2.1 owned by another manager
    draft_milestone: Milestone  # open, the manager's, in a draft plan
    meetings: list[BoardMeeting]  # the manager's plan's two meetings
    other_plan_meeting: BoardMeeting  # a plan in which the manager owns nothing
    draft_meeting: BoardMeeting


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = SITE


@pytest.fixture
def world(clock, admin_user, manager, other_manager) -> World:
    with clock(date(2026, 1, 5)):
        plan = factories.make_plan(user=admin_user, name="Kestrelford plan")
        common = {"starts_on": date(2026, 1, 1), "target_date": date(2026, 12, 31)}
        objective = factories.make_objective(
            plan, user=admin_user, ref="1.1", title="Reduce agency staff", owner=manager, **common
        )
        due_soon = factories.make_milestone(
            objective,
            user=admin_user,
            title="Recruit ten social workers",
            due_date=date(2026, 4, 15),
        )
        due_later = factories.make_milestone(
            objective, user=admin_user, title="Agency rate below 10%", due_date=date(2026, 6, 30)
        )
        completed = factories.make_milestone(
            objective, user=admin_user, title="Job adverts out", due_date=date(2026, 2, 1)
        )
        withdrawn = factories.make_milestone(
            objective, user=admin_user, title="Overseas recruitment", due_date=date(2026, 5, 1)
        )
        gone = factories.make_objective(
            plan, user=admin_user, ref="1.2", title="A new academy", owner=manager, **common
        )
        withdrawn_objective_milestone = factories.make_milestone(
            gone, user=admin_user, title="Academy opens", due_date=date(2026, 9, 1)
        )
        theirs = factories.make_objective(
            plan,
            user=admin_user,
            ref="2.1",
            title="Step down to early help",
            owner=other_manager,
            **common,
        )
        others = factories.make_milestone(
            theirs, user=admin_user, title="Early help panel", due_date=date(2026, 4, 20)
        )
        meetings = [
            board_services.board_meeting_create(
                user=admin_user, plan=plan, held_on=day, name="Improvement board"
            )
            for day in (date(2026, 4, 30), date(2026, 6, 25))
        ]
        other_plan = factories.make_plan(user=admin_user, name="Youth justice plan")
        other_plan_meeting = board_services.board_meeting_create(
            user=admin_user, plan=other_plan, held_on=date(2026, 5, 7), name="Youth board"
        )
        draft = factories.make_plan(user=admin_user, name="Draft plan", published=False)
        draft_objective = factories.make_objective(
            draft, user=admin_user, ref="9.1", title="Not yet agreed", owner=manager, **common
        )
        draft_milestone = factories.make_milestone(
            draft_objective, user=admin_user, title="Secret milestone", due_date=date(2026, 5, 5)
        )
        draft_meeting = board_services.board_meeting_create(
            user=admin_user, plan=draft, held_on=date(2026, 5, 14), name="Draft board"
        )
    with clock(date(2026, 2, 2)):
        completed = milestone_services.milestone_complete(
            milestone=completed, user=manager, completed_on=date(2026, 2, 2)
        )
        withdrawn = milestone_services.milestone_withdraw(
            milestone=withdrawn,
            user=admin_user,
            reason="No longer needed",
            expected_version=withdrawn.version,
        )
        objective_services.objective_withdraw(
            objective=gone, user=admin_user, reason="Merged into 1.1", expected_version=gone.version
        )
    return World(
        objective=objective,
        due_soon=due_soon,
        due_later=due_later,
        completed=completed,
        withdrawn=withdrawn,
        withdrawn_objective_milestone=withdrawn_objective_milestone,
        others=others,
        draft_milestone=draft_milestone,
        meetings=meetings,
        other_plan_meeting=other_plan_meeting,
        draft_meeting=draft_meeting,
    )


def feed_path(token: str) -> str:
    return f"/calendar/{token}.ics"


@pytest.fixture
def manager_token(world, manager) -> str:
    return services.calendar_feed_replace(user=manager)
