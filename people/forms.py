"""The administrators' people forms: an account's details and roles, a new account, a leaver
and a password set by hand; and the choice of a person (an objective's owner, who takes on a
leaver's objectives).

Built from the GOV.UK form kit (``kit.govuk_forms``). A form that changes an
account carries the version it was read at (``AccountVersionField``): one read before someone
else's change is refused, and shown again at the account's current version.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone

from kit.formatting import person_name
from kit.govuk_forms import (
    GovukForm,
    VersionField,
    date_boxes,
    date_initial,
    reason_field,
)
from objectives.permissions import ADMINISTRATORS, LEADERSHIP, MANAGERS, ROLES

from .models import USERNAME_TAKEN
from .services import account_version

User = get_user_model()

ROLE_LABELS = {
    MANAGERS: "Manager: updates the objectives they own",
    LEADERSHIP: "Leadership: watches the dashboard and reads everything",
    ADMINISTRATORS: "Administrator: sets up the plan, owners and people",
}


# --- Choosing a person ------------------------------------------------------------------


def person_label(user) -> str:
    name = person_name(user)
    return name if user.is_active else f"{name} (left)"


class PersonChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        name = person_name(obj)
        return f"{name} ({obj.get_username()})" if obj.is_active else f"{name} (left)"


def possible_owners():
    """Anyone with an active account may be the named owner, whatever their role (the owner has
    the owner's rights on the objective); leavers cannot own."""
    return User.objects.filter(is_active=True).order_by("first_name", "last_name", "username")


OWNER_HINT = "Anyone with an active account can be named; the owner can then update the objective."


# --- An account's version ---------------------------------------------------------------


class AccountVersionField(VersionField):
    """The account's latest history record when the form was read (``account_version``).

    A form sent without it is refused like one read before someone else's change."""

    def __init__(self, **kwargs):
        super().__init__(min_value=0, max_value=2**31 - 1, **kwargs)


# --- People -----------------------------------------------------------------------------


def password_field(label: str, *, required_message: str, help_text: str = "") -> forms.CharField:
    """A box for a new password: kept as typed, never sent back, and offered to password
    managers as a new password."""
    return forms.CharField(
        strip=False,
        label=label,
        help_text=help_text,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        error_messages={"required": required_message},
    )


def check_new_password(form: forms.Form, cleaned: dict, *, user) -> None:
    """The two boxes must match, and the password pass Django's validators for ``user`` (its
    problems shown on the first box)."""
    password1, password2 = cleaned.get("password1"), cleaned.get("password2")
    if password1 and password2 and password1 != password2:
        form.add_error("password2", "The passwords do not match")
    elif password1:
        try:
            password_validation.validate_password(password1, user=user)
        except ValidationError as error:
            for message in error.messages:
                form.add_error("password1", message)


class RolesField(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def _check_values(self, value):
        # A number too large for the database would otherwise fail inside the query.
        for pk in value:
            if not (str(pk).isascii() and str(pk).isdigit() and len(str(pk)) <= 18):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"],
                    code="invalid_pk_value",
                    params={"pk": pk},
                )
        return super()._check_values(value)

    def label_from_instance(self, obj):
        return ROLE_LABELS.get(obj.name, obj.name)


class PersonDetailsForm(GovukForm):
    first_name = forms.CharField(
        max_length=150, label="First name", error_messages={"required": "Enter the first name"}
    )
    last_name = forms.CharField(
        max_length=150, label="Last name", error_messages={"required": "Enter the last name"}
    )
    email = forms.EmailField(
        max_length=254,
        label="Email address",
        error_messages={
            "required": "Enter the email address",
            "invalid": "Enter an email address in the correct format, like name@example.org",
        },
    )
    roles = RolesField(
        queryset=Group.objects.none(),
        label="Role",
        help_text="Select all that apply.",
        error_messages={"required": "Select at least one role"},
    )

    def __init__(self, *args, person=None, **kwargs):
        self.person = person
        initial = kwargs.pop("initial", None) or {}
        if person is not None:
            initial = {
                "first_name": person.first_name,
                "last_name": person.last_name,
                "email": person.email,
                "roles": [g.pk for g in person.groups.all() if g.name in ROLES],
                **initial,
            }
        super().__init__(*args, initial=initial, **kwargs)
        if person is not None:
            self.fields["reason"] = reason_field(
                "Why are you making this change? (optional)",
                help_text="Recorded in their account's history, for example “Changed her "
                "surname after marriage”.",
            )
            self.fields["version"] = AccountVersionField(initial=account_version(person))
        self.fields["roles"].queryset = Group.objects.filter(name__in=ROLES).order_by("id")
        self.fields["first_name"].widget.attrs["autocomplete"] = "off"
        self.fields["last_name"].widget.attrs["autocomplete"] = "off"
        self.fields["email"].widget.attrs.update({"autocomplete": "off", "spellcheck": "false"})

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        clash = User.objects.filter(email__iexact=email)
        if self.person is not None:
            clash = clash.exclude(pk=self.person.pk)
        if clash.exists():
            raise ValidationError("Someone already has that email address")
        return email


class PersonCreateForm(PersonDetailsForm):
    username = forms.CharField(
        max_length=150,
        label="Username",
        help_text="What they type to sign in. Letters, numbers and @ . + - _ only.",
        error_messages={"required": "Enter a username"},
    )
    password1 = password_field("Initial password", required_message="Enter an initial password")
    password2 = password_field("Confirm the password", required_message="Confirm the password")

    field_order = [
        "username",
        "first_name",
        "last_name",
        "email",
        "roles",
        "password1",
        "password2",
    ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].widget.attrs.update(
            {"autocomplete": "off", "spellcheck": "false", "autocapitalize": "none"}
        )
        # They are emailed an invitation to choose their own password; setting one here is
        # only a fallback for someone who cannot get email.
        self.fields["password1"].required = False
        self.fields["password2"].required = False
        self.fields["password1"].label = "Initial password (only if they cannot get email)"
        self.fields["password1"].help_text = (
            "Leave blank: they will be emailed a link to choose their own password. Only if "
            "they cannot get email, set one here (at least 8 characters; not a common password, "
            "not all numbers and not like their name) and give it to them in person."
        )

    def clean_username(self):
        username = User.normalize_username(self.cleaned_data["username"].strip())
        validator = User._meta.get_field("username").validators[0]
        try:
            validator(username)
        except ValidationError:
            raise ValidationError(
                "Username must only include letters, numbers and @ . + - _"
            ) from None
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(USERNAME_TAKEN)
        return username

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("password1") and not cleaned.get("password2"):
            self.add_error("password2", "Confirm the password")
        else:
            candidate = User(
                username=cleaned.get("username") or "",
                first_name=cleaned.get("first_name") or "",
                last_name=cleaned.get("last_name") or "",
                email=cleaned.get("email") or "",
            )
            check_new_password(self, cleaned, user=candidate)
        return cleaned


class LeaverForm(GovukForm):
    date_inputs = {"left_on": ("Date they left", True)}

    reassign_to = PersonChoiceField(
        queryset=User.objects.none(),
        required=False,
        label="Who will own their open objectives?",
        empty_label="Nobody yet: leave them flagged as owner has left",
        help_text="Every open objective moves to this person in the same step. " + OWNER_HINT,
    )
    reason = forms.CharField(
        required=False,
        max_length=2000,
        widget=forms.Textarea,
        label="Reason",
        help_text="Recorded in their account's history, and in each objective's history if "
        "their objectives move.",
    )
    left_on_day, left_on_month, left_on_year = date_boxes()
    version = AccountVersionField()

    def __init__(self, *args, person, open_count: int, **kwargs):
        self.person = person
        self.open_count = open_count
        initial = kwargs.pop("initial", None) or {}
        initial = {
            **date_initial("left_on", timezone.localdate()),
            "version": account_version(person),
            **initial,
        }
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["reassign_to"].queryset = possible_owners().exclude(pk=person.pk)
        self.fields["reason"].initial = f"{person_name(person)} has left the council."

    def clean(self):
        cleaned = super().clean()
        cleaned["reason"] = (cleaned.get("reason") or "").strip()
        if not cleaned["reason"] and "reason" not in self.errors:
            self.add_error("reason", "Give a reason for marking them as a leaver")
        left_on = cleaned.get("left_on")
        if left_on is not None and left_on > timezone.localdate():
            self.add_date_error("left_on", "The date they left must be today or in the past")
        return cleaned


class PasswordSetForm(GovukForm):
    """A new password for someone who has forgotten theirs, checked by Django's validators."""

    password1 = password_field(
        "New password",
        required_message="Enter a new password",
        help_text="At least 8 characters; not a common password, not all numbers and not like "
        "their name. Give it to them in person.",
    )
    password2 = password_field(
        "Confirm the new password", required_message="Confirm the new password"
    )

    version = AccountVersionField()

    def __init__(self, *args, person, **kwargs):
        self.person = person
        initial = {"version": account_version(person), **(kwargs.pop("initial", None) or {})}
        super().__init__(*args, initial=initial, **kwargs)

    def clean(self):
        cleaned = super().clean()
        check_new_password(self, cleaned, user=self.person)
        return cleaned
