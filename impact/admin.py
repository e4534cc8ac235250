"""Django admin: findings, links, measures, values and evidence, read-only with their history."""

from django.contrib import admin

from objectives.admin import TrackedModelAdmin

from .models import Evidence, Finding, Measure, MeasureValue, ObjectiveFinding


@admin.register(Finding)
class FindingAdmin(TrackedModelAdmin):
    list_display = ("ref", "source", "plan")
    list_filter = ("plan",)
    search_fields = ("ref", "source", "text")


@admin.register(ObjectiveFinding)
class ObjectiveFindingAdmin(TrackedModelAdmin):
    list_display = ("finding", "objective")


@admin.register(Measure)
class MeasureAdmin(TrackedModelAdmin):
    list_display = ("name", "objective", "direction", "baseline_value", "target_value")


@admin.register(MeasureValue)
class MeasureValueAdmin(TrackedModelAdmin):
    list_display = ("measure", "period_end", "value")


@admin.register(Evidence)
class EvidenceAdmin(TrackedModelAdmin):
    list_display = ("title", "objective", "kind", "added_on", "withdrawn_on")
    # the stored name is never shown as a link: files are read only through the app's view
    exclude = ("stored_name",)
