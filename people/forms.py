"""Form fields shared by the administrators' people forms."""

from django import forms

from stockton_improve.govuk_forms import VersionField


class AccountVersionField(VersionField):
    """The account's latest history record when the form was read (``account_version``).

    Required: a form sent without it is refused like one read before someone else's change."""

    def __init__(self, **kwargs):
        super().__init__(
            min_value=0,
            max_value=2**31 - 1,
            out_of_date="This page is out of date. Check the details below, then save again.",
            sent_without="This page is out of date: it was sent without the version it was "
            "read at. Check the details below, then save again.",
            **kwargs,
        )


def reason_field(*, label: str, help_text: str, required: bool = False) -> forms.CharField:
    return forms.CharField(
        required=required,
        max_length=2000,
        widget=forms.Textarea,
        label=label,
        help_text=help_text,
        error_messages={
            "required": "Give a reason",
            "max_length": "The reason must be 2000 characters or fewer",
        },
    )


class AccountVersionMixin:
    """A form that was sent without a good version is shown again at the account's current
    version (with the error), so the person can check it and send it again."""

    def full_clean(self):
        super().full_clean()
        if self.is_bound and self._errors and "version" in self._errors:
            from .services import account_version

            self.data = self.data.copy()
            self.data["version"] = account_version(self.person)
