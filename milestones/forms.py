"""Forms for an owner's changes to milestones: add, re-forecast and complete."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from kit.formatting import long_date
from kit.govuk_forms import (
    GovukForm,
    VersionedForm,
    date_boxes,
    reason_field,
    text_field,
)
from objectives import record_rules

from .models import Milestone

TITLE_MAX = 300


class MilestoneCreateForm(GovukForm):
    date_inputs = {"due_date": ("Due date", True)}

    title = text_field(
        "Milestone",
        limit=TITLE_MAX,
        what="Milestone",
        required_message="Enter what the milestone is",
        widget=forms.TextInput,
        help_text="A point at which progress can be checked, for example "
        "\u2018Family group conferencing service commissioned\u2019.",
    )
    due_date_day, due_date_month, due_date_year = date_boxes()


class MilestoneRescheduleForm(VersionedForm):
    """A new forecast date. Moving it later is a slip: the reason is then required."""

    date_inputs = {"due_date": ("New forecast date", True)}

    due_date_day, due_date_month, due_date_year = date_boxes()
    reason = reason_field(
        "Reason for the change",
        help_text="",
    )

    def __init__(self, *args, milestone: Milestone, **kwargs):
        kwargs.setdefault("version", milestone.version)
        super().__init__(*args, **kwargs)
        self.milestone = milestone
        self.fields["reason"].help_text = (
            f"Needed if the new date is later than {long_date(milestone.due_date)}. It is "
            "recorded in the objective\u2019s history with your name."
        )

    def clean(self):
        cleaned = super().clean()
        due_date = cleaned.get("due_date")
        reason = cleaned.get("reason", "")
        if due_date and due_date > self.milestone.due_date and not reason:
            self.add_error(
                "reason",
                "Give a reason for moving the date later than "
                f"{long_date(self.milestone.due_date)}",
            )
        return cleaned


class MilestoneCompleteForm(VersionedForm):
    """The completion date; an administrator may record one before the milestone was added,
    with a reason (owners do not see the reason box)."""

    date_inputs = {"completed_on": ("Completion date", True)}

    completed_on_day, completed_on_month, completed_on_year = date_boxes()
    reason = reason_field(
        "Reason (only for a completion before the milestone was added)",
        help_text="Recorded in the objective\u2019s history with your name.",
    )

    def __init__(self, *args, milestone: Milestone, administrator: bool = False, **kwargs):
        kwargs.setdefault("version", milestone.version)
        super().__init__(*args, **kwargs)
        self.milestone = milestone
        if not administrator:
            del self.fields["reason"]
        if not self.is_bound:
            self.initial_date("completed_on", timezone.localdate())

    @property
    def date_hint(self) -> str:
        """The allowed range, in words, before the person types a date."""
        earliest = record_rules.milestone_first_recorded(self.milestone)
        starts = self.milestone.objective.starts_on
        if earliest is None or earliest < starts:
            earliest = starts
        return (
            f"For example, 27 3 2026. It cannot be in the future, or before "
            f"{long_date(earliest)}"
            + (", when this milestone was added." if earliest != starts else ".")
        )

    def clean(self):
        cleaned = super().clean()
        completed_on = cleaned.get("completed_on")
        if completed_on and completed_on > timezone.localdate():
            self.add_date_error("completed_on", "Completion date cannot be in the future")
        return cleaned


class DependencyAddForm(GovukForm):
    """Choose a milestone of the same plan this one waits for, with the reason."""

    depends_on = forms.TypedChoiceField(
        label="Milestone it waits for",
        coerce=int,
        empty_value=None,
        error_messages={
            "required": "Choose the milestone this one waits for",
            "invalid_choice": "Choose a milestone from the list",
        },
    )
    reason = reason_field(
        "Reason",
        required_message="Give a reason for adding the dependency",
        help_text="Recorded in the objective\u2019s history with your name.",
    )

    def __init__(self, *args, choices: list[tuple[int, str]], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["depends_on"].choices = [("", "Choose a milestone"), *choices]


class DependencyRemoveForm(VersionedForm):
    reason = reason_field(
        "Reason for removing it",
        required_message="Give a reason for removing the dependency",
        help_text="Recorded in the objective\u2019s history with your name.",
    )
