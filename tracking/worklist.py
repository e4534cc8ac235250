"""Where each person lands, and their worklist.

``/`` sends each person to their work: anyone who owns objectives (and every manager) sees
their worklist; leadership the drift dashboard; administrators the plan set-up under /manage/.
``/my/`` is always the worklist, whatever the role.
"""

from __future__ import annotations

from itertools import groupby

from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET

from objectives import drift, permissions
from objectives.models import Objective

from . import panels, selectors


def landing_url(user) -> str | None:
    """Where ``/`` sends ``user``, or None when ``/`` shows their worklist."""
    owns = Objective.objects.visible_to(user).filter(owner=user).exists()  # drafts: admins only
    if owns or permissions.is_manager(user):
        return None
    if permissions.is_leadership(user):
        return reverse("dashboard:home")
    if permissions.is_administrator(user):
        return reverse("planning:home")
    return None


def plan_groups(rows) -> list[tuple[str, list]]:
    """The worklist's rows grouped by plan (most urgent first within each plan), or one group
    with no name when every objective is in the same plan."""
    plans = dict(
        Objective.objects.filter(pk__in=[row.id for row in rows]).values_list("pk", "plan__name")
    )
    names = {plans.get(row.id, "") for row in rows}
    if len(names) <= 1:
        return [("", list(rows))] if rows else []
    ordered = sorted(rows, key=lambda row: plans.get(row.id, ""))
    return [(name, list(group)) for name, group in groupby(ordered, key=lambda r: plans.get(r.id))]


def render_worklist(request):
    rows = selectors.objectives_drift_for_owner(request.user)
    context = {
        "rows": rows,
        "groups": plan_groups(rows),
        "is_worklist": True,
        "due_soon": drift.due_soon(rows),
        **panels.worklist.lazy(request),
    }
    return render(request, "objectives/my_objectives.html", context)


@require_GET
def home(request):
    """The landing page: the person's work."""
    target = landing_url(request.user)
    if target is not None:
        return redirect(target)
    return render_worklist(request)
