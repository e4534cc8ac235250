"""Every page each role reaches, built from the data in the database (the demo plan in the tests).

``pages_for(user)`` lists the GET pages a person can open from the navigation and the pages they
lead to: their landing page, worklist, dashboard, objective pages and the forms they may use.
New pages belong here too, so the layout and accessibility checks cover them.
"""

from __future__ import annotations

from django.urls import reverse

from milestones.models import Milestone
from objectives import permissions
from objectives.models import Objective, Plan


def _objective_pages(objective: Objective, *, can_edit: bool) -> list[str]:
    urls = [reverse("objective_detail", args=[objective.pk])]
    if can_edit:
        urls += [
            reverse("objective_edit", args=[objective.pk]),
            reverse("progress_update_create", args=[objective.pk]),
            reverse("milestone_create", args=[objective.pk]),
        ]
        milestone = (
            Milestone.objects.filter(objective=objective, completed_on__isnull=True)
            .order_by("due_date", "pk")
            .first()
        )
        if milestone is not None:
            urls += [
                reverse("milestone_reschedule", args=[milestone.pk]),
                reverse("milestone_complete", args=[milestone.pk]),
            ]
    return urls


def _busiest_objective(queryset):
    """The objective with the most milestones: the longest page."""
    from django.db.models import Count

    return queryset.annotate(n=Count("milestones")).order_by("-n", "pk").first()


def pages_for(user) -> list[str]:
    urls = ["/", reverse("my_objectives"), reverse("dashboard:home")]
    urls.append(reverse("dashboard:accountability"))
    owned = Objective.objects.filter(owner=user).order_by("ref", "pk")
    for objective in owned[:2]:
        urls += _objective_pages(objective, can_edit=True)
    busiest = _busiest_objective(Objective.objects.all())
    if busiest is not None:
        urls += _objective_pages(busiest, can_edit=permissions.can_edit_objective(user, busiest))
    if permissions.is_administrator(user):
        urls += _administrator_pages()
    seen: set[str] = set()
    return [url for url in urls if not (url in seen or seen.add(url))]


def _administrator_pages() -> list[str]:
    from django.contrib.auth import get_user_model

    urls = [reverse("planning:home"), reverse("planning:plan_create")]
    plan = Plan.objects.order_by("pk").first()
    if plan is not None:
        urls += [
            reverse("planning:plan_detail", args=[plan.pk]),
            reverse("planning:plan_edit", args=[plan.pk]),
            reverse("planning:theme_create", args=[plan.pk]),
            reverse("planning:objective_create", args=[plan.pk]),
        ]
        theme = plan.themes.order_by("pk").first()
        if theme is not None:
            urls.append(reverse("planning:theme_edit", args=[theme.pk]))
    objective = _busiest_objective(Objective.objects.all())
    if objective is not None:
        urls += [
            reverse("planning:objective_setup", args=[objective.pk]),
            reverse("planning:objective_edit", args=[objective.pk]),
            reverse("planning:objective_owner", args=[objective.pk]),
            reverse("planning:milestone_create", args=[objective.pk]),
        ]
        milestone = objective.milestones.order_by("due_date", "pk").first()
        if milestone is not None:
            urls += [
                reverse("planning:milestone_edit", args=[milestone.pk]),
                reverse("planning:milestone_rebaseline", args=[milestone.pk]),
            ]
    urls += [
        reverse("planning:accountability"),
        reverse("planning:bulk_reassign"),
        reverse("planning:people"),
        reverse("planning:person_create"),
    ]
    person = get_user_model().objects.filter(owned_objectives__isnull=False).first()
    if person is None:
        person = get_user_model().objects.order_by("pk").first()
    urls += [
        reverse("planning:person_detail", args=[person.pk]),
        reverse("planning:person_edit", args=[person.pk]),
        reverse("planning:person_password", args=[person.pk]),
        reverse("planning:person_leaver", args=[person.pk]),
    ]
    return urls
