"""The roles (Django groups) and who holds them: a person in several groups has the union of
their rights."""

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
