from django.contrib import admin

from objectives.admin import TrackedModelAdmin

from .models import Milestone


@admin.register(Milestone)
class MilestoneAdmin(TrackedModelAdmin):
    list_display = ["title", "objective", "baseline_date", "due_date", "completed_on"]
    list_select_related = ["objective"]
    search_fields = ["title", "objective__ref"]
