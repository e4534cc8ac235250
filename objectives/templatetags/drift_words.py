"""The drift rules' words for a template (``objectives.explain``): no database, no rights."""

from django import template

from objectives import explain

register = template.Library()


@register.filter
def waiting_for(milestone) -> str:
    """What an open milestone waits for, in words ("" when nothing holds it back)."""
    return explain.waiting_for(milestone)
