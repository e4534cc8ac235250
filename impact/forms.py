"""Forms for findings, measures, their values and evidence (GOV.UK wording and date inputs)."""

from __future__ import annotations

from django import forms
from django.utils import timezone

from kit.govuk_forms import (
    PARTS,
    QUERY_DATE_MESSAGE,
    GovukForm,
    VersionedForm,
    VersionField,
    date_boxes,
    query_date_boxes,
    reason_field,
    text_field,
)

from .models import VALUE_DIGITS, VALUE_PLACES, Evidence, Measure

FINDING_TEXT_MAX = 5000
NOTE_MAX = 2000


def short_text(label: str, **kwargs) -> forms.CharField:
    """One line of text, with its limit in words."""
    return text_field(label, widget=forms.TextInput, **kwargs)


def number_field(label: str, what: str, **kwargs):
    field = forms.DecimalField(
        label=label,
        max_digits=VALUE_DIGITS,
        decimal_places=VALUE_PLACES,
        localize=False,
        widget=forms.TextInput(attrs={"inputmode": "decimal", "spellcheck": "false"}),
        error_messages={
            "required": f"Enter the {what}",
            "invalid": f"{what.capitalize()} must be a number, like 42 or 12.5",
            "max_digits": f"{what.capitalize()} must be smaller than a trillion",
            "max_decimal_places": f"{what.capitalize()} can have up to 2 decimal places",
            "max_whole_digits": f"{what.capitalize()} must be smaller than a trillion",
        },
        **kwargs,
    )
    return field


class FindingsRegisterForm(GovukForm):
    """Which plan's findings register, as it stood at the end of which day (a GET form).

    People fill in the GOV.UK day, month and year boxes; the address keeps ``?as_of=YYYY-MM-DD``,
    which binds the boxes as if they had been filled in. No date is today. ``plan`` is None
    when there are several plans and none was chosen (the page offers the choice)."""

    date_inputs = {"as_of": ("Date to show", False)}
    plan = forms.ChoiceField(
        label="Plan",
        required=False,
        widget=forms.RadioSelect,
        error_messages={"invalid_choice": "Choose a plan from the list"},
    )
    as_of_day, as_of_month, as_of_year = date_boxes()

    def __init__(self, data, *, plans):
        data = data.copy()
        self.from_boxes = any((data.get(f"as_of_{part}") or "").strip() for part in PARTS)
        self.query_error = ""
        address_date = (data.get("as_of") or "").strip()
        if not self.from_boxes and address_date:
            boxes = query_date_boxes("as_of", address_date)
            if boxes is None:
                self.query_error = QUERY_DATE_MESSAGE
            else:
                data.update(boxes)
        super().__init__(data)
        self.plans = list(plans)
        self.fields["plan"].choices = [
            (str(p.pk), f"{p.name} (draft)" if p.is_draft else p.name) for p in self.plans
        ]

    def clean_plan(self):
        chosen = self.cleaned_data.get("plan") or ""
        if chosen:
            return next(p for p in self.plans if str(p.pk) == chosen)
        return self.plans[0] if len(self.plans) == 1 else None

    def clean(self):
        cleaned = super().clean()
        if self.query_error:
            self.add_date_error("as_of", self.query_error)
            return cleaned
        if "as_of" in cleaned:
            as_of = cleaned["as_of"] or timezone.localdate()
            if as_of > timezone.localdate():
                self.add_date_error("as_of", "Date to show must be today or in the past")
            cleaned["as_of"] = as_of
        return cleaned


class FindingForm(GovukForm):
    ref = short_text(
        "Reference",
        limit=20,
        what="Reference",
        required_message="Enter a reference",
        help_text='For example "F3". Each finding in a plan has its own reference.',
    )
    source = short_text(
        "Source",
        limit=200,
        what="Source",
        help_text='Where it was found, for example "SIF 2016" or "JTAI neglect 2017".',
    )
    text = text_field(
        "What the finding says",
        limit=FINDING_TEXT_MAX,
        what="Finding",
        required_message="Enter what the finding says",
    )


class FindingEditForm(VersionedForm, FindingForm):
    reason = reason_field(
        "Why are you making this change? (optional)",
        help_text="This is recorded in the finding's history.",
    )


class FindingLinksForm(GovukForm):
    objectives = forms.MultipleChoiceField(
        label="Objectives that answer this finding",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Select every objective whose work answers the finding.",
        error_messages={"invalid_choice": "Select objectives from this plan"},
    )
    reason = reason_field(
        "Why are you making this change? (optional)",
        help_text="This is recorded in the history of each link.",
    )

    def __init__(self, *args, objectives=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objectives"].choices = [(str(o.pk), f"{o.ref} {o.title}") for o in objectives]


class MeasureForm(GovukForm):
    date_inputs = {
        "baseline_on": ("Baseline date", True),
        "target_on": ("Target date", True),
    }
    name = short_text(
        "Name of the measure",
        limit=200,
        what="Name",
        required_message="Enter the name of the measure",
        help_text='For example "Children looked after per 10,000".',
    )
    unit = short_text(
        "Unit (optional)", limit=50, what="Unit", help_text='For example "%", "children" or "days".'
    )
    direction = forms.ChoiceField(
        label="Which way is better?",
        choices=Measure.Direction.choices,
        widget=forms.RadioSelect,
        error_messages={"required": "Select whether higher or lower is better"},
    )
    baseline_value = number_field("Baseline value", "baseline value")
    baseline_on_day, baseline_on_month, baseline_on_year = date_boxes()
    target_value = number_field("Target value", "target value")
    target_on_day, target_on_month, target_on_year = date_boxes()

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("baseline_on"), cleaned.get("target_on")
        if start and end and end <= start:
            self.add_date_error("target_on", "Target date must be after the baseline date")
        return cleaned


class MeasureEditForm(VersionedForm, MeasureForm):
    reason = reason_field(
        "Why are you making this change?",
        help_text="Needed when the baseline, target or direction changes. It is recorded in "
        "the measure's history.",
    )

    @classmethod
    def for_measure(cls, measure) -> MeasureEditForm:
        form = cls(
            version=measure.version,
            initial={
                "name": measure.name,
                "unit": measure.unit,
                "direction": measure.direction,
                "baseline_value": measure.baseline_value,
                "target_value": measure.target_value,
            },
        )
        form.initial_date("baseline_on", measure.baseline_on)
        form.initial_date("target_on", measure.target_on)
        return form


class MeasureValueForm(GovukForm):
    date_inputs = {"period_end": ("End of the period", True)}
    period_end_day, period_end_month, period_end_year = date_boxes()
    value = number_field("Value", "value")
    note = text_field(
        "Note (optional)",
        limit=NOTE_MAX,
        what="Note",
        help_text="Anything a reader needs to know about this value, such as where it comes from.",
    )

    def clean(self):
        cleaned = super().clean()
        period_end = cleaned.get("period_end")
        if period_end and period_end > timezone.localdate():
            self.add_date_error("period_end", "End of the period cannot be in the future")
        return cleaned


class EvidenceForm(GovukForm):
    kind = forms.ChoiceField(
        label="What are you adding?",
        choices=[
            (Evidence.Kind.LINK, "A link to a document or page"),
            (Evidence.Kind.FILE, "A file"),
        ],
        widget=forms.RadioSelect,
        error_messages={"required": "Select a link or a file"},
    )
    title = short_text(
        "Title",
        limit=200,
        what="Title",
        help_text='What it shows, for example "Audit of 40 child in need plans". Left blank for '
        "a file, its name is used.",
    )
    url = short_text(
        "Web address (for a link)",
        limit=2000,
        what="Web address",
        help_text="It starts with https://",
    )
    file = forms.FileField(
        label="File (for a file)",
        required=False,
        help_text="A PDF, Word, Excel, PowerPoint or OpenDocument file, a PNG, JPEG or GIF image, "
        "a CSV or a text file, smaller than 10 MB.",
        error_messages={
            "invalid": "The selected file could not be read: choose it again",
            "empty": "The selected file is empty",
            "missing": "Select a file",
        },
    )
    attach_to = forms.ChoiceField(
        label="What is it evidence of?",
        error_messages={
            "required": "Select what the evidence is for",
            "invalid_choice": "Select what the evidence is for",
        },
    )

    def __init__(self, *args, updates=(), milestones=(), too_big: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.too_big = too_big
        choices = [("objective", "The objective as a whole")]
        choices += [
            (f"milestone-{m.pk}", f"Completion of milestone: {m.title}") for m in milestones
        ]
        choices += [
            (f"update-{u.pk}", f"Progress update of {u.reported_on:%-d %B %Y}") for u in updates
        ]
        self.fields["attach_to"].choices = choices
        if not self.is_bound:
            self.initial.setdefault("attach_to", "objective")

    def clean(self):
        cleaned = super().clean()
        kind = cleaned.get("kind")
        if kind == Evidence.Kind.LINK:
            if not cleaned.get("url"):
                self.add_error("url", "Enter the web address of the evidence")
            if not (cleaned.get("title") or "").strip():
                self.add_error("title", "Enter a title for the link")
        elif self.too_big:
            self.add_error("file", "The selected file must be smaller than 10 MB")
        elif kind == Evidence.Kind.FILE and not cleaned.get("file"):
            self.add_error("file", "Select a file")
        return cleaned


class WithdrawEvidenceForm(GovukForm):
    reason = reason_field(
        "Why is this evidence being withdrawn?",
        required_message="Enter why the evidence is being withdrawn",
        help_text="The evidence stays in the record, marked as withdrawn, with your reason.",
    )


class _ValueChangeForm(GovukForm):
    version = VersionField()

    def __init__(self, *args, value, **kwargs):
        initial = {"version": value.version, **(kwargs.pop("initial", None) or {})}
        super().__init__(*args, initial=initial, **kwargs)


class MeasureValueCorrectForm(_ValueChangeForm):
    """Correct a recorded value (and its note), with a reason."""

    value = number_field("Correct value", "correct value")
    note = text_field(
        "Note (optional)",
        limit=NOTE_MAX,
        what="Note",
        help_text="Anything a reader needs to know about this value, such as where it comes from.",
    )
    reason = reason_field(
        "Why is the value being corrected?",
        required_message="Give a reason for correcting the value",
        help_text="For example, the figure was typed from the wrong month’s report. Recorded in "
        "the value’s history with your name.",
    )

    def __init__(self, *args, value, **kwargs):
        initial = {"value": value.value, "note": value.note, **(kwargs.pop("initial", None) or {})}
        super().__init__(*args, value=value, initial=initial, **kwargs)


class MeasureValueWithdrawForm(_ValueChangeForm):
    """Withdraw a value recorded in error, with a reason."""

    reason = reason_field(
        "Why is the value being withdrawn?",
        required_message="Give a reason for withdrawing the value",
        help_text="For example, it was recorded against the wrong measure. Recorded in the value’s "
        "history with your name.",
    )
