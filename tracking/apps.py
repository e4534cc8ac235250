from django.apps import AppConfig


class TrackingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tracking"
    verbose_name = "Drift: reading the plan"

    def ready(self):
        from . import pastdays, stamps

        pastdays.connect()
        stamps.connect()
