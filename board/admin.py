"""Board meetings and challenges in the read-only Django admin, with their history."""

from django.contrib import admin

from objectives.admin import TrackedModelAdmin

from .models import BoardMeeting, Challenge


@admin.register(BoardMeeting)
class BoardMeetingAdmin(TrackedModelAdmin):
    list_display = ("held_on", "name", "plan")
    list_filter = ("plan",)


@admin.register(Challenge)
class ChallengeAdmin(TrackedModelAdmin):
    list_display = ("objective", "raised_by", "raised_at", "status")
    list_filter = ("status",)
    list_select_related = ("objective", "raised_by")
