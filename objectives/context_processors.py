from . import permissions


def roles(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {
        "is_administrator": permissions.is_administrator(user),
        "is_leadership": permissions.is_leadership(user),
        "is_manager": permissions.is_manager(user),
    }
