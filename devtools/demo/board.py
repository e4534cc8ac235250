"""The demo plan's board cycle: board meetings about every six weeks over the last 18 months
(the last about four weeks ago, the next in a fortnight with some owners' updates for it still
missing: ``devtools.demo.update_cycle``), and a few challenges from leadership, open, answered
and closed.

Called once from ``seed_demo``; adds nothing when the plan already has them.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from board import services
from board.models import BoardMeeting, Challenge
from devtools.demo import people as people_demo
from devtools.demo import update_cycle as update_cycle_demo
from objectives import drift
from objectives.models import Objective
from objectives.permissions import LEADERSHIP
from tracking.selectors import plan_drift

User = get_user_model()
QUESTIONS = (
    (
        "This has been red at the last two boards. What is stopping the overdue milestone, "
        "and what help do you need from the leadership team to recover it?",
        "Recruitment to the two team manager posts fell through. Agency cover starts next "
        "month and I have asked HR to re-advertise; I expect to recover the date by the "
        "following board.",
    ),
    (
        "Your last update says green but the milestones show a slip beyond tolerance. "
        "Which is right, and when will the board see the revised plan?",
        "The milestone dates have moved but the work is on track; I will bring a "
        "re-baseline request to the next board with the evidence.",
    ),
    (
        "Please set out for the board what the new date rests on, and the risk if it slips again.",
        "",
    ),
)


def _at(day: date, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), tzinfo=timezone.get_default_timezone())


def _director(joined: datetime):
    """The Director of Children's Services, who chairs the board and challenges owners."""
    user = User.objects.filter(username="m.hale").first()
    if user is None:
        user = User(
            username="m.hale",
            first_name="Marion",
            last_name="Hale",
            email="m.hale@kestrelford.example.org",
            date_joined=joined,
        )
        user.set_unusable_password()
        people_demo.create_account(
            user, groups=[Group.objects.get_or_create(name=LEADERSHIP)[0]], joined=joined
        )
    return user


def add_board_cycle(plan, *, admin, leader, today: date) -> None:
    """``leader`` is kept for the signature; the demo's challenges come from the Director."""
    if not BoardMeeting.objects.filter(plan=plan).exists():
        _meetings(plan, admin=admin, today=today)
        update_cycle_demo.add_updates_for_next_board(plan, today=today)
    if not Challenge.objects.filter(objective__plan=plan).exists():
        director = _director(_at(plan.starts_on - timedelta(days=30)))
        _challenges(plan, admin=admin, leader=director, today=today)


def _meetings(plan, *, admin, today: date) -> None:
    days = update_cycle_demo.meeting_days(plan, today)
    now = timezone.now()
    for n, held_on in enumerate(days, start=1):
        recorded = min(
            _at(held_on - timedelta(days=28), 9), now - timedelta(minutes=len(days) - n + 1)
        )
        services.board_meeting_create(
            user=admin,
            plan=plan,
            held_on=held_on,
            name="Improvement board",
            recorded_at=recorded,
        )


def _challenges(plan, *, admin, leader, today: date) -> None:
    rows = [
        r
        for r in plan_drift(plan, today).objectives
        if r.rag in (drift.RED, drift.AMBER) and r.state.owner_id and r.state.owner_active
    ]
    if not rows:
        return
    now = timezone.now()
    stories = [
        # (question, answer, raised days ago, answered days ago, closed days ago, raiser)
        (QUESTIONS[0][0], QUESTIONS[0][1], 40, 35, 30, leader),
        (QUESTIONS[1][0], QUESTIONS[1][1], 12, 8, None, leader),
        (QUESTIONS[2][0], "", 3, None, None, admin),
    ]
    for (question, answer, raised, answered, closed, raiser), row in zip(
        stories, rows, strict=False
    ):
        objective = Objective.objects.select_related("owner").get(pk=row.id)
        at = min(_at(today - timedelta(days=raised)), now - timedelta(minutes=30))
        challenge = services.challenge_raise(
            user=raiser, objective=objective, question=question, recorded_at=at
        )
        if answered is not None:
            at = min(_at(today - timedelta(days=answered), 14), now - timedelta(minutes=20))
            challenge = services.challenge_answer(
                user=objective.owner, challenge=challenge, answer=answer, recorded_at=at
            )
        if closed is not None:
            at = min(_at(today - timedelta(days=closed), 16), now - timedelta(minutes=10))
            services.challenge_close(user=raiser, challenge=challenge, recorded_at=at)
