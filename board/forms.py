"""Forms for board meetings, the comparison date and challenges (GOV.UK markup and wording)."""

from __future__ import annotations

from django import forms

from kit.govuk_forms import (
    ISO_DATE,
    PARTS,
    QUERY_DATE_MESSAGE,
    GovukForm,
    VersionField,
    date_boxes,
    reason_field,
    text_field,
)

from .models import NAME_MAX, TEXT_MAX


class BoardMeetingForm(GovukForm):
    date_inputs = {"held_on": ("Date of the meeting", True)}

    name = forms.CharField(
        label="Name of the meeting",
        max_length=NAME_MAX,
        help_text="For example, Improvement board",
        error_messages={
            "required": "Enter the name of the meeting",
            "max_length": f"The name must be {NAME_MAX} characters or fewer",
        },
    )
    held_on_day, held_on_month, held_on_year = date_boxes()


class SinceForm(GovukForm):
    """The date to compare with, chosen by a person (blank: the default)."""

    date_inputs = {"since": ("Date to compare with", False)}

    since_day, since_month, since_year = date_boxes()

    def __init__(self, *args, as_of=None, query_error: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.as_of = as_of
        self.query_error = query_error

    @classmethod
    def from_request(cls, data, *, as_of) -> SinceForm:
        """Bound to the three boxes when they were sent, else to ``?since=YYYY-MM-DD``."""
        if any(f"since_{part}" in data for part in PARTS):
            return cls(data, as_of=as_of)
        value = (data.get("since") or "").strip()
        if not value:  # nothing sent: unbound, so that it can show the default
            return cls(as_of=as_of)
        match = ISO_DATE.fullmatch(value)
        if match:
            year, month, day = match.groups()
            return cls({"since_day": day, "since_month": month, "since_year": year}, as_of=as_of)
        return cls({}, as_of=as_of, query_error=QUERY_DATE_MESSAGE)

    def clean(self):
        if self.query_error:
            self.add_date_error("since", self.query_error)
            return self.cleaned_data
        cleaned = super().clean()
        since = cleaned.get("since")
        if since and self.as_of and since >= self.as_of:
            self.add_date_error("since", "Date to compare with must be before the date shown")
        return cleaned

    def since(self):
        """The date chosen, or None (nothing chosen, or not valid)."""
        return self.cleaned_data.get("since") if self.is_valid() else None


class ChallengeForm(forms.Form):
    question = text_field(
        "Your question for the owner",
        limit=TEXT_MAX,
        what="Your question",
        required_message="Enter your question for the owner",
        help_text="The owner is emailed and answers on this objective's page.",
    )


class AnswerForm(forms.Form):
    answer = text_field(
        "Your answer",
        limit=TEXT_MAX,
        what="Your answer",
        required_message="Enter your answer",
    )


class MeetingMoveForm(GovukForm):
    """Move a board meeting to another day, with a reason."""

    date_inputs = {"held_on": ("New date of the meeting", True)}

    held_on_day, held_on_month, held_on_year = date_boxes()
    reason = reason_field(
        "Why is the meeting moving?",
        required_message="Give a reason for moving the meeting",
        help_text="For example, the chair is away that week. Recorded in the meeting’s history "
        "with your name.",
    )
    version = VersionField()

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, initial={"version": meeting.version}, **kwargs)


class MeetingCancelForm(GovukForm):
    """Cancel a board meeting, with a reason."""

    reason = reason_field(
        "Why is the meeting cancelled?",
        required_message="Give a reason for cancelling the meeting",
        help_text="For example, not quorate; the next board takes its business. Recorded in the "
        "meeting’s history with your name.",
    )
    version = VersionField()

    def __init__(self, *args, meeting, **kwargs):
        super().__init__(*args, initial={"version": meeting.version}, **kwargs)
