"""Pages that read the plan's drift: the landing page and worklist (``worklist``), the
objective page (its milestones, drift, updates, history timeline and trend, today or on any past
day), and the JSON API (``api``)."""

from __future__ import annotations

from datetime import date

from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.views.decorators.http import require_GET

from kit.formatting import person_name
from objectives import drafts, drift, explain, permissions
from objectives.forms import AsOfForm, ProgressUpdateForm
from objectives.models import Objective
from objectives.views import objective_url, require_viewer

from . import forecasts, objective_reads, panels, selectors, timeline, trend, worklist


@require_GET
def my_objectives(request):
    """The signed-in person's own objectives, most urgent first."""
    return worklist.render_worklist(request)


# ---------------------------------------------------------------------------------------------
# The objective page
# ---------------------------------------------------------------------------------------------


_AS_OF_BOXES = ("as_of_day", "as_of_month", "as_of_year")
# Change with objectives/_trend.html, _timeline.html, _updates.html, _likely_finish.html,
# _milestones_table.html or milestones/_withdrawn.html (the panels' keys have their templates'
# digest).
FRAGMENTS_VERSION = 3


@require_GET
def objective_detail(request, pk: int):
    """An objective with its milestones, drift, updates, history and trend; today or at ?as_of."""
    require_viewer(request)
    objective = get_object_or_404(Objective.objects.select_related("plan", "theme", "owner"), pk=pk)
    drafts.require_visible(request.user, objective)
    today = timezone.localdate()
    status = 200
    if any(name in request.GET for name in _AS_OF_BOXES):
        as_of_form = AsOfForm(request.GET)
    elif request.GET.get("as_of"):
        as_of_form = AsOfForm.from_query(request.GET["as_of"])
    else:
        as_of_form = AsOfForm()
    as_of = today
    if as_of_form.is_bound:
        if as_of_form.is_valid():
            as_of = as_of_form.cleaned_data["as_of"]
            if as_of == today:
                return redirect(objective_url(objective))
            if any(name in request.GET for name in _AS_OF_BOXES):
                return redirect(f"{objective_url(objective)}?as_of={as_of.isoformat()}")
        else:
            status = 400
    context = objective_page(request, objective, as_of)
    context["as_of_form"] = as_of_form
    return render(request, "objectives/objective_detail.html", context, status=status)


def objective_page(request, objective: Objective, as_of: date) -> dict:
    """Everything the objective page shows, read from history at the end of ``as_of``."""
    today = timezone.localdate()
    past = as_of < today
    cutoff = selectors.end_of_day(as_of)
    parts = (as_of, today, past, FRAGMENTS_VERSION)
    if past:
        page = objective_reads.past(objective, as_of, parts)
        recorded = page.recorded
        shown = _shown_from_history(recorded, page.records) if recorded else None
    else:
        page = objective_reads.today(request.user, objective, as_of, parts)
        shown = _shown_from_objective(objective)
    read, records, rules, row = page.read, page.records, page.rules, page.row
    if shown and row:  # the owner's account as it stood at D, as drift reads it
        shown["owner"] = row.state.owner_name if row.state.owner_id else ""
        shown["owner_active"] = row.state.owner_active
    elif shown and past and recorded["owner_id"]:  # withdrawn by D: the account then too
        account = selectors.owner_at(objective, recorded["owner_id"], as_of)
        shown["owner"], shown["owner_active"] = account.name, account.is_active
    can_edit = not past and permissions.can_edit_objective(request.user, objective)
    administrator = permissions.is_administrator(request.user)
    can_edit = can_edit and not (objective.is_withdrawn and not administrator)
    reasons = explain.explain_drift(row, rules, as_of) if row and shown else []
    likely = SimpleLazyObject(
        lambda: forecasts.plan_forecast(
            objective.plan, as_of, [row] if row and shown else [], read=read
        )
    )
    context = {
        "objective": objective,
        "shown": shown,
        "as_of": as_of,
        "today": today,
        "past": past,
        "drift": row,
        "rules": rules,
        "due_soon": [(row, m) for m in row.due_soon] if row and shown else [],
        "red_reasons": [r["text"] for r in reasons if r["rag"] == drift.RED],
        "amber_reasons": [r["text"] for r in reasons if r["rag"] == drift.AMBER],
        "likely": likely,
        "likely_finish": SimpleLazyObject(lambda: likely.objectives.get(row.id)) if row else None,
        "likely_key": page.likely_key,
        "updates": SimpleLazyObject(lambda: timeline.updates_as_of(records, cutoff)),
        # Worked out only when drawn: the page keeps both, drawn, under ``records_key``.
        "timeline": SimpleLazyObject(
            lambda: timeline.build_timeline(records, until=cutoff if past else None)
        ),
        "trend": SimpleLazyObject(
            lambda: trend.milestone_trend(objective, as_of, rows=records.milestones)
        ),
        "records_key": page.records_key,
        "panels_key": page.panels_key,
        "first_recorded": page.first_recorded,
        "can_edit": can_edit,
        # The milestones table shows only the drift read's rows and these: kept under them.
        "milestones_key": timeline.mark_key(
            (row and row.milestones, shown and shown["ref"], can_edit, administrator, rules),
            objective.pk,
            *parts,
        ),
        "update_form": ProgressUpdateForm() if can_edit else None,
        "withdrawals": SimpleLazyObject(lambda: selectors.withdrawals(objective)),
    }
    # The board's challenges and the impact's findings and measures, read when drawn.
    context.update(panels.objective_page.lazy(request, objective, as_of, past, rules))
    return context


def _shown_from_objective(objective: Objective) -> dict:
    owner = objective.owner
    return {
        "ref": objective.ref,
        "title": objective.title,
        "theme": objective.theme.name if objective.theme else "",
        "description": objective.description,
        "source": objective.source,
        "owner": person_name(owner) if owner else "",
        "owner_active": owner.is_active if owner else True,
        "starts_on": objective.starts_on,
        "target_date": objective.target_date,
        "status": objective.get_status_display(),
    }


def _shown_from_history(recorded: dict, records: timeline.ObjectiveRecords) -> dict:
    owner = records.users.get(recorded["owner_id"]) if recorded["owner_id"] else None
    return {
        "ref": recorded["ref"],
        "title": recorded["title"],
        "theme": records.themes.get(recorded["theme_id"], "") if recorded["theme_id"] else "",
        "description": recorded["description"],
        "source": recorded["source"],
        "owner": person_name(owner) if owner else "",
        "owner_active": owner.is_active if owner else True,
        "starts_on": recorded["starts_on"],
        "target_date": recorded["target_date"],
        "status": timeline.STATUS_LABELS.get(recorded["status"], recorded["status"]),
    }
