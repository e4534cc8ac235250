"""Accounts, roles and sign-in attempts in the read-only Django admin.

People change only on the people pages (/manage/people/), with a reason recorded in their
history; here they can be looked up, with that history, and nothing more.
"""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin, UserAdmin
from django.contrib.auth.models import Group

from objectives.admin import ReadOnlyModelAdmin, TrackedModelAdmin

User = get_user_model()

for model in (User, Group):
    if admin.site.is_registered(model):
        admin.site.unregister(model)


@admin.register(User)
class PeopleAdmin(TrackedModelAdmin, UserAdmin):
    """People with their history. Nobody is deleted: history points at people."""


@admin.register(Group)
class RolesAdmin(ReadOnlyModelAdmin, GroupAdmin):
    """The roles; who holds them changes on the people pages."""


def _read_only_sign_in_records() -> None:
    """django-axes' records of sign-in attempts, viewable but not changed or deleted here
    (a lock-out ends by itself after the cool-off time)."""
    for model, model_admin in list(admin.site._registry.items()):
        if model._meta.app_label == "axes":
            admin.site.unregister(model)
            read_only = type(
                type(model_admin).__name__, (ReadOnlyModelAdmin, type(model_admin)), {}
            )
            admin.site.register(model, read_only)


_read_only_sign_in_records()
