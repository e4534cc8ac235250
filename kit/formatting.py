"""How dates, times, counts, figures and people read on the pages: "3 March 2026", "9:05am",
"34 days", "12.5", "Priya Nair" (or the username when an account has no name)."""

from datetime import date, datetime
from decimal import Decimal
from fractions import Fraction

from django.utils.dateformat import format as format_date


def long_date(value: date | None) -> str:
    return format_date(value, "j F Y") if value else ""


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def clock(moment: datetime) -> str:
    """GOV.UK style times: "9:05am", "4:30pm", "midday", "midnight"."""
    if moment.hour == 12 and moment.minute == 0:
        return "midday"
    if moment.hour == 0 and moment.minute == 0:
        return "midnight"
    return f"{moment.hour % 12 or 12}:{moment.minute:02d}{'am' if moment.hour < 12 else 'pm'}"


def when_label(moment: datetime) -> str:
    """ "3 March 2026 at 9:05am"."""
    return f"{long_date(moment)} at {clock(moment)}"


def person_name(user) -> str:
    """A person as the pages name them: their full name, or their username when it is blank."""
    return user.get_full_name() or user.get_username()


def number(value) -> str:
    """A value as people write it: no trailing zeros, no exponent ("12.5", "1200")."""
    if value is None:
        return ""
    if isinstance(value, Fraction):
        value = Decimal(value.numerator) / Decimal(value.denominator)
        value = value.quantize(Decimal("0.01"))
    text = format(Decimal(value), "f")
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def slip(days: int | None) -> str:
    """A milestone's slip in words: "4 days late", "1 day early", "On time"."""
    if days is None:
        return ""
    if days == 0:
        return "On time"
    return f"{plural(abs(days), 'day')} {'late' if days > 0 else 'early'}"
