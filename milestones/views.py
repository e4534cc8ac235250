"""The owner's changes to milestones: add one, re-forecast its date, mark it complete.

Each is refused with 403 before anything is validated when the person may not change the
objective the milestone belongs to; a form loaded at an older version gets a 409 conflict page
showing the milestone as it is now, and nothing is saved.
"""

from __future__ import annotations

from datetime import timedelta
from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_GET, require_http_methods

from kit.form_pages import FormPage, edit_fields
from kit.formatting import long_date
from objectives import drafts, drift, permissions
from objectives.views import objective_for_edit, objective_url, require_viewer

from . import services
from .forms import MilestoneCompleteForm, MilestoneCreateForm, MilestoneRescheduleForm
from .models import Milestone


def milestone_for_edit(request, pk: int) -> Milestone:
    """The milestone, if the signed-in person may change its objective: 404 if unknown, else 403."""
    milestone = get_object_or_404(
        Milestone.objects.select_related("objective__owner", "objective__plan"), pk=pk
    )
    drafts.require_visible(request.user, milestone.objective)
    if not permissions.can_edit_objective(request.user, milestone.objective):
        raise PermissionDenied
    return milestone


def _details(current: Milestone) -> list[tuple[str, str]]:
    """The milestone as it is now, shown when someone else saved it first."""
    return [
        ("Milestone", current.title),
        ("Baseline date", long_date(current.baseline_date)),
        ("Forecast date", long_date(current.due_date)),
        ("Completed on", long_date(current.completed_on) or "Not complete"),
    ]


@require_GET
def milestone_detail(request, pk: int):
    """A milestone lives on its objective's page."""
    require_viewer(request)
    milestone = get_object_or_404(Milestone.objects.select_related("objective__plan"), pk=pk)
    drafts.require_visible(request.user, milestone.objective)
    return redirect(f"{objective_url(milestone.objective_id)}#milestone-{milestone.pk}")


@require_http_methods(["GET", "POST"])
def milestone_create(request, pk: int):
    """Add a milestone to objective ``pk``; its first due date is its agreed baseline."""
    objective = objective_for_edit(request, pk)
    page = FormPage(request)
    page.bind(MilestoneCreateForm)
    if page.submit(
        lambda data: services.milestone_create(
            user=request.user, objective=objective, title=data["title"], due_date=data["due_date"]
        )
    ):
        milestone = page.result
        messages.success(
            request,
            f"Milestone \u2018{milestone.title}\u2019 added, due {long_date(milestone.due_date)}",
        )
        return redirect(objective_url(objective))
    context = {"objective": objective, "back_url": objective_url(objective)}
    return page.render("milestones/milestone_form.html", context)


def _versioned_edit(request, pk: int, form_class, template: str, save, success, extra=None):
    """Show or apply an edit form that carries the version it was loaded at.

    ``save(milestone, cleaned_data)`` calls one service; ``success(saved)`` words the banner;
    ``extra(milestone)`` adds to the page's context.
    A form loaded at an older version gets the conflict page and changes nothing.
    """
    milestone = milestone_for_edit(request, pk)
    page = FormPage(request, what="milestone")
    form = page.bind(form_class, milestone=milestone)
    if page.submit(
        lambda data: save(milestone, data),
        version=milestone.version,
        current=milestone,
        details=_details,
    ):
        messages.success(request, success(page.result))
        return redirect(objective_url(milestone.objective))
    shown = page.current or milestone
    context = {
        "objective": shown.objective,
        "milestone": shown,
        "back_url": objective_url(shown.objective),
        "conflict": getattr(form, "conflict", None),
        **(extra(shown) if extra else {}),
    }
    return page.render(template, context)


def _red_lines(milestone) -> dict:
    """Before a re-forecast is saved: the last date within the plan's slip tolerance, and
    whether one more move later reaches the re-plan limit (either turns the objective red)."""
    tolerance = milestone.objective.plan.slip_tolerance_days
    return {
        "tolerance_days": tolerance,
        "red_after": milestone.baseline_date + timedelta(days=tolerance),
        "replan_limit": drift.REPLAN_LIMIT,
        "next_move_reaches_limit": milestone.replan_count + 1 >= drift.REPLAN_LIMIT,
    }


@require_http_methods(["GET", "POST"])
def milestone_reschedule(request, pk: int):
    """Re-forecast the due date; moving it later needs a reason."""
    return _versioned_edit(
        request,
        pk,
        MilestoneRescheduleForm,
        "milestones/reschedule_form.html",
        save=lambda milestone, data: services.milestone_reschedule(
            milestone=milestone, user=request.user, **edit_fields(data, "due_date")
        ),
        success=lambda saved: (
            f"\u2018{saved.title}\u2019 is now forecast for {long_date(saved.due_date)}"
        ),
        extra=_red_lines,
    )


@require_http_methods(["GET", "POST"])
def milestone_complete(request, pk: int):
    """Mark the milestone complete on a date that is not in the future."""
    return _versioned_edit(
        request,
        pk,
        partial(MilestoneCompleteForm, administrator=permissions.is_administrator(request.user)),
        "milestones/complete_form.html",
        save=lambda milestone, data: services.milestone_complete(
            milestone=milestone,
            user=request.user,
            completed_on=data["completed_on"],
            reason=data.get("reason", ""),
            expected_version=data["expected_version"],
        ),
        success=lambda saved: (
            f"\u2018{saved.title}\u2019 marked as complete on {long_date(saved.completed_on)}"
        ),
    )
