from django.apps import AppConfig


class ImportingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "importing"
    verbose_name = "Import an existing plan"

    def ready(self):
        from . import recording  # noqa: F401 (connects the history signal)
