"""Reads for the improvement board: who may see a plan's pack, its meetings, which date to
compare with, and its challenges. The board pack itself is read in ``pack_selectors``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from kit.formatting import long_date
from objectives import drafts
from objectives.models import Plan
from tracking import plan_marks as plan_marks_of
from tracking.selectors import end_of_day

from .models import BoardMeeting, Challenge

DEFAULT_DAYS = 28


# --- who may see a plan's pack -------------------------------------------------------------------


def plan_visible_to(plan: Plan, user) -> bool:
    """Drafts are for administrators only; published plans for every signed-in role."""
    return drafts.plan_visible(user, plan)


# --- board meetings and the comparison date ------------------------------------------------------


def meetings(plan: Plan) -> list[BoardMeeting]:
    return list(BoardMeeting.objects.filter(plan=plan).order_by("held_on", "id"))


def last_meeting_before(plan: Plan, day: date) -> BoardMeeting | None:
    """The last meeting before ``day``, leaving out one cancelled by ``day``."""
    held = BoardMeeting.objects.filter(plan=plan, held_on__lt=day).held_as_of(day)
    return held.order_by("-held_on").first()


def next_meeting_after(plan: Plan, day: date) -> BoardMeeting | None:
    """The next meeting after ``day``, leaving out one cancelled by ``day``."""
    held = BoardMeeting.objects.filter(plan=plan, held_on__gt=day).held_as_of(day)
    return held.order_by("held_on").first()


@dataclass(frozen=True)
class Comparison:
    """The date the plan at D is compared with, and the words that say which it is."""

    day: date
    meeting: BoardMeeting | None
    chosen: bool  # a person picked the date

    @property
    def words(self) -> str:
        """ "the board on 3 March 2026", "4 weeks earlier (2 February 2026)", "1 May 2026"."""
        if self.meeting is not None:
            return f"the board on {long_date(self.day)}"
        if self.chosen:
            return long_date(self.day)
        return f"4 weeks earlier ({long_date(self.day)})"

    @property
    def sentence(self) -> str:
        return f"Compared with {self.words}"


def comparison_date(plan: Plan, as_of: date, since: date | None = None) -> Comparison:
    """``since`` when a person chose it; else the last board meeting before ``as_of``; else
    four weeks earlier."""
    if since is not None:
        meeting = BoardMeeting.objects.filter(plan=plan, held_on=since).held_as_of(as_of).first()
        return Comparison(since, meeting, chosen=True)
    meeting = last_meeting_before(plan, as_of)
    if meeting is not None:
        return Comparison(meeting.held_on, meeting, chosen=False)
    return Comparison(as_of - timedelta(days=DEFAULT_DAYS), None, chosen=False)


@dataclass(frozen=True)
class BoardState:
    """What the dashboard needs from the board."""

    comparison: Comparison
    open_challenges: int


def board_state(
    plan: Plan, as_of: date, since: date | None = None, *, plan_marks=None
) -> BoardState:
    """The comparison date and the number of challenges open at the end of ``as_of`` (two
    short queries; none when kept under ``plan_marks``, ``PlanDrift.plan_marks``)."""

    def read() -> BoardState:
        challenges = Challenge.objects.filter(objective__plan=plan).open_at(end_of_day(as_of))
        return BoardState(
            comparison=comparison_date(plan, as_of, since),
            open_challenges=challenges.count(),
        )

    tables = (plan_marks_of.table(BoardMeeting), plan_marks_of.table(Challenge))
    return plan_marks_of.kept(plan_marks, tables, ("board_state", plan.pk, as_of, since), read)


# --- challenges ----------------------------------------------------------------------------------


def challenges_for_objective(objective) -> list[Challenge]:
    return list(
        Challenge.objects.filter(objective=objective)
        .select_related("objective__plan", "raised_by", "answered_by", "closed_by")
        .order_by("-raised_at", "-id")
    )


def challenges_at(objective, as_of: date) -> list[Challenge]:
    """The objective's challenges as they stood at the end of ``as_of``, newest first: those
    raised by then, each showing only the answer and closing recorded by then. The rows are
    for display and never saved."""
    cutoff = end_of_day(as_of)
    found = []
    for challenge in challenges_for_objective(objective):
        if challenge.raised_at >= cutoff:
            continue
        if challenge.closed_at is not None and challenge.closed_at >= cutoff:
            challenge.closed_at, challenge.closed_by = None, None
        if challenge.answered_at is not None and challenge.answered_at >= cutoff:
            challenge.answer, challenge.answered_at, challenge.answered_by = "", None, None
        if challenge.closed_at is not None:
            challenge.status = Challenge.Status.CLOSED
        elif challenge.answered_at is not None:
            challenge.status = Challenge.Status.ANSWERED
        else:
            challenge.status = Challenge.Status.OPEN
        found.append(challenge)
    return found


def open_challenges_for_owner(user) -> list[Challenge]:
    """Challenges on objectives ``user`` owns that still wait for their answer (none on the
    objectives of draft plans, unless ``user`` is an administrator)."""
    if not user.is_authenticated:
        return []
    waiting = Challenge.objects.filter(objective__owner=user, status=Challenge.Status.OPEN)
    return list(
        drafts.visible_rows(user, waiting)
        .select_related("objective", "raised_by")
        .order_by("raised_at", "id")
    )


def open_challenges(plan: Plan, as_of: date | None = None) -> list[Challenge]:
    """Challenges in the plan not closed by the end of ``as_of`` (now when None), oldest first."""
    rows = Challenge.objects.filter(objective__plan=plan).select_related(
        "objective", "raised_by", "answered_by", "objective__owner"
    )
    if as_of is None:
        return list(rows.not_closed().order_by("raised_at", "id"))
    cutoff = end_of_day(as_of)
    found = []
    for challenge in rows.filter(raised_at__lt=cutoff).order_by("raised_at", "id"):
        if challenge.closed_at is not None and challenge.closed_at < cutoff:
            continue
        if challenge.answered_at is not None and challenge.answered_at >= cutoff:
            challenge.answer_shown = False
        else:
            challenge.answer_shown = bool(challenge.answer)
        found.append(challenge)
    return found


def open_challenge_count(plan: Plan) -> int:
    return Challenge.objects.filter(objective__plan=plan).not_closed().count()
