from django.apps import AppConfig


class PeopleConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "people"
    verbose_name = "People"

    def ready(self):
        from django.contrib.auth import signals
        from django.contrib.auth.models import update_last_login

        from .signals import update_last_login_without_history

        signals.user_logged_in.disconnect(update_last_login, dispatch_uid="update_last_login")
        signals.user_logged_in.connect(
            update_last_login_without_history, dispatch_uid="update_last_login"
        )
