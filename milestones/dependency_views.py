"""What a milestone waits for: the page listing its links with a form to add one, and the
page to remove one, each with a reason. For administrators and the milestone's owner; the same
pages serve administrators under /manage/."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from kit.form_pages import FormPage
from objectives import drafts
from objectives.views import objective_url

from . import selectors
from .dependencies import (
    can_change_dependencies,
    milestone_dependency_add,
    milestone_dependency_remove,
    milestone_label,
)
from .forms import DependencyAddForm, DependencyRemoveForm
from .models import Milestone, MilestoneDependency
from .views import milestone_for_edit


def _page_url(milestone_id: int, place: str) -> str:
    return reverse(f"{place}:milestone_dependencies", args=[milestone_id])


def _back_url(objective, place: str) -> str:
    """Back to the objective's page, or (under /manage/) to its set-up page."""
    if place == "planning":
        return reverse("planning:objective_setup", args=[objective.pk])
    return objective_url(objective)


@require_http_methods(["GET", "POST"])
def milestone_dependencies(request, pk: int, place: str = "milestones"):
    """The milestone's links in force, and a form to add one with a reason."""
    milestone = milestone_for_edit(request, pk)
    if milestone.is_withdrawn:
        raise PermissionDenied("This milestone was withdrawn; what it waits for no longer changes.")
    page = FormPage(request)
    page.bind(DependencyAddForm, choices=selectors.linkable(milestone))
    if page.submit(
        lambda data: milestone_dependency_add(
            user=request.user,
            milestone=milestone,
            depends_on=Milestone.objects.filter(pk=data["depends_on"]).first(),
            reason=data["reason"],
        )
    ):
        link = page.result
        messages.success(
            request,
            f"\u2018{milestone.title}\u2019 now waits for {milestone_label(link.depends_on)}",
        )
        return redirect(_page_url(milestone.pk, place))
    context = {
        "objective": milestone.objective,
        "milestone": milestone,
        "links": selectors.links_of(milestone),
        "place": place,
        "back_url": _back_url(milestone.objective, place),
    }
    return page.render("milestones/dependencies.html", context)


@require_http_methods(["GET", "POST"])
def milestone_dependency_remove_page(request, pk: int, place: str = "milestones"):
    """Remove one link, with a reason; it stays in the record."""
    link = get_object_or_404(
        MilestoneDependency.objects.select_related(
            "milestone__objective__plan", "milestone__objective__owner", "depends_on__objective"
        ),
        pk=pk,
    )
    drafts.require_visible(request.user, link.milestone.objective)
    if not can_change_dependencies(request.user, link.milestone) or link.is_removed:
        raise PermissionDenied
    page = FormPage(request, what="dependency")
    form = page.bind(DependencyRemoveForm, version=link.version)
    if page.submit(
        lambda data: milestone_dependency_remove(
            user=request.user,
            dependency=link,
            reason=data["reason"],
            expected_version=data["expected_version"],
        ),
        version=link.version,
        current=link,
    ):
        messages.success(
            request,
            f"\u2018{link.milestone.title}\u2019 no longer waits for "
            f"{milestone_label(link.depends_on)}",
        )
        return redirect(_page_url(link.milestone_id, place))
    context = {
        "objective": link.milestone.objective,
        "link": link,
        "place": place,
        "back_url": _page_url(link.milestone_id, place),
        "conflict": getattr(form, "conflict", None),
    }
    return page.render("milestones/dependency_remove.html", context)
