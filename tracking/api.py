"""``/api/drift/``: the drift of one plan as JSON, for BI tools. Its keys are a contract: new
ones may be added, none change."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.views.decorators.http import require_GET

from objectives import drafts, permissions
from objectives.drift import MilestoneDrift, ObjectiveDrift

from . import forecasts, panels, selectors


def _iso(value):
    return value.isoformat() if value else None


def milestone_json(m: MilestoneDrift) -> dict:
    # Written out field by field: this runs for every milestone of the plan (750 at a
    # council's size) on every request.
    state = m.state
    baseline, due, completed = state.baseline_date, state.due_date, state.completed_on
    return {
        "id": state.id,
        "title": state.title,
        "baseline_date": baseline.isoformat() if baseline else None,
        "due_date": due.isoformat() if due else None,
        "completed_on": completed.isoformat() if completed and m.complete else None,
        "slip_days": m.slip_days,
        "overdue_days": m.overdue_days,
        "replans": m.replans,
        "rag": m.rag,
        "depends_on": list(m.depends_on),
        "knock_on_days": m.knock_on_days,
    }


def objective_json(row: ObjectiveDrift) -> dict:
    state = row.state
    return {
        "id": state.id,
        "ref": state.ref,
        "title": state.title,
        "theme": state.theme,
        "owner": state.owner_username,
        "target_date": _iso(state.target_date),
        "rag": row.rag,
        "flags": list(row.flags),
        "milestones": [milestone_json(m) for m in row.milestones],
    }


def _error(message: str, status: int) -> JsonResponse:
    return JsonResponse({"error": message}, status=status)


@login_not_required
@require_GET
def drift_api(request):
    if not request.user.is_authenticated:
        return _error("Sign in to use this API.", 401)
    if not permissions.can_view_plan(request.user):
        return _error("Your account has no role in this service.", 403)
    try:
        as_of = selectors.parse_as_of(request.GET.get("as_of"))
        plan = drafts.resolve_plan_for(request.user, request.GET.get("plan"))
    except ValidationError as error:
        return _error(" ".join(error.messages), 400)
    result = selectors.plan_drift(plan, as_of)
    objectives = [objective_json(r) for r in result.objectives]
    likely = forecasts.plan_forecast(plan, as_of, result.objectives, read=result)
    forecasts.add_to_json(objectives, likely)
    fields = panels.drift_api.build(plan, as_of, stale_after_days=result.rules.stale_after_days)
    for name, values in fields.items():
        for item in objectives:
            item[name] = values.get(item["id"], [])
    body = {
        "plan": {"id": plan.pk, "name": plan.name},
        "as_of": as_of.isoformat(),
        "summary": result.summary,
        "forecast": likely.json(),
        "objectives": objectives,
    }
    body.update(panels.drift_api_plan.build(plan, as_of, drift=result))
    return JsonResponse(body)
