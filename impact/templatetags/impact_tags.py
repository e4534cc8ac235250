"""Template tags that draw the findings, measures and evidence on the objective page and the
dashboard from what ``impact.panels`` read, so those pages need only one include line each."""

from django import template

from kit.formatting import number as format_number

from ..measure_rules import LABELS

register = template.Library()


@register.inclusion_tag("impact/_objective_panel.html")
def objective_impact(panel):
    return dict(panel)


@register.inclusion_tag("impact/_dashboard_panel.html")
def dashboard_impact(panel, fold_after=0):
    """The dashboard's impact panel; its table folded under a details when it has more than
    ``fold_after`` rows (0: never)."""
    return {**dict(panel), "fold_after": fold_after}


@register.filter
def number(value):
    return format_number(value)


@register.filter
def measure_label(status):
    return LABELS.get(status, "No measures")


@register.filter
def count_for(counts, key):
    """``{{ counts|count_for:objective_id }}``: the count for one key of a dict, 0 when absent."""
    try:
        return counts.get(key, 0)
    except AttributeError:
        return 0
