"""Forms for setting up milestones: a new milestone, an edit of one, and a re-baseline
(administrators only), built from the GOV.UK form kit (``kit.govuk_forms``).
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError

from kit.govuk_forms import GovukForm, VersionField, date_boxes, date_initial, reason_field


class OneMilestoneForm:
    """A form about one milestone (``milestone=``): it keeps the milestone and starts at the
    version it was read at."""

    def __init__(self, *args, milestone, **kwargs):
        self.milestone = milestone
        initial = {"version": milestone.version, **(kwargs.pop("initial", None) or {})}
        super().__init__(*args, initial=initial, **kwargs)


class MilestoneForm(GovukForm):
    title = forms.CharField(
        max_length=300,
        label="What will be done by this point",
        help_text="For example, Trauma-informed training delivered in 20 schools",
        error_messages={"required": "Enter what will be done by this milestone"},
    )
    due_date_day, due_date_month, due_date_year = date_boxes()

    date_inputs = {"due_date": ("Due date", True)}

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError("Enter what will be done by this milestone")
        return title


class MilestoneEditForm(MilestoneForm):
    """Change a milestone's title or forecast date; moving it later needs a reason."""

    reason = reason_field(
        "Reason for the change",
        help_text="Needed if you move the due date later. Recorded in the history.",
    )
    version = VersionField()

    date_inputs = {"due_date": ("Forecast date", True)}

    def __init__(self, *args, milestone, **kwargs):
        self.milestone = milestone
        initial = {
            "title": milestone.title,
            "version": milestone.version,
            **date_initial("due_date", milestone.due_date),
            **(kwargs.pop("initial", None) or {}),
        }
        super().__init__(*args, initial=initial, **kwargs)

    def clean(self):
        cleaned = super().clean()
        due = cleaned.get("due_date")
        if due and due != self.milestone.due_date and self.milestone.completed_on is not None:
            self.add_error("due_date_day", "This milestone is complete; its date cannot move")
        elif due and due > self.milestone.due_date and not (cleaned.get("reason") or "").strip():
            self.add_error("reason", "Give a reason for moving the date later")
        return cleaned


class RebaselineForm(OneMilestoneForm, GovukForm):
    baseline_date_day, baseline_date_month, baseline_date_year = date_boxes()
    reason = reason_field(
        "Why is the baseline changing?",
        required_message="Give a reason for re-baselining",
        help_text="For example, the board agreed a new date on 12 March. Recorded in the history.",
    )
    version = VersionField()

    date_inputs = {"baseline_date": ("New baseline date", True)}

    def clean(self):
        cleaned = super().clean()
        if self.milestone.completed_on is not None:
            raise ValidationError(
                "This milestone is complete; its baseline is part of the record and cannot change"
            )
        if cleaned.get("baseline_date") == self.milestone.baseline_date:
            self.add_error(
                "baseline_date_day", "The new baseline date is the same as the current one"
            )
        return cleaned
