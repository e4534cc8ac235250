"""The leadership dashboard, the accountability view and the board exports (thin views)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET

from impact import measure_selectors as impact_measure_selectors
from impact import panels as impact_panels
from impact import summary_selectors as impact_summary_selectors
from objectives import drafts, permissions
from objectives.drift import FLAGS

from . import accountable, charts, exports, fold, owners, panels, rows, selectors
from .forms import DashboardForm

PARAMS = ("plan", "as_of", "theme", "owner", "rag", "flag")
FILTERS = ("theme", "owner", "rag", "flag")


def _check(request) -> None:
    if not permissions.can_view_plan(request.user):
        raise PermissionDenied("Your account has no role in this service.")


def _query(plan, as_of, filters, plans, *, today) -> dict:
    """The query string that reproduces this view (plan only when there are several)."""
    params = {}
    if len(plans) > 1:
        params["plan"] = plan.pk
    if as_of != today:
        params["as_of"] = as_of.isoformat()
    params.update(filters.params())
    return params


def _links(params: dict) -> dict:
    def url(path, values):
        return path + (f"?{urlencode(values)}" if values else "")

    base = {k: v for k, v in params.items() if k in ("plan", "as_of")}
    plan_only = {k: v for k, v in params.items() if k == "plan"}
    home, accountability = reverse("dashboard:home"), reverse("dashboard:accountability")
    return {
        "base_query": urlencode(base),
        "plan": params.get("plan", ""),
        "as_of": params.get("as_of", ""),
        "csv": url(reverse("dashboard:export_csv"), params),
        "xlsx": url(reverse("dashboard:export_xlsx"), params),
        "accountability": url(accountability, base),
        "dashboard": url(home, base),
        "today": url(home, {k: v for k, v in params.items() if k != "as_of"}),
        "today_accountability": url(accountability, plan_only),
        "clear_filters": url(home, base),
    }


def _keep(form) -> list[tuple[str, str]]:
    """The filters of the query string, carried along when only the date changes."""
    return [(k, form.data[k]) for k in FILTERS if form.data.get(k)]


def _invalid(request, form, plans, template: str):
    """The page with its error summary (400); or, with no plan at all, just saying so."""
    if not plans:  # nothing is wrong with the request: there is no plan yet
        content = render_to_string(f"dashboard/_{template}.html", {"plans": []}, request=request)
        return render(request, f"dashboard/{template}.html", {"content": content})
    form.set_options(themes=[], owners=[])
    context = {"form": form, "plans": plans, "keep": _keep(form)}
    content = render_to_string(f"dashboard/_{template}.html", context, request=request)
    return render(
        request, f"dashboard/{template}.html", {"form": form, "content": content}, status=400
    )


def _asked(request, template: str):
    """The page's form for the plans this person may see, checked: ``(form, plans, None)``,
    or ``(form, plans, answer)`` when the page answers at once (400 for a form in error, a
    redirect to the tidy address for a date typed in the boxes)."""
    _check(request)
    plans = drafts.visible_plans(request.user, selectors.plans(request.GET.get("plan")))
    form = DashboardForm(request.GET, plans=plans)
    if not form.is_valid():
        return form, plans, _invalid(request, form, plans, template)
    if form.from_boxes:
        return form, plans, redirect(form.address(request.path))
    return form, plans, None


@require_GET
def dashboard(request):
    form, plans, answer = _asked(request, "dashboard")
    if answer is not None:
        return answer
    plan, as_of = form.cleaned_data["plan"], form.cleaned_data["as_of"]
    data = selectors.dashboard(plan, as_of, form.filters())
    shown = panels.dashboard.build(request, data)
    for panel in shown.values():
        if getattr(panel, "compare_day", None):
            data.compare_with(panel.compare_day)
    measures = impact_measure_selectors.plan_measures(
        plan,
        as_of,
        stale_after_days=data.drift.rules.stale_after_days,
        plan_marks=data.drift.plan_marks,
    )
    form.set_options(themes=data.theme_options, owners=data.owner_options)
    context = {
        "form": form,
        "plans": plans,
        "data": data,
        "links": _links(_query(plan, as_of, data.filters, plans, today=data.today)),
        "keep": list(data.filters.params().items()),
        "objectives": fold.objectives(
            data.table,
            data.filters,
            past=as_of if data.is_past else None,
            impact=impact_summary_selectors.impact_by_objective(plan, as_of, measures=measures),
            marks=data.drift.marks,
        ),
        "fold_after": fold.LONG,
        "trend_chart": charts.rag_trend([(p.day, p.counts) for p in data.trend]),
        "slip_chart": charts.slip_by_theme(data.theme_slips),
        "owners_chart": charts.owners_most_red(data.owners_most_red),
        "filter_labels": _filter_labels(data),
        "owner_counts": owners.owner_counts(data),
        "drawn_by": rows.template_digest("dashboard/_dashboard.html", "includes/_rag_tag.html"),
        **shown,
    }
    content = render_to_string("dashboard/_dashboard.html", context, request=request)
    impact = impact_panels.dashboard_panel(plan, as_of, drift=data.drift, measures=measures)
    context = {
        "form": form,
        "data": data,
        "content": content,
        "impact_panel": impact,
        "fold_after": fold.LONG,
    }
    response = render(request, "dashboard/dashboard.html", context)
    data.keep_worked_out()
    return response


def _filter_labels(data) -> list[str]:
    f = data.filters
    labels = []
    if f.theme:
        labels.append(f"theme: {dict(data.theme_options).get(f.theme, f.theme)}")
    if f.owner:
        labels.append(f"owner: {dict(data.owner_options).get(f.owner, f.owner)}")
    if f.rag:
        labels.append(f"status: {selectors.RAG_LABELS[f.rag].lower()}")
    if f.flag:
        labels.append(f"problem: {FLAGS[f.flag][1].lower()}")
    return labels


@require_GET
def accountability(request):
    form, plans, answer = _asked(request, "accountability")
    if answer is not None:
        return answer
    plan, as_of = form.cleaned_data["plan"], form.cleaned_data["as_of"]
    result = selectors.plan_drift(plan, as_of)
    today = timezone.localdate()
    links = _links(_query(plan, as_of, selectors.Filters(), plans, today=today))
    context = {
        "form": form,
        "plans": plans,
        "plan": plan,
        "as_of": as_of,
        "today": today,
        "is_past": as_of < today,
        "is_future": as_of > today,
        "keep": [],
        "links": links,
    }

    form.set_options(themes=[], owners=[])
    past = as_of if as_of < today else None
    context["people"] = [
        (person, rows.owner_rows(person.objectives, past=past, marks=result.marks))
        for person in accountable.people_accountable(result)
    ]
    context["content"] = render_to_string(
        "dashboard/_accountability.html", context, request=request
    )
    return render(request, "dashboard/accountability.html", context)


def _export(request, kind: str):
    # Anonymous visitors never get here: LoginRequiredMiddleware sends them to sign in.
    if not permissions.can_view_plan(request.user):
        return HttpResponse(
            "Your account has no role in this service.", status=403, content_type="text/plain"
        )
    plans = drafts.visible_plans(request.user, selectors.plans(request.GET.get("plan")))
    form = DashboardForm(request.GET, plans=plans, plan_required=True)
    if not form.is_valid():
        return HttpResponse(
            form.error_messages_text(), status=400, content_type="text/plain; charset=utf-8"
        )
    plan, as_of = form.cleaned_data["plan"], form.cleaned_data["as_of"]
    filters = form.filters()
    body = exports.build(kind, plan, as_of, selectors.filtered_rows(plan, as_of, filters))
    return exports.response(kind, plan, as_of, body)


@require_GET
def export_csv(request):
    return _export(request, "csv")


@require_GET
def export_xlsx(request):
    return _export(request, "xlsx")
