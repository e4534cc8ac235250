"""Reads for a person's calendar feed: whose link a token is, and what goes in the feed.

Drafts never appear, whoever asks (administrators included): a feed leaves the service and
cannot carry a "Draft" tag.
"""

from __future__ import annotations

from django.db.models import QuerySet
from django.db.models.functions import Coalesce, Greatest

from board.models import BoardMeeting
from milestones.models import Milestone
from objectives.models import Objective
from tracking.history import last_recorded

from .models import TOKEN_PATTERN, CalendarFeed


def feed_owner(token: str):
    """The active person whose calendar link ``token`` is, or None.

    Only a well-formed token is looked up; the one found is compared again in constant time.
    Leavers' links stop working.
    """
    if not isinstance(token, str) or not TOKEN_PATTERN.fullmatch(token):
        return None
    feed = (
        CalendarFeed.objects.select_related("user")
        .filter(token=token, user__is_active=True)
        .first()
    )
    if feed is None or not feed.matches(token):
        return None
    return feed.user


def feed_of(person) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=person).first()


def open_milestones(person) -> QuerySet[Milestone]:
    """The person's open milestones on objectives they own in published plans: neither the
    milestone complete or withdrawn, nor its objective; ``last_modified`` is the later of the
    milestone's and the objective's last recorded change."""
    milestone_changed = last_recorded(Milestone, "pk")
    objective_changed = last_recorded(Objective, "objective_id")
    return (
        Milestone.objects.open()
        .filter(objective__owner=person, objective__plan__published_on__isnull=False)
        .exclude(objective__status__in=[Objective.Status.COMPLETE, Objective.Status.WITHDRAWN])
        .select_related("objective__plan")
        .annotate(
            last_modified=Greatest(
                Coalesce(milestone_changed, objective_changed),
                Coalesce(objective_changed, milestone_changed),
            )
        )
        .order_by("due_date", "objective__plan_id", "objective__ref", "id")
    )


def board_meetings(person) -> QuerySet[BoardMeeting]:
    """The board meetings of the published plans in which the person owns an objective that
    is not withdrawn, leaving out cancelled meetings. Every rule about which meetings count lives
    here."""
    plans = Objective.objects.current().filter(owner=person).values("plan_id")
    return (
        BoardMeeting.objects.filter(
            plan_id__in=plans, plan__published_on__isnull=False, cancelled_on__isnull=True
        )
        .select_related("plan")
        .annotate(last_modified=last_recorded(BoardMeeting, "pk"))
        .order_by("held_on", "plan_id", "id")
    )
