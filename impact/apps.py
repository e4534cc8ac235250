from django.apps import AppConfig


class ImpactConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "impact"
    verbose_name = "Findings, measures and evidence"

    def ready(self):
        from objectives.models import Objective
        from tracking import panels as tracking_panels
        from tracking import plan_marks, stamps

        from . import measure_selectors, panels
        from .models import Finding, Measure, MeasureValue, ObjectiveFinding

        to_objective = ("objective_id", Objective)
        plan_marks.register(Measure, to_objective)
        plan_marks.register(MeasureValue, ("measure_id", Measure), to_objective)
        plan_marks.register(Finding)
        plan_marks.register(ObjectiveFinding, ("finding_id", Finding))

        tracking_panels.objective_page.register(
            "impact",
            panels.objective_panel,
            marks=panels.objective_panel_marks,
            templates=panels.OBJECTIVE_PANEL_TEMPLATES,
        )
        tracking_panels.drift_api.register("measures", measure_selectors.measures_json)
        stamps.register(MeasureValue, panels.objectives_of_value)
