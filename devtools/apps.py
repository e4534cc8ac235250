from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Tools for developers: the benchmark and its synthetic plans. No models, no pages."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "devtools"
    verbose_name = "Development tools"
