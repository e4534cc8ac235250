from django.apps import AppConfig


class ObjectivesConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "objectives"
    verbose_name = "Improvement plan"

    def ready(self):
        # Sign-in and refusal events go to the security log.
        from stockton_improve import security  # noqa: F401

        from . import history  # noqa: F401
