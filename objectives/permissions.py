"""Who may do what (docs/rules-of-the-record.md, "Who may do what"). A user in several groups
has the union of rights."""

from kit.roles import (  # noqa: F401 (the roles are part of this module's answers)
    ADMINISTRATORS,
    LEADERSHIP,
    MANAGERS,
    ROLES,
    group_names,
    has_any_role,
    is_administrator,
    is_leadership,
    is_manager,
)


def can_view_plan(user) -> bool:
    """Every signed-in person with a role may read every objective and the dashboard."""
    return has_any_role(user)


def can_edit_objective(user, objective) -> bool:
    """The named owner (whatever their group) and administrators may update an objective and
    its milestones; an objective of a draft plan is for administrators only."""
    if is_administrator(user):
        return True
    from .drafts import objective_visible  # drafts reads the roles from here

    return (
        user.is_authenticated
        and objective.owner_id == user.pk
        and user.is_active
        and objective_visible(user, objective)
    )


def can_manage_plan(user) -> bool:
    """Owners, baselines, plan set-up and people: administrators only."""
    return is_administrator(user)
