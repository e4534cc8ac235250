"""Calendar links in the read-only Django admin: whose, and since when (never the hash)."""

from django.contrib import admin

from objectives.admin import AdministratorsMayView

from .models import CalendarFeed


@admin.register(CalendarFeed)
class CalendarFeedAdmin(AdministratorsMayView, admin.ModelAdmin):
    list_display = ("user", "created_at")
    list_select_related = ("user",)
    fields = ("user", "created_at")
    readonly_fields = ("user", "created_at")

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
