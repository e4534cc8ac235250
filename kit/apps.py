from django.apps import AppConfig


class KitConfig(AppConfig):
    """The pieces every app shares, at the bottom: it imports no app of the project."""

    name = "kit"
    verbose_name = "Shared kit"

    def ready(self):
        # Sign-in and refusal events go to the security log.
        from . import memory, security  # noqa: F401

        memory.connect()
