"""Django admin: a read-only window on the plan and its full history, for administrators.

Changes to tracked rows and accounts go through the app's own pages and services (which insist
on reasons), so here every model, people and groups included, can be viewed (tracked ones with
their history) but not added, changed or deleted, by anyone, superusers included: every page
answers GET only, a POST anywhere under a model's pages is refused (403), and there are no bulk
actions. No history record can be reverted, changed or deleted.
"""

from functools import wraps

from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponseBadRequest
from django.urls import URLPattern
from simple_history.admin import SimpleHistoryAdmin

from . import permissions
from .models import Objective, Plan, ProgressUpdate, Theme


def _administrators_only(request) -> bool:
    user = request.user
    return user.is_active and user.is_staff and permissions.is_administrator(user)


admin.site.has_permission = _administrators_only


def _has_nul(data) -> bool:
    return any("\x00" in key or any("\x00" in v for v in data.getlist(key)) for key in data)


_site_admin_view = admin.site.admin_view


def _admin_view(view, cacheable=False):
    """Every admin page refuses a NUL character in its query or form (400): PostgreSQL cannot
    store or compare one, and would answer 500 inside a filter or search."""
    inner = _site_admin_view(view, cacheable)

    @wraps(inner)
    def checked(request, *args, **kwargs):
        if _has_nul(request.GET) or _has_nul(request.POST):
            return HttpResponseBadRequest(
                "The address holds a character that is not allowed.", content_type="text/plain"
            )
        return inner(request, *args, **kwargs)

    return checked


admin.site.admin_view = _admin_view


def _record_number(value) -> int:
    """A row or history record number from the address, or 404 (never a 500)."""
    text = unquote(str(value))
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        raise Http404("No such record.")
    return int(text)


class AdministratorsMayView:
    """Administrators (a group, not Django permissions) may view; the site checks is_staff."""

    def has_module_permission(self, request):
        return permissions.is_administrator(request.user)

    def has_view_permission(self, request, obj=None):
        return permissions.is_administrator(request.user)


def _views_only(view):
    """A model page that answers GET and HEAD only: nothing is written through the admin.
    (Anyone who may not use the admin at all is sent to sign in, as on every admin page.)"""

    @wraps(view)
    def checked(request, *args, **kwargs):
        if request.method not in ("GET", "HEAD") and admin.site.has_permission(request):
            raise PermissionDenied("Nothing can be changed here.")
        return view(request, *args, **kwargs)

    return checked


class ReadOnlyAdmin(AdministratorsMayView):
    """The base of every model admin: view only, for everyone, superusers included.

    Add, change and delete are refused (change pages show the fields read-only), there are no
    bulk actions, and every page of the model (the extra ones of subclasses too, such as the
    password page of an account) refuses anything but GET.
    """

    actions = None

    def get_urls(self):
        return [
            URLPattern(url.pattern, _views_only(url.callback), url.default_args, url.name)
            if isinstance(url, URLPattern)
            else url
            for url in super().get_urls()
        ]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyModelAdmin(ReadOnlyAdmin, admin.ModelAdmin):
    """A model without history (groups, sign-in attempts)."""


class TrackedModelAdmin(ReadOnlyAdmin, SimpleHistoryAdmin):
    # simple-history's history list already has "Change reason" (and who, when, what changed).

    def history_view(self, request, object_id, extra_context=None):
        _record_number(object_id)
        return super().history_view(request, object_id, extra_context)

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        # simple-history saves the old version over the row on any valid POST here, even with
        # revert disabled: that would rewrite the row around the services and reasons.
        if request.method not in ("GET", "HEAD"):
            raise PermissionDenied("History cannot be reverted or changed.")
        _record_number(object_id)
        _record_number(version_id)
        return super().history_form_view(request, object_id, version_id, extra_context)

    def has_change_history_permission(self, request, obj=None):
        return False

    def revert_disabled(self, request, obj=None):
        return True


@admin.register(Plan)
class PlanAdmin(TrackedModelAdmin):
    list_display = ["name", "organisation", "starts_on", "ends_on", "slip_tolerance_days"]


@admin.register(Theme)
class ThemeAdmin(TrackedModelAdmin):
    list_display = ["name", "plan", "order"]
    list_filter = ["plan"]


@admin.register(Objective)
class ObjectiveAdmin(TrackedModelAdmin):
    list_display = ["ref", "title", "plan", "theme", "owner", "target_date", "status"]
    list_filter = ["plan", "status", "theme"]
    search_fields = ["ref", "title"]
    list_select_related = ["plan", "theme", "owner"]


@admin.register(ProgressUpdate)
class ProgressUpdateAdmin(TrackedModelAdmin):
    list_display = ["objective", "reported_on", "rag", "author"]
    list_select_related = ["objective", "author"]
