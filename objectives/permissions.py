"""Who may do what (DESIGN.md, "Who uses it"). A user in several groups has the union of rights."""

MANAGERS = "Managers"
LEADERSHIP = "Leadership"
ADMINISTRATORS = "Administrators"
ROLES = (MANAGERS, LEADERSHIP, ADMINISTRATORS)


def group_names(user) -> set[str]:
    if not user.is_authenticated:
        return set()
    cached = getattr(user, "_role_names", None)
    if cached is None:
        cached = set(user.groups.values_list("name", flat=True))
        user._role_names = cached
    return cached


def is_administrator(user) -> bool:
    return user.is_authenticated and (user.is_superuser or ADMINISTRATORS in group_names(user))


def is_leadership(user) -> bool:
    return LEADERSHIP in group_names(user)


def is_manager(user) -> bool:
    return MANAGERS in group_names(user)


def has_any_role(user) -> bool:
    return is_administrator(user) or bool(group_names(user) & set(ROLES))


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
