"""Reads for the import: the plan's objectives, themes and milestones, and owners by email."""

from __future__ import annotations

from collections.abc import Iterable

from django.contrib.auth import get_user_model

from milestones.models import Milestone, MilestoneDependency
from objectives.models import Objective, Plan, Theme

User = get_user_model()


def plans_for_import():
    return Plan.objects.order_by("name", "id")


def objectives_by_ref(plan: Plan) -> dict[str, Objective]:
    objectives = Objective.objects.filter(plan=plan).select_related("theme", "owner")
    return {o.ref.lower(): o for o in objectives}


def theme_names(plan: Plan) -> dict[str, Theme]:
    return {t.name.lower(): t for t in Theme.objects.filter(plan=plan)}


def milestones_by_objective(objectives: Iterable[Objective]) -> dict[tuple[int, str], Milestone]:
    """Current milestones by (objective id, lower-case title); the first one wins."""
    found: dict[tuple[int, str], Milestone] = {}
    ids = [o.pk for o in objectives]
    for milestone in Milestone.objects.filter(objective_id__in=ids).order_by("id"):
        found.setdefault((milestone.objective_id, milestone.title.strip().lower()), milestone)
    return found


def owner_for_email(email: str):
    """(the active account with that email, or None; the problem in words, or "")."""
    people = list(User.objects.filter(email__iexact=email.strip())[:3])
    active = [p for p in people if p.is_active]
    if len(active) == 1:
        return active[0], ""
    if len(active) > 1:
        return None, f"More than one account has the email {email}; ask who owns it"
    if people:
        return None, f"{email} belongs to someone who has left; choose a current owner"
    return None, f"No one with an active account has the email {email}"


def links_in_force(plan: Plan) -> list[tuple[int, int]]:
    """(milestone id, id of the milestone it waits for) for each link in force in the plan."""
    links = MilestoneDependency.objects.linked().filter(milestone__objective__plan=plan)
    return list(links.values_list("milestone_id", "depends_on_id"))


def milestones_by_key(plan: Plan) -> dict[tuple[str, str], Milestone]:
    """The plan's milestones by (lower-case objective reference, lower-case title); the first
    one wins, as in ``milestones_by_objective``."""
    found: dict[tuple[str, str], Milestone] = {}
    rows = Milestone.objects.filter(objective__plan=plan).select_related("objective")
    for milestone in rows.order_by("id"):
        key = (milestone.objective.ref.lower(), milestone.title.strip().lower())
        found.setdefault(key, milestone)
    return found
