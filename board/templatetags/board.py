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
def objective_challenges(objective, user):
    challenges = selectors.challenges_for_objective(objective)
    open_ = [
        {
            "challenge": c,
            "can_answer": c.status == c.Status.OPEN and services.can_answer_challenge(user, c),
            "can_close": services.can_close_challenge(user, c),
        }
        for c in challenges
        if not c.is_closed
    ]
    return {
        "open": open_,
        "closed": [c for c in challenges if c.is_closed],
        "can_raise": services.can_raise_challenge(user)
        and not objective.is_withdrawn
        and selectors.plan_visible_to(objective.plan, user),
    }
