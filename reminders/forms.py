"""Forms: a person's email choices, and Django's password forms (reset, change) in GOV.UK
wording."""

from __future__ import annotations

import logging

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.template.loader import render_to_string

from kit import mail

User = get_user_model()
log = logging.getLogger("django.contrib.auth")
EMAIL_MAX = 254


class PreferenceForm(forms.Form):
    daily_reminder = forms.BooleanField(
        required=False,
        label="Send me a daily reminder",
        help_text="On mornings when one of my milestones is overdue or due soon, or a progress "
        "update is due on an objective I own. Nothing is sent on other days.",
    )
    weekly_digest = forms.BooleanField(
        required=False,
        label="Send me the weekly digest",
        help_text="On Mondays, for Leadership: what turned red, what moved later and what was "
        "completed. For Administrators: objectives with no owner or an owner who has left.",
    )

    def __init__(self, *args, offer_digest: bool = True, **kwargs):
        """``offer_digest``: False for someone in neither group the digest goes to."""
        super().__init__(*args, **kwargs)
        if not offer_digest:
            del self.fields["weekly_digest"]


class ResetRequestForm(PasswordResetForm):
    """Django's form; also finds people invited but who have not chosen a password yet.

    Inactive accounts (leavers) are never found, as in Django's own form.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["email"]
        field.label = "Email address"
        field.help_text = "The email address your account was set up with."
        field.error_messages.update(
            {
                "required": "Enter your email address",
                "invalid": "Enter an email address in the correct format, like name@example.org",
                "max_length": f"Email address must be {EMAIL_MAX} characters or fewer",
            }
        )
        field.widget.attrs.update({"spellcheck": "false", "autocomplete": "email"})

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        """The reset link goes out like every other email: ``kit.mail.send``, logged."""
        subject = "".join(render_to_string(subject_template_name, context).splitlines())
        html = (
            render_to_string(html_email_template_name, context) if html_email_template_name else ""
        )
        email = mail.Email(
            person=context["user"],
            kind="password_reset",
            subject=subject,
            text=render_to_string(email_template_name, context),
            html=html,
        )
        result, error = mail.send(email)
        if result != "sent":
            log.warning("Failed to send password reset email to %s: %s", email.person.pk, error)

    def get_users(self, email):
        email = (email or "").strip()
        if not email or len(email) > EMAIL_MAX:
            return iter(())
        return (
            user
            for user in User._default_manager.filter(email__iexact=email, is_active=True)
            if (user.email or "").casefold() == email.casefold()
        )


# What a new password must be, shown under its box.
STRONG_ENOUGH_HELP = (
    "At least 8 characters; not a common password, not all numbers and not like your "
    "name or username."
)


def word_new_password_fields(form) -> None:
    """The GOV.UK wording of a new password typed twice (choosing one, or changing one's own)."""
    first, second = form.fields["new_password1"], form.fields["new_password2"]
    first.label = "New password"
    first.help_text = STRONG_ENOUGH_HELP
    first.error_messages["required"] = "Enter a new password"
    second.label = "Confirm the new password"
    second.help_text = ""
    second.error_messages["required"] = "Confirm the new password"


def clean_new_password(form):
    """Both boxes the same, then the password rules, each error on its own box."""
    form.validate_passwords("new_password1", "new_password2")
    if not form.has_error("new_password2"):
        form.validate_password_for_user(form.user, "new_password1")
    return forms.Form.clean(form)


class ChoosePasswordForm(SetPasswordForm):
    """Choosing a password from an invitation or a reset link, with GOV.UK wording."""

    error_messages = {"password_mismatch": "The passwords do not match"}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        word_new_password_fields(self)

    def clean(self):
        return clean_new_password(self)

    def save(self, commit=True):
        """The password is not part of the account's history, so no history record is made."""
        self.user.set_password(self.cleaned_data["new_password1"])
        if commit:
            self.user.skip_history_when_saving = True
            try:
                self.user.save(update_fields=["password"])
            finally:
                del self.user.skip_history_when_saving
        return self.user


class ChangePasswordForm(PasswordChangeForm):
    """Changing one's own password on the account page: the current one, then a new one twice.

    The service (``reminders.services.password_change``) saves it; the form only checks."""

    error_messages = {
        "password_mismatch": "The passwords do not match",
        "password_incorrect": "Your current password is not right. Enter it again",
    }

    def __init__(self, data=None, *, user):
        super().__init__(user, data)
        current = self.fields["old_password"]
        current.label = "Current password"
        current.error_messages["required"] = "Enter your current password"
        current.widget.attrs.pop("autofocus", None)
        word_new_password_fields(self)

    def clean(self):
        return clean_new_password(self)

    def save(self, commit=True):
        raise NotImplementedError("Saved by reminders.services.password_change")
