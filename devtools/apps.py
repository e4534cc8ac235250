from django.apps import AppConfig


class DevtoolsConfig(AppConfig):
    """Tools for developers: the benchmark and its synthetic plans, and the demo plan
    (``seed_demo``). No models, no pages; nothing in the domain imports from here."""

    default_auto_field = "django.db.models.BigAutoField"
    name = "devtools"
    verbose_name = "Development tools"
