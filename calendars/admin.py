"""Calendar links in the read-only Django admin: whose, and since when (never the token)."""

from django.contrib import admin

from objectives.admin import ReadOnlyModelAdmin

from .models import CalendarFeed


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyModelAdmin):
    list_display = ("user", "created_at")
    list_select_related = ("user",)
    fields = ("user", "created_at")
    readonly_fields = ("user", "created_at")
