"""Template tags for the board's includes on other apps' pages (one line each there)."""

from django import template

from .. import selectors, services

register = template.Library()


@register.simple_tag
def plan_meetings(plan):
    return selectors.meetings(plan)


@register.simple_tag
def my_open_challenges(user):
    return selectors.open_challenges_for_owner(user)


@register.simple_tag
def objective_challenges(objective, user, past_day=None):
    """The objective's challenges, today or (with ``past_day``) as they stood at its end, when
    nothing can be done to them."""
    if past_day is not None:
        challenges = selectors.challenges_at(objective, past_day)
    else:
        challenges = selectors.challenges_for_objective(objective)
    today = past_day is None
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
