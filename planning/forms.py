"""Forms for setting up plans, themes and objectives (administrators only); milestones' are
in ``milestone_forms``, owners' in ``owner_forms``.

They are built from the GOV.UK form kit (``kit.govuk_forms``): dates are three
boxes each, service errors are shown on the fields they name, and every text field says its
limit in GOV.UK's words.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils import timezone

from kit.govuk_forms import GovukForm, VersionField, date_boxes, date_initial, reason_field
from objectives.models import OBJECTIVE_REF_TAKEN, THEME_NAME_TAKEN, Objective, Plan, Theme
from people.forms import OWNER_HINT, PersonChoiceField, possible_owners

User = get_user_model()


# --- Plan, themes, objectives, milestones ------------------------------------------------


MAX_DAYS = 3650


def days_field(label: str, *, what: str, example: int, required_message: str, help_text: str):
    """A plan threshold: a whole number of days from 1 to 3650, with GOV.UK messages."""
    return forms.IntegerField(
        min_value=1,
        max_value=MAX_DAYS,
        label=label,
        help_text=help_text,
        error_messages={
            "required": required_message,
            "invalid": f"{what} must be a whole number of days, like {example}",
            "min_value": f"{what} must be at least 1 day",
            "max_value": f"{what} must be {MAX_DAYS} days or fewer",
        },
    )


class PlanForm(GovukForm):
    name = forms.CharField(
        max_length=200,
        label="Name of the plan",
        error_messages={"required": "Enter the name of the plan"},
    )
    organisation = forms.CharField(
        max_length=200,
        label="Organisation",
        help_text="For example, Kestrelford Borough Council",
        error_messages={"required": "Enter the organisation"},
    )
    starts_on_day, starts_on_month, starts_on_year = date_boxes()
    ends_on_day, ends_on_month, ends_on_year = date_boxes()
    slip_tolerance_days = days_field(
        "Slip tolerance, in days",
        what="Slip tolerance",
        example=28,
        required_message="Enter the slip tolerance in days",
        help_text="A milestone that has slipped by more than this many days is red.",
    )
    stale_after_days = days_field(
        "Progress update interval, in days",
        what="Progress updates interval",
        example=42,
        required_message="Enter how often progress updates are due, in days",
        help_text="An objective with no progress update for longer than this is flagged.",
    )
    due_soon_days = days_field(
        "Due soon, in days",
        what="Due soon",
        example=14,
        required_message="Enter the number of days for due soon",
        help_text="Milestones due within this many days are shown as due soon.",
    )
    update_window_days = days_field(
        "Update window before each board meeting, in days",
        what="The update window",
        example=14,
        required_message="Enter the number of days before a board meeting that owners update",
        help_text="An objective's update is in for a board when its owner reports in this many "
        "days before the meeting.",
    )
    reason = reason_field(
        "Reason for the change (optional)", help_text="Recorded in the plan's history."
    )
    version = VersionField()

    date_inputs = {"starts_on": ("Start date", True), "ends_on": ("End date", True)}

    def __init__(self, *args, plan: Plan | None = None, **kwargs):
        initial = kwargs.pop("initial", {}) or {}
        if plan is not None:
            initial = {
                "name": plan.name,
                "organisation": plan.organisation,
                "slip_tolerance_days": plan.slip_tolerance_days,
                "stale_after_days": plan.stale_after_days,
                "due_soon_days": plan.due_soon_days,
                "update_window_days": plan.update_window_days,
                "version": plan.version,
                **date_initial("starts_on", plan.starts_on),
                **date_initial("ends_on", plan.ends_on),
                **initial,
            }
        else:
            initial = {
                "slip_tolerance_days": 28,
                "stale_after_days": 42,
                "due_soon_days": 14,
                "update_window_days": 14,
                **initial,
            }
        super().__init__(*args, initial=initial, **kwargs)
        if plan is None:
            del self.fields["reason"]
            del self.fields["version"]

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on <= starts_on:
            self.add_error("ends_on_day", "The end date must be after the start date")
        return cleaned

    def plan_fields(self) -> dict:
        names = ("name", "organisation", "starts_on", "ends_on")
        names += ("slip_tolerance_days", "stale_after_days", "due_soon_days")
        names += ("update_window_days",)
        return {name: self.cleaned_data[name] for name in names}


class ThemeForm(GovukForm):
    name = forms.CharField(
        max_length=200, label="Name of the theme", error_messages={"required": "Enter a name"}
    )
    order = forms.IntegerField(
        min_value=0,
        max_value=9999,
        label="Position in the plan",
        help_text="Themes are listed from the lowest number to the highest, for example 1, 2, 3.",
        error_messages={
            "required": "Enter the position of the theme, for example 1",
            "invalid": "Position must be a whole number, like 3",
            "min_value": "Position must be 0 or more",
            "max_value": "Position must be 9999 or less",
        },
    )
    version = VersionField()

    def __init__(self, *args, plan: Plan, theme: Theme | None = None, **kwargs):
        self.plan = plan
        self.theme = theme
        initial = kwargs.pop("initial", None) or {}
        if theme is not None:
            initial = {
                "name": theme.name,
                "order": theme.order,
                "version": theme.version,
                **initial,
            }
        else:
            last = plan.themes.order_by("-order").values_list("order", flat=True).first()
            initial = {"order": (last or 0) + 1, **initial}
        super().__init__(*args, initial=initial, **kwargs)
        if theme is None:
            del self.fields["version"]

    def clean_name(self):
        name = self.cleaned_data["name"].strip()
        if not name:
            raise ValidationError("Enter a name")
        clash = Theme.objects.filter(plan=self.plan, name__iexact=name)
        if self.theme is not None:
            clash = clash.exclude(pk=self.theme.pk)
        if clash.exists():
            raise ValidationError(THEME_NAME_TAKEN)
        return name


class ObjectiveForm(GovukForm):
    """An objective's details. The owner is chosen here only when the objective is created."""

    ref = forms.CharField(
        max_length=20,
        label="Reference",
        help_text="Unique in the plan, for example 2.3",
        error_messages={"required": "Enter a reference, for example 2.3"},
    )
    title = forms.CharField(
        max_length=300, label="Title", error_messages={"required": "Enter a title"}
    )
    theme = forms.ModelChoiceField(
        queryset=Theme.objects.none(), required=False, empty_label="No theme", label="Theme"
    )
    description = forms.CharField(
        required=False, max_length=10000, widget=forms.Textarea, label="Description (optional)"
    )
    source = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        label="Source finding (optional)",
        help_text="The inspection or review finding this objective answers.",
    )
    owner = PersonChoiceField(
        queryset=User.objects.none(),
        required=False,
        empty_label="Not assigned yet",
        label="Accountable owner",
        help_text=f"The named person responsible for this objective. {OWNER_HINT}",
    )
    status = forms.ChoiceField(
        choices=[c for c in Objective.Status.choices if c[0] != Objective.Status.WITHDRAWN],
        label="Status",
        help_text="To withdraw the objective, use Withdraw on its set-up page.",
        error_messages={"invalid_choice": "Select the status of the objective"},
    )
    closing_summary = forms.CharField(
        required=False,
        max_length=5000,
        widget=forms.Textarea,
        label="Closing summary",
        help_text="Needed to mark the objective complete: what was achieved, and the evidence.",
    )
    starts_on_day, starts_on_month, starts_on_year = date_boxes()
    target_date_day, target_date_month, target_date_year = date_boxes()
    reason = reason_field(
        "Reason for the change",
        help_text="Needed if you move the target date later. Recorded in the history.",
    )
    version = VersionField()

    date_inputs = {"starts_on": ("Start date", True), "target_date": ("Target date", True)}

    def __init__(self, *args, plan: Plan, objective: Objective | None = None, **kwargs):
        self.plan = plan
        self.objective = objective
        initial = kwargs.pop("initial", None) or {}
        if objective is not None:
            initial = {
                "ref": objective.ref,
                "title": objective.title,
                "theme": objective.theme_id,
                "description": objective.description,
                "source": objective.source,
                "status": objective.status,
                "closing_summary": objective.closing_summary,
                "version": objective.version,
                **date_initial("starts_on", objective.starts_on),
                **date_initial("target_date", objective.target_date),
                **initial,
            }
        else:
            initial = {**date_initial("starts_on", timezone.localdate()), **initial}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["theme"].queryset = Theme.objects.filter(plan=plan).order_by("order", "name")
        if objective is not None and objective.is_withdrawn:
            # A withdrawn objective stays withdrawn; its other details may still be corrected.
            self.fields["status"].choices = [(objective.status, objective.get_status_display())]
        if objective is None:
            self.fields["owner"].queryset = possible_owners()
            for name in ("status", "closing_summary", "reason", "version"):
                del self.fields[name]
        else:
            del self.fields["owner"]

    def clean_ref(self):
        ref = self.cleaned_data["ref"].strip()
        if not ref:
            raise ValidationError("Enter a reference, for example 2.3")
        clash = Objective.objects.filter(plan=self.plan, ref=ref)
        if self.objective is not None:
            clash = clash.exclude(pk=self.objective.pk)
        if clash.exists():
            raise ValidationError(OBJECTIVE_REF_TAKEN.format(ref=ref))
        return ref

    def clean_title(self):
        title = self.cleaned_data["title"].strip()
        if not title:
            raise ValidationError("Enter a title")
        return title

    def clean(self):
        cleaned = super().clean()
        starts_on, target = cleaned.get("starts_on"), cleaned.get("target_date")
        if starts_on and target and target <= starts_on:
            self.add_error("target_date_day", "The target date must be after the start date")
        if (
            self.objective is not None
            and target
            and target > self.objective.target_date
            and not (cleaned.get("reason") or "").strip()
        ):
            self.add_error("reason", "Give a reason for moving the target date later")
        return cleaned

    def objective_fields(self) -> dict:
        names = ["ref", "title", "theme", "description", "source", "starts_on", "target_date"]
        if self.objective is not None:
            names += ["status", "closing_summary"]
        return {name: self.cleaned_data[name] for name in names}
