"""Forms for the owner's changes to an objective, and for the day an objective is seen at.

They are built from the GOV.UK form kit (``kit.govuk_forms``).
"""

from __future__ import annotations

from django import forms
from django.utils import timezone

from kit.govuk_forms import (
    QUERY_DATE_MESSAGE,
    GovukForm,
    VersionedForm,
    date_boxes,
    query_date_boxes,
    reason_field,
    text_field,
)

from .models import Objective, ProgressUpdate

SUMMARY_MAX = 5000
DESCRIPTION_MAX = 5000


class ProgressUpdateForm(GovukForm):
    date_inputs = {"reported_on": ("Date of the update", True)}

    rag = forms.ChoiceField(
        label="How is the objective going?",
        choices=ProgressUpdate.Rag.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select red, amber or green"},
        help_text="Your own view: red if it will not be met without help, amber if at risk.",
    )
    summary = text_field(
        "Summary of progress",
        limit=SUMMARY_MAX,
        what="Summary",
        required_message="Enter a summary of progress",
        help_text="What has happened since the last update, and what happens next.",
    )
    reported_on_day, reported_on_month, reported_on_year = date_boxes()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial_date("reported_on", timezone.localdate())

    def clean(self):
        cleaned = super().clean()
        reported_on = cleaned.get("reported_on")
        if reported_on and reported_on > timezone.localdate():
            self.add_date_error("reported_on", "Date of the update cannot be in the future")
        return cleaned


class ObjectiveEditForm(VersionedForm):
    """What an owner may change about their objective: its description and status."""

    description = text_field(
        "Description",
        limit=DESCRIPTION_MAX,
        what="Description",
        help_text="What the objective will achieve and how.",
    )
    status = forms.ChoiceField(
        label="Status",
        choices=[c for c in Objective.Status.choices if c[0] != Objective.Status.WITHDRAWN],
        widget=forms.RadioSelect,
        error_messages={"required": "Select the status of the objective"},
    )
    closing_summary = text_field(
        "Closing summary",
        limit=DESCRIPTION_MAX,
        what="Closing summary",
        help_text="Needed to mark the objective complete: what was achieved, and the evidence.",
    )
    reason = reason_field(
        "Why are you making this change? (optional)",
        help_text="This is recorded in the objective's history.",
    )

    @classmethod
    def for_objective(cls, objective: Objective, data=None) -> ObjectiveEditForm:
        return cls(
            data,
            version=objective.version,
            initial={
                "description": objective.description,
                "status": objective.status,
                "closing_summary": objective.closing_summary,
            },
        )


class AsOfForm(GovukForm):
    """Choose a past day to see the objective as it stood then (a GET form).

    Bound either to the three boxes, or (``from_query``) to ``?as_of=YYYY-MM-DD``.
    """

    date_inputs = {"as_of": ("Date to show", True)}
    as_of_day, as_of_month, as_of_year = date_boxes()

    def __init__(self, *args, query_error: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        self.query_error = query_error

    @classmethod
    def from_query(cls, value: str) -> AsOfForm:
        """The form as if the boxes had been filled in from ``?as_of=YYYY-MM-DD``."""
        boxes = query_date_boxes("as_of", value)
        if boxes is not None:
            return cls(boxes)
        return cls({}, query_error=QUERY_DATE_MESSAGE)

    def clean(self):
        if self.query_error:
            self.add_date_error("as_of", self.query_error)
            return self.cleaned_data
        cleaned = super().clean()
        as_of = cleaned.get("as_of")
        if as_of and as_of > timezone.localdate():
            self.add_date_error("as_of", "Date to show must be today or in the past")
        return cleaned
