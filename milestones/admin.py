from django.contrib import admin

from objectives.admin import TrackedModelAdmin

from .models import Milestone, MilestoneDependency


@admin.register(Milestone)
class MilestoneAdmin(TrackedModelAdmin):
    list_display = ["title", "objective", "baseline_date", "due_date", "completed_on"]
    list_select_related = ["objective"]
    search_fields = ["title", "objective__ref"]


@admin.register(MilestoneDependency)
class MilestoneDependencyAdmin(TrackedModelAdmin):
    list_display = ["milestone", "depends_on", "removed_on"]
    list_select_related = ["milestone", "depends_on"]
