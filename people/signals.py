"""Signing in stamps ``last_login``; that is not a change to the account worth a history record."""

from django.utils import timezone


def update_last_login_without_history(sender, user, **kwargs):
    user.last_login = timezone.now()
    user.skip_history_when_saving = True
    try:
        user.save(update_fields=["last_login"])
    finally:
        del user.skip_history_when_saving
