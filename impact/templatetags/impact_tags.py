"""Template tags that put the findings, measures and evidence on the objective page and the
dashboard, so those pages need only one include line each."""

from django import template

from objectives import permissions

from .. import charts, selectors, services
from ..measure_rules import LABELS, STATUSES

register = template.Library()


@register.inclusion_tag("impact/_objective_panel.html", takes_context=True)
def objective_impact(context, objective, as_of, past=False):
    user = context["request"].user
    rules = context.get("rules")  # the plan's thresholds at D, from the objective page
    measures = selectors.objective_measures(
        objective, as_of, stale_after_days=getattr(rules, "stale_after_days", None)
    )
    can_edit = not past and permissions.can_edit_objective(user, objective)
    return {
        "request": context["request"],
        "objective": objective,
        "as_of": as_of,
        "past": past,
        "findings": selectors.findings_for_objective(objective, as_of),
        "measures": [(m, charts.measure_chart(m, prefix=f"measure-{m.id}")) for m in measures],
        "evidence": selectors.evidence_for_objective(objective, as_of),
        "can_edit": can_edit,
        "can_manage": not past and permissions.can_manage_plan(user),
        # the values this person may correct or withdraw now (none on a past day's page)
        "changeable": services.values_changeable_by(user, objective) if can_edit else set(),
    }


@register.inclusion_tag("impact/_dashboard_panel.html", takes_context=True)
def dashboard_impact(context, plan, as_of, drift=None):
    # the dashboard's view passes the measures it read for its rows
    measures = context.get("impact_measures")
    data = selectors.dashboard_impact(plan, as_of, drift=drift, measures=measures)
    return {
        "plan": plan,
        "as_of": as_of,
        "impact": data,
        "statuses": [(s, LABELS[s], data.counts[s]) for s in STATUSES],
    }


@register.filter
def number(value):
    return selectors.number(value)


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
