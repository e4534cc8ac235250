from django.apps import AppConfig


class RemindersConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "reminders"
    verbose_name = "Reminders and account emails"

    def ready(self):
        from kit import mail

        from .sent_log import sent_email_log

        mail.use_log(sent_email_log)
