"""``/api/drift/``: the drift of one plan as JSON, for BI tools. Its keys are a contract: new
ones may be added, none change."""

from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.views.decorators.http import require_GET

from objectives import drafts, permissions

from . import api_body, forecasts, panels, selectors
from .api_body import objective_json


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
    if not selectors.is_past(as_of):
        text = api_body.body(plan, as_of)
        if text is not None:
            return HttpResponse(text, content_type="application/json")
    return JsonResponse(whole_body(plan, as_of))


def whole_body(plan, as_of) -> dict:
    """The API's body written out whole: a past day (kept by ``tracking.pastdays``), or today
    when ``api_body`` cannot stand for it."""
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
    return body
