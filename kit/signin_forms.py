from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError

from .security import USERNAME_MAX_LENGTH


class UsernameLengthMixin:
    """Refuse a username longer than any account's before anything looks it up or records it
    (django-axes stores it; PostgreSQL would refuse a value that long)."""

    def clean_username(self):
        username = self.cleaned_data.get("username") or ""
        if len(username) > USERNAME_MAX_LENGTH:
            raise ValidationError(
                f"Username must be {USERNAME_MAX_LENGTH} characters or fewer", code="max_length"
            )
        return username


class AdminSignInForm(UsernameLengthMixin, AdminAuthenticationForm):
    """Django admin's sign-in form, refusing over-long usernames the same way."""


class SignInForm(UsernameLengthMixin, AuthenticationForm):
    """Django's sign-in form with GOV.UK wording."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": "Enter a correct username and password. Both are case-sensitive.",
        "inactive": "This account has been closed. Ask an administrator if you need access.",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"
