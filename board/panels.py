"""The board's panels on pages of apps below it, registered with ``tracking.panels`` in
``board.apps``: an objective's challenges on its page and the challenges waiting for the
signed-in owner's answer on their worklist. Their templates only draw what these read."""

from __future__ import annotations

from django.db import connection

from tracking.history_since import latest_record_sql

from . import selectors, services
from .models import Challenge

OBJECTIVE_CHALLENGES_TEMPLATES = (
    "board/_objective_challenges.html",
    "board/_challenge_question.html",
)


def objective_challenges(request, objective, as_of, past, rules) -> dict:
    """The objective's challenges, today or (on a past day's page) as they stood at the end of
    ``as_of``, when nothing can be done to them."""
    user = request.user
    if past:
        challenges = selectors.challenges_at(objective, as_of)
    else:
        challenges = selectors.challenges_for_objective(objective)
    today = not past
    open_ = [
        {
            "challenge": c,
            "can_answer": today
            and c.status == c.Status.OPEN
            and services.can_answer_challenge(user, c),
            "can_close": today and services.can_close_challenge(user, c),
        }
        for c in challenges
        if not c.is_closed
    ]
    return {
        "open": open_,
        "closed": [c for c in challenges if c.is_closed],
        "can_raise": today
        and services.can_raise_challenge(user)
        and not objective.is_withdrawn
        and selectors.plan_visible_to(objective.plan, user),
    }


def objective_challenges_marks(objective) -> list[tuple[str, list]]:
    """What the objective page's challenges show, in brief (see ``kit.panels``): the latest
    record of the objective's challenges. The people named and who may do what (their roles,
    the objective, its plan) are in the page's own mark and key."""
    q = connection.ops.quote_name
    return [(latest_record_sql(Challenge, f"{q('objective_id')} = %s"), [objective.pk])]


def waiting_challenges(request) -> list:
    """The open challenges waiting for the signed-in owner's answer."""
    return selectors.open_challenges_for_owner(request.user)
