"""Board meetings and challenges in the read-only Django admin, with their history, and the
inspector's evidence packs asked for (working rows, no history)."""

from django.contrib import admin

from objectives.admin import ReadOnlyModelAdmin, TrackedModelAdmin

from .models import BoardMeeting, Challenge, EvidencePackBuild


@admin.register(BoardMeeting)
class BoardMeetingAdmin(TrackedModelAdmin):
    list_display = ("held_on", "name", "plan")
    list_filter = ("plan",)


@admin.register(Challenge)
class ChallengeAdmin(TrackedModelAdmin):
    list_display = ("objective", "raised_by", "raised_at", "status")
    list_filter = ("status",)
    list_select_related = ("objective", "raised_by")


@admin.register(EvidencePackBuild)
class EvidencePackBuildAdmin(ReadOnlyModelAdmin):
    """Who asked for which pack and how its build went; never the stored file's name."""

    list_display = ("plan", "as_of", "requested_by", "requested_at", "status", "attempts")
    list_filter = ("status",)
    list_select_related = ("plan", "requested_by")
    exclude = ("stored_name",)
