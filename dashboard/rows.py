"""Rows of the objectives tables, as HTML built in Python.

Drawing 150 rows through Django's template engine (three includes a row) took about 50 ms, the
larger part of a dashboard drawn afresh; built here it takes a few. The RAG tag and the flags
still come from the shared includes (``includes/_rag_tag.html``, ``includes/_flags.html``),
rendered once for each distinct value and reused. Every piece of people's text is escaped.
"""

from __future__ import annotations

from datetime import date

from django.template.loader import render_to_string
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from objectives.drift import COMPLETE, ObjectiveDrift

MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
CELL = '<td class="govuk-table__cell">'


def short_date(day: date) -> str:
    """ "3 Oct 2026", as the template filter ``date:"j M Y"`` writes it."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def secondary(text: str) -> str:
    return f'<span class="app-secondary-text">{text}</span>'


class Cells:
    """Shared pieces, each rendered once per distinct value."""

    def __init__(self):
        self._rags: dict[str, str] = {}
        self._flags: dict[tuple, str] = {}

    def rag(self, rag: str) -> str:
        if rag not in self._rags:
            self._rags[rag] = render_to_string("includes/_rag_tag.html", {"rag": rag}).strip()
        return self._rags[rag]

    def flags(self, row: ObjectiveDrift) -> str:
        if row.flags not in self._flags:
            context = {"flags": row.flag_labels, "empty": "Nothing flagged"}
            self._flags[row.flags] = render_to_string("includes/_flags.html", context).strip()
        return self._flags[row.flags]


def worst_milestone(row: ObjectiveDrift) -> str:
    """The open milestone furthest behind, with its days overdue and later than agreed."""
    m = row.worst_milestone
    if m is None:
        if row.rag == COMPLETE:
            return "Complete"
        return "None behind" if row.open_milestones else "No open milestones"
    parts = [escape(m.title)]
    if m.overdue_days > 0:
        parts.append(
            f'<strong class="app-overdue">{plural(m.overdue_days, "day")} overdue</strong>'
        )
    if m.slip_days > 0:
        text = f"{plural(m.slip_days, 'day')} later than agreed"
        if m.replans:
            text += f", re-planned {plural(m.replans, 'time')}"
        parts.append(secondary(text))
    due = f"Due {short_date(m.due_date)}"
    if m.due_date != m.baseline_date:
        due += f" (agreed {short_date(m.baseline_date)})"
    parts.append(secondary(due))
    return "".join(parts)


def _link(row: ObjectiveDrift, past: date | None) -> str:
    query = f"?as_of={past.isoformat()}" if past else ""
    return (
        f'<a class="govuk-link" href="/objectives/{row.id}/{query}">{escape(row.state.title)}</a>'
    )


def dashboard_rows(table: list[tuple[ObjectiveDrift, str]], *, past: date | None) -> SafeString:
    """The dashboard's rows: ref, objective, theme, owner, status (and since when), what needs
    attention, the milestone furthest behind. ``past`` is the date shown when it is not today."""
    cells = Cells()
    out = []
    for row, since in table:
        s = row.state
        if s.owner_id:
            owner = escape(s.owner_name) + (
                "" if s.owner_active else " <strong>(has left)</strong>"
            )
        else:
            owner = "<strong>No named owner</strong>"
        last = f"Last update {short_date(s.last_reported_on)}" if s.last_reported_on else None
        out.append(
            '<tr class="govuk-table__row">'
            f"{CELL}{escape(s.ref)}</td>"
            f"{CELL}{_link(row, past)}{secondary('Target ' + short_date(s.target_date))}</td>"
            f"{CELL}{escape(s.theme or 'No theme')}</td>"
            f"{CELL}{owner}{secondary(last or 'No update yet')}</td>"
            f"{CELL}{cells.rag(row.rag)}{secondary(escape(since)) if since else ''}</td>"
            f"{CELL}{cells.flags(row)}</td>"
            f"{CELL}{worst_milestone(row)}</td>"
            "</tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 (people's text is escaped above)


def owner_rows(rows: list[ObjectiveDrift], *, past: date | None) -> SafeString:
    """One owner's objectives: ref, objective and theme, status, what needs attention, the
    milestone furthest behind, last update."""
    cells = Cells()
    out = []
    for row in rows:
        s = row.state
        last = short_date(s.last_reported_on) if s.last_reported_on else "None"
        out.append(
            '<tr class="govuk-table__row">'
            f"{CELL}{escape(s.ref)}</td>"
            f"{CELL}{_link(row, past)}{secondary(escape(s.theme or 'No theme'))}</td>"
            f"{CELL}{cells.rag(row.rag)}</td>"
            f"{CELL}{cells.flags(row)}</td>"
            f"{CELL}{worst_milestone(row)}</td>"
            f"{CELL}{last}</td>"
            "</tr>\n"
        )
    return mark_safe("".join(out))  # noqa: S308 (people's text is escaped above)
