from django.apps import AppConfig


class BoardConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "board"
    verbose_name = "Improvement board"

    def ready(self):
        from dashboard import panels as dashboard_panels
        from tracking import panels as tracking_panels

        from . import dashboard, panels

        dashboard_panels.dashboard.register("board", dashboard.panel)
        tracking_panels.objective_page.register("challenges", panels.objective_challenges)
        tracking_panels.worklist.register("waiting_challenges", panels.waiting_challenges)
