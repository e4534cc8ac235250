from django.apps import AppConfig


class BoardConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "board"
    verbose_name = "Improvement board"

    def ready(self):
        from dashboard import panels as dashboard_panels
        from objectives.models import Objective
        from tracking import panels as tracking_panels
        from tracking import plan_marks

        from . import dashboard, panels, update_cycle
        from .models import BoardMeeting, Challenge

        plan_marks.register(BoardMeeting)
        plan_marks.register(Challenge, ("objective_id", Objective))

        dashboard_panels.dashboard.register("board", dashboard.panel)
        dashboard_panels.dashboard.register("update_cycle", update_cycle.dashboard_panel)
        tracking_panels.drift_api_plan.register("board", update_cycle.api_board)
        tracking_panels.objective_page.register(
            "challenges",
            panels.objective_challenges,
            marks=panels.objective_challenges_marks,
            templates=panels.OBJECTIVE_CHALLENGES_TEMPLATES,
        )
        tracking_panels.worklist.register("waiting_challenges", panels.waiting_challenges)
