"""How dates and counts read on the pages: "3 March 2026", "1 day", "34 days"."""

from datetime import date

from django.utils.dateformat import format as format_date


def long_date(value: date | None) -> str:
    return format_date(value, "j F Y") if value else ""


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"
