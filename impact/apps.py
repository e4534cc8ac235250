from django.apps import AppConfig


class ImpactConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "impact"
    verbose_name = "Findings, measures and evidence"

    def ready(self):
        from tracking import panels as tracking_panels
        from tracking import stamps

        from . import measure_selectors, panels
        from .models import MeasureValue

        tracking_panels.objective_page.register("impact", panels.objective_panel)
        tracking_panels.drift_api.register("measures", measure_selectors.measures_json)
        stamps.register(MeasureValue, panels.objectives_of_value)
