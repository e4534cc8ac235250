"""Forms for administrators' corrections and withdrawals: each needs a reason and carries the
version it was read at; the pages ask "Are you sure?" before anything changes."""

from __future__ import annotations

from django import forms

from kit.govuk_forms import GovukForm, VersionField, date_boxes, reason_field

from .milestone_forms import OneMilestoneForm


class CorrectCompletionForm(OneMilestoneForm, GovukForm):
    """Change the recorded completion date, or reopen the milestone."""

    CHANGE = "change"
    REOPEN = "reopen"

    action = forms.ChoiceField(
        label="What is wrong with the recorded completion?",
        choices=[
            (CHANGE, "It was completed, but on another date"),
            (REOPEN, "It is not complete: reopen the milestone"),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": "Select whether to change the date or reopen the milestone",
            "invalid_choice": "Select whether to change the date or reopen the milestone",
        },
    )
    completed_on_day, completed_on_month, completed_on_year = date_boxes()
    reason = reason_field(
        "Why is the completion being corrected?",
        required_message="Give a reason for correcting the completion",
        help_text="For example, the date was mistyped; the evidence shows 14 May. "
        "Recorded in the milestone’s history with your name.",
    )
    version = VersionField()

    date_inputs = {"completed_on": ("Correct completion date", False)}

    def clean(self):
        cleaned = super().clean()
        date_has_error = any(
            self.has_error(f"completed_on_{part}") for part in ("day", "month", "year")
        )
        missing = cleaned.get("action") == self.CHANGE and not cleaned.get("completed_on")
        if missing and not date_has_error:
            self.add_date_error("completed_on", "Enter the correct completion date")
        if cleaned.get("action") == self.REOPEN:
            # Reopening ignores whatever is in the date boxes.
            for part in ("day", "month", "year"):
                self.errors.pop(f"completed_on_{part}", None)
            self.date_errors["completed_on"] = []
            cleaned["completed_on"] = None
        return cleaned


class WithdrawForm(GovukForm):
    """Withdraw a milestone or an objective, with a reason."""

    reason = reason_field(
        "Why is it being withdrawn?",
        required_message="Give a reason for withdrawing it",
        help_text="For example, the improvement board agreed on 3 March that it is no longer "
        "needed. Recorded in the history with your name.",
    )
    version = VersionField()

    def __init__(self, *args, row, **kwargs):
        initial = {"version": row.version, **(kwargs.pop("initial", None) or {})}
        super().__init__(*args, initial=initial, **kwargs)
