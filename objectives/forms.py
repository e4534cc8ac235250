"""Forms for the owner's changes to an objective, and the GOV.UK date input they share.

Dates are entered as three boxes (day, month, year), as the GOV.UK Design System asks. A form
declares them with ``due_date_day, due_date_month, due_date_year = date_boxes()`` and lists
them in ``date_inputs``; ``clean()`` combines them into
``cleaned_data["due_date"]`` and attaches any error to the part that is wrong (errors about
the whole date go on the day box, which the error summary links to).
"""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone

from .models import Objective, ProgressUpdate

REASON_MAX = 2000
SUMMARY_MAX = 5000
DESCRIPTION_MAX = 5000
TITLE_MAX = 300
EARLIEST_YEAR = 1900
LATEST_YEAR = 2999
PARTS = ("day", "month", "year")
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
QUERY_DATE_MESSAGE = "The date in the address is not a date: write it like 2026-03-31"


def too_long(what: str, limit: int) -> str:
    return f"{what} must be {limit:,} characters or fewer"


def text_field(label: str, *, limit: int, what: str, required_message: str = "", **kwargs):
    """A textarea that reports its limit in words and has no ``maxlength`` (GOV.UK advice:
    the browser would cut the text off silently)."""
    field = forms.CharField(
        label=label,
        max_length=limit,
        required=bool(required_message),
        widget=forms.Textarea,
        error_messages={
            "required": required_message,
            "max_length": too_long(what, limit),
        },
        **kwargs,
    )
    field.widget.attrs.pop("maxlength", None)
    return field


class DatePartsField(forms.CharField):
    """One box of a GOV.UK date input. Kept as text so "3rd" or "March" gets a clear answer."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def widget_attrs(self, widget):
        return {"inputmode": "numeric"}


def date_boxes() -> tuple[DatePartsField, DatePartsField, DatePartsField]:
    """The day, month and year boxes of one date: ``due_date_day, ... = date_boxes()``."""
    return tuple(DatePartsField(label=part.title()) for part in PARTS)


class DateInputMixin:
    """Combine day, month and year boxes into dates. Subclasses list them in ``date_inputs``:
    ``{"due_date": ("Forecast date", required)}``."""

    date_inputs: dict[str, tuple[str, bool]] = {}

    def initial_date(self, name: str, value: date | None) -> None:
        if value is not None:
            self.initial.update(
                {f"{name}_day": value.day, f"{name}_month": value.month, f"{name}_year": value.year}
            )

    @property
    def date_errors(self) -> dict[str, list[str]]:
        """Errors about a whole date (every box is highlighted), by date name."""
        if not hasattr(self, "_date_errors"):
            self._date_errors = {name: [] for name in self.date_inputs}
        return self._date_errors

    def add_date_error(self, name: str, message: str) -> None:
        self.date_errors.setdefault(name, []).append(message)
        self.add_error(f"{name}_day", message)

    def clean_dates(self, cleaned: dict) -> None:
        for name, (label, required) in self.date_inputs.items():
            result = combine_date(
                {part: cleaned.get(f"{name}_{part}") or "" for part in PARTS}, label, required
            )
            if not isinstance(result, DateError):
                cleaned[name] = result
            elif result.part is None:
                self.add_date_error(name, result.message)
            else:
                self.add_error(f"{name}_{result.part}", result.message)

    def add_service_errors(self, error: ValidationError) -> None:
        """Put a service's ValidationError on the field it names (or the top of the form)."""
        if not hasattr(error, "error_dict"):
            for message in error.messages:
                self.add_error(None, message)
            return
        for field, messages in error.message_dict.items():
            for message in messages:
                if field in self.fields:
                    self.add_error(field, message)
                elif field in self.date_inputs:
                    self.add_date_error(field, message)
                else:
                    self.add_error(None, message)


class DateError:
    """What is wrong with a date, and which box (None: the whole date)."""

    def __init__(self, part: str | None, message: str):
        self.part = part
        self.message = message


def combine_date(parts: dict[str, str], label: str, required: bool) -> date | None | DateError:
    """A date from GOV.UK day/month/year boxes, or a DateError saying what is wrong and where.

    Messages follow the GOV.UK date input pattern ("Forecast date must include a month",
    "Forecast date must be a real date").
    """
    values = {part: (parts.get(part) or "").strip() for part in PARTS}
    missing = [part for part in PARTS if not values[part]]
    if len(missing) == len(PARTS):
        return DateError(None, f"Enter the {label.lower()}") if required else None
    if missing:
        return DateError(missing[0], f"{label} must include a {' and '.join(missing)}")
    numbers = {}
    for part in PARTS:
        value = values[part]
        if not (value.isascii() and value.isdigit()) or len(value) > (4 if part == "year" else 2):
            if part == "year" and value.isascii() and value.isdigit():
                return DateError("year", "Year must include 4 numbers")
            return DateError(part, f"{label} must be a real date")
        numbers[part] = int(values[part])
    if len(values["year"]) != 4:
        return DateError("year", "Year must include 4 numbers")
    if not EARLIEST_YEAR <= numbers["year"] <= LATEST_YEAR:
        return DateError("year", f"Year must be between {EARLIEST_YEAR} and {LATEST_YEAR}")
    if not 1 <= numbers["month"] <= 12:
        return DateError("month", f"{label} must be a real date")
    if not 1 <= numbers["day"] <= 31:
        return DateError("day", f"{label} must be a real date")
    try:
        return date(numbers["year"], numbers["month"], numbers["day"])
    except ValueError:
        return DateError(None, f"{label} must be a real date")


class GovukForm(DateInputMixin, forms.Form):
    """A form whose date boxes are combined in ``clean()``."""

    def clean(self):
        cleaned = super().clean()
        self.clean_dates(cleaned)
        return cleaned


class VersionedForm(GovukForm):
    """An edit form that carries the version of the row it was loaded at (no lost updates)."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if version is not None:
            self.initial["expected_version"] = version
        self.fields["expected_version"].error_messages.update(
            {
                "required": "This form is out of date: reload the page and try again",
                "invalid": "This form is out of date: reload the page and try again",
                "min_value": "This form is out of date: reload the page and try again",
            }
        )


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
    reason = text_field(
        "Why are you making this change? (optional)",
        limit=REASON_MAX,
        what="Reason",
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
        match = ISO_DATE.fullmatch(value.strip())
        if match:
            year, month, day = match.groups()
            return cls({"as_of_day": day, "as_of_month": month, "as_of_year": year})
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
