from django.apps import AppConfig


class DashboardConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "dashboard"

    def ready(self):
        from objectives.models import Theme
        from tracking import plan_marks

        plan_marks.register(Theme)  # the themes' names and order, for the theme filter
