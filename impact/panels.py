"""The impact's panels on pages of apps below it: the objective page's findings, measures and
evidence and the measures of each objective in ``/api/drift/`` (registered with ``tracking.panels``
in ``impact.apps``), and the dashboard's measures and findings (read by the dashboard's view).
Their templates only draw what these read."""

from __future__ import annotations

from django.db import connection

from kit.keys import drawn_key
from objectives import permissions
from tracking.history_since import latest_record_sql, recorded_ids_sql

from . import charts, measure_selectors, selectors, summary_selectors, value_services
from .measure_rules import LABELS, STATUSES
from .models import Evidence, Finding, Measure, MeasureValue, ObjectiveFinding

OBJECTIVE_PANEL_TEMPLATES = (
    "impact/_objective_impact.html",
    "impact/_objective_panel.html",
    "impact/_measure_tag.html",
    "impact/_measure_chart.svg.html",
    "includes/_chart_text.svg.html",
)


def objective_panel(request, objective, as_of, past, rules) -> dict:
    """The objective page's findings, measures (with their charts) and evidence at ``as_of``,
    with what the viewer may do (nothing on a past day's page)."""
    user = request.user
    measures = measure_selectors.objective_measures(
        objective, as_of, stale_after_days=getattr(rules, "stale_after_days", None)
    )
    can_edit = not past and permissions.can_edit_objective(user, objective)
    return {
        "request": request,
        "objective": objective,
        "as_of": as_of,
        "past": past,
        "findings": selectors.findings_for_objective(objective, as_of),
        "measures": [(m, charts.measure_chart(m, prefix=f"measure-{m.id}")) for m in measures],
        "evidence": selectors.evidence_for_objective(objective, as_of),
        "can_edit": can_edit,
        "can_manage": not past and permissions.can_manage_plan(user),
        # the values this person may correct or withdraw now (none on a past day's page)
        "changeable": value_services.values_changeable_by(user, objective) if can_edit else set(),
    }


def objective_panel_marks(objective) -> list[tuple[str, list]]:
    """What the objective page's panel shows, in brief (see ``kit.panels``): the latest record
    of the objective's finding links, measures, their values and evidence, and of its plan's
    findings. The rest it shows (the objective, its milestones and updates, people) is in the
    page's own mark."""
    q = connection.ops.quote_name
    mine = f"{q('objective_id')} = %s"
    measures = recorded_ids_sql(Measure, mine)
    return [
        (latest_record_sql(ObjectiveFinding, mine), [objective.pk]),
        (latest_record_sql(Finding, f"{q('plan_id')} = %s"), [objective.plan_id]),
        (latest_record_sql(Measure, mine), [objective.pk]),
        (latest_record_sql(MeasureValue, f"{q('measure_id')} IN ({measures})"), [objective.pk]),
        (latest_record_sql(Evidence, mine), [objective.pk]),
    ]


DASHBOARD_PANEL_TEMPLATES = (
    "impact/_dashboard_panel.html",
    "impact/_measure_tag.html",
    "includes/_rag_tag.html",
)


def dashboard_panel(plan, as_of, *, drift=None, measures=None) -> dict:
    """The dashboard's measures by status and delivery beside impact (pass the plan's drift and
    measures when the dashboard has read them), with ``key``: what it shows and the templates
    that draw it, the key it is kept drawn under."""
    data = summary_selectors.dashboard_impact(plan, as_of, drift=drift, measures=measures)
    shown = (plan.pk, as_of, data)
    return {
        "plan": plan,
        "as_of": as_of,
        "impact": data,
        "statuses": [(s, LABELS[s], data.counts[s]) for s in STATUSES],
        "key": drawn_key(DASHBOARD_PANEL_TEMPLATES, shown),
    }


def objectives_of_value(record) -> list[int]:
    """The objective a measure value's history record touches (``tracking.stamps``)."""
    from .models import Measure

    return list(Measure.objects.filter(pk=record.measure_id).values_list("objective_id", flat=True))
