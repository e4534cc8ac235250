"""The GOV.UK form kit every app's forms are built from.

``GovukForm`` is the base of the project's forms. It

- combines date inputs: a date is three boxes (day, month, year), as the GOV.UK Design System
  asks. A form declares them with ``due_date_day, due_date_month, due_date_year = date_boxes()``
  and lists them in ``date_inputs = {"due_date": ("Forecast date", required)}``; ``clean()``
  puts the date in ``cleaned_data["due_date"]`` and any error on the box that is wrong. Errors
  about the whole date go on the day box, which the error summary links to, and in
  ``date_errors["due_date"]``, for the template to highlight every box;
- shows a service's ``ValidationError`` on the field it names (``add_service_errors``);
- says a text field's limit in GOV.UK's words ("Title must be 300 characters or fewer") when the
  field does not say it itself; nothing is ever cut off.

Fields: ``text_field`` (text with its limit in words), ``reason_field`` (the reason
recorded with a change), ``date_boxes``, ``VersionField`` (the
version a row was read at, for refusing an edit made over someone else's).
"""

from __future__ import annotations

import re
from datetime import date

from django import forms
from django.core.exceptions import ValidationError

REASON_MAX = 2000
EARLIEST_YEAR = 1900
LATEST_YEAR = 2999
PARTS = ("day", "month", "year")
ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})", re.ASCII)
QUERY_DATE_MESSAGE = "The date in the address is not a date: write it like 2026-03-31"


def too_long(what: str, limit: int) -> str:
    return f"{what} must be {limit:,} characters or fewer"


def text_field(
    label: str,
    *,
    limit: int,
    what: str,
    required_message: str = "",
    widget: type[forms.Widget] = forms.Textarea,
    error_messages: dict[str, str] | None = None,
    **kwargs,
) -> forms.CharField:
    """Text that reports its limit in words (``too_long``) and has no ``maxlength`` (GOV.UK
    advice: the browser would cut the text off silently). A textarea unless ``widget`` says
    otherwise (``forms.TextInput`` for one line); required when it has a ``required_message``."""
    field = forms.CharField(
        label=label,
        max_length=limit,
        required=bool(required_message),
        widget=widget,
        error_messages={
            "required": required_message,
            "max_length": too_long(what, limit),
            **(error_messages or {}),
        },
        **kwargs,
    )
    field.widget.attrs.pop("maxlength", None)
    return field


def reason_field(
    label: str, *, required_message: str = "", help_text: str = "", **kwargs
) -> forms.CharField:
    """The reason recorded with a change: up to ``REASON_MAX`` characters ("Reason must be
    2,000 characters or fewer"); required when it has a ``required_message`` (the form's own
    words, e.g. "Give a reason for moving the meeting"), which a reason of only spaces gets
    too, since the text is stripped before it is checked."""
    return text_field(
        label,
        limit=REASON_MAX,
        what="Reason",
        required_message=required_message,
        help_text=help_text,
        **kwargs,
    )


def say_length_limits(fields) -> None:
    """Give each text field with a limit, and no words of its own for going over it, GOV.UK's:
    "<label> must be <limit> characters or fewer" (a label's " (optional)" left out)."""
    for field in fields:
        if isinstance(field, forms.CharField) and field.max_length:
            what = str(field.label or "This").removesuffix(" (optional)")
            field.error_messages.setdefault("max_length", too_long(what, field.max_length))


# --- Dates -------------------------------------------------------------------------------


class DatePartsField(forms.CharField):
    """One box of a GOV.UK date input. Kept as text so "3rd" or "March" gets a clear answer."""

    def __init__(self, **kwargs):
        super().__init__(required=False, **kwargs)

    def widget_attrs(self, widget):
        return {"inputmode": "numeric"}


def date_boxes() -> tuple[DatePartsField, DatePartsField, DatePartsField]:
    """The day, month and year boxes of one date: ``due_date_day, ... = date_boxes()``."""
    return tuple(DatePartsField(label=part.title()) for part in PARTS)


def date_initial(name: str, value: date | None) -> dict:
    """The boxes of date ``name`` filled in with ``value``, for a form's ``initial``."""
    if value is None:
        return {}
    return {f"{name}_day": value.day, f"{name}_month": value.month, f"{name}_year": value.year}


def query_date_boxes(name: str, value: str) -> dict[str, str] | None:
    """The boxes of date ``name`` as if filled in from ``YYYY-MM-DD`` (an address's
    ``?as_of=``), or None when the value is not written that way."""
    match = ISO_DATE.fullmatch(value.strip())
    if match is None:
        return None
    year, month, day = match.groups()
    return {f"{name}_day": day, f"{name}_month": month, f"{name}_year": year}


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


class DateInputMixin:
    """Combine day, month and year boxes into dates. Subclasses list them in ``date_inputs``:
    ``{"due_date": ("Forecast date", required)}``; the label names the date in messages
    ("Enter the forecast date", "Forecast date must include a month")."""

    date_inputs: dict[str, tuple[str, bool]] = {}

    def initial_date(self, name: str, value: date | None) -> None:
        self.initial.update(date_initial(name, value))

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
        """Put a service's ValidationError on the field it names (a date: on the whole date),
        or at the top of the form."""
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


# --- Forms -------------------------------------------------------------------------------


class GovukForm(DateInputMixin, forms.Form):
    """A form whose date boxes are combined in ``clean()`` and whose text fields say their
    limits in GOV.UK's words."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        say_length_limits(self.fields.values())

    def clean(self):
        cleaned = super().clean()
        self.clean_dates(cleaned)
        return cleaned


NO_VERSION = -1


class VersionField(forms.IntegerField):
    """The version of the row when the form was read, sent back hidden: the service refuses an
    edit made over someone else's. A form sent without a version, or with one that is not a
    version, never fails here: it cleans to ``NO_VERSION``, which no row has, so the service
    refuses it exactly like one read before the other change (one answer for both)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        kwargs.setdefault("min_value", 1)
        super().__init__(required=False, **kwargs)

    def clean(self, value):
        try:
            version = super().clean(value)
        except ValidationError:
            return NO_VERSION
        return NO_VERSION if version is None else version


class VersionedForm(GovukForm):
    """An edit form that carries the version of the row it was loaded at (no lost updates)."""

    expected_version = VersionField()

    def __init__(self, *args, version: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        if version is not None:
            self.initial["expected_version"] = version
