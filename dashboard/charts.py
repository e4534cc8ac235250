"""Charts drawn on the server as SVG: no JavaScript, printable, readable by screen readers.

Each function takes plain data and returns SVG markup (``SafeString``) with ``role="img"``, a
``<title>`` and a ``<desc>`` that says what the chart shows in words. Every text is escaped.
Colour is never the only cue: each RAG status also has its own fill pattern, bars carry their
numbers, and the page shows a table of the same data under each chart. Only presentation
attributes are used (the Content-Security-Policy forbids inline styles).
"""

from __future__ import annotations

from datetime import date

from django.utils.dateformat import format as format_date
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from .colours import RAG_COLOURS

FONT = 'font-family="Arial, Helvetica, sans-serif"'
TEXT = "#0b0c0c"
SECONDARY = "#505a5f"
GRID = "#b1b4b6"

STYLES = RAG_COLOURS  # one colour per status everywhere (dashboard.colours)
RAG_ORDER = ("red", "amber", "green", "complete")


def _patterns(prefix: str) -> str:
    """One fill per status: red solid, amber diagonal stripes, green dots, complete cross-hatch."""
    red, amber, green, done = (STYLES[r] for r in RAG_ORDER)
    return (
        "<defs>"
        f'<pattern id="{prefix}-red" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{red["fill"]}"/></pattern>'
        f'<pattern id="{prefix}-amber" width="8" height="8" patternUnits="userSpaceOnUse" '
        'patternTransform="rotate(45)">'
        f'<rect width="8" height="8" fill="{amber["fill"]}"/>'
        f'<rect width="2" height="8" fill="{amber["ink"]}"/></pattern>'
        f'<pattern id="{prefix}-green" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{green["fill"]}"/>'
        f'<circle cx="4" cy="4" r="1.6" fill="{green["ink"]}"/></pattern>'
        f'<pattern id="{prefix}-complete" width="8" height="8" patternUnits="userSpaceOnUse">'
        f'<rect width="8" height="8" fill="{done["fill"]}"/>'
        f'<path d="M0 4H8M4 0V8" stroke="{done["ink"]}" stroke-width="1"/></pattern>'
        "</defs>"
    )


def _open(prefix: str, width: int, height: int, title: str, desc: str) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{prefix}-title {prefix}-desc" focusable="false" '
        f'class="app-chart" preserveAspectRatio="xMinYMin meet">'
        f'<title id="{prefix}-title">{escape(title)}</title>'
        f'<desc id="{prefix}-desc">{escape(desc)}</desc>'
    )


def _text(x, y, content, *, size=14, anchor="start", fill=TEXT, weight="normal") -> str:
    bold = ' font-weight="bold"' if weight == "bold" else ""
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" {FONT} font-size="{size}" text-anchor="{anchor}" '
        f'fill="{fill}"{bold}>{escape(content)}</text>'
    )


def _wrap(label: str, width: int) -> list[str]:
    """Split a label into at most two lines of about ``width`` characters."""
    if len(label) <= width:
        return [label]
    cut = label.rfind(" ", 0, width + 1)
    cut = cut if cut > 0 else width
    first, rest = label[:cut].rstrip(), label[cut:].strip()
    if len(rest) > width:
        rest = rest[: width - 1].rstrip() + "…"
    return [first, rest]


def _label(x: float, y: float, row_h: int, label: str) -> str:
    """A bar's label, right-aligned before the bar, on one line or two smaller ones."""
    lines = _wrap(label, 30)
    if len(lines) == 1:
        return _text(x, y + row_h / 2 + 5, label, anchor="end")
    return _text(x, y + row_h / 2 - 2, lines[0], size=12, anchor="end") + _text(
        x, y + row_h / 2 + 11, lines[1], size=12, anchor="end"
    )


def _nice_max(value: int) -> int:
    """A round number at least ``value`` for the top of an axis."""
    if value <= 5:
        return 5
    for step in (10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000, 10000):
        top = -(-value // step) * step
        if top / step <= 6:
            return top
    return value


def _legend(prefix: str, x: float, y: float, statuses=RAG_ORDER) -> str:
    parts = []
    for status in statuses:
        parts.append(
            f'<rect x="{x:.1f}" y="{y - 12:.1f}" width="16" height="16" '
            f'fill="url(#{prefix}-{status})" stroke="{TEXT}" stroke-width="1"/>'
        )
        parts.append(_text(x + 22, y + 1, STYLES[status]["name"]))
        x += 40 + 8 * len(STYLES[status]["name"])
    return "".join(parts)


def rag_trend(points: list[tuple[date, dict[str, int]]], *, prefix: str = "trend") -> SafeString:
    """Stacked bars: how many objectives were red, amber, green and complete at each month end."""
    width, height = 720, 340
    left, right, top, bottom = 48, 16, 44, 52
    plot_w, plot_h = width - left - right, height - top - bottom
    totals = [sum(counts.values()) for _, counts in points]
    top_value = _nice_max(max(totals, default=0))
    if points:
        first, last = points[0], points[-1]
        words = ", ".join(f"{last[1][r]} {STYLES[r]['name'].lower()}" for r in RAG_ORDER)
        desc = (
            f"Stacked bars for each month end from {format_date(first[0], 'F Y')} to "
            f"{format_date(last[0], 'F Y')}. At the last month end: {words}. "
            "The table below gives every figure."
        )
    else:
        desc = "No month ends to show."
    out = [_open(prefix, width, height, "Objectives by status at each month end", desc)]
    out.append(_patterns(prefix))
    out.append(_legend(prefix, left, 18))
    # Horizontal grid lines with their values.
    for i in range(6):
        value = top_value * i / 5
        y = top + plot_h - plot_h * i / 5
        out.append(
            f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        out.append(_text(left - 6, y + 5, f"{value:g}", size=12, anchor="end", fill=SECONDARY))
    slot = plot_w / max(len(points), 1)
    bar = slot * 0.64
    for i, (day, counts) in enumerate(points):
        x = left + slot * i + (slot - bar) / 2
        y = top + plot_h
        for status in RAG_ORDER:
            n = counts.get(status, 0)
            if not n:
                continue
            h = plot_h * n / top_value
            y -= h
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{bar:.1f}" height="{h:.1f}" '
                f'fill="url(#{prefix}-{status})" stroke="#ffffff" stroke-width="1"/>'
            )
            if h >= 16:
                # A white or black box behind the number keeps it readable over any pattern.
                out.append(
                    f'<rect x="{x + bar / 2 - 13:.1f}" y="{y + h / 2 - 8:.1f}" width="26" '
                    f'height="16" fill="#ffffff" rx="2"/>'
                )
                out.append(_text(x + bar / 2, y + h / 2 + 5, str(n), size=12, anchor="middle"))
        out.append(
            _text(x + bar / 2, top + plot_h + 18, format_date(day, "M"), size=12, anchor="middle")
        )
        if i == 0 or day.month == 1:
            out.append(
                _text(
                    x + bar / 2,
                    top + plot_h + 34,
                    format_date(day, "Y"),
                    size=12,
                    anchor="middle",
                    fill=SECONDARY,
                )
            )
    out.append(
        f'<line x1="{left}" y1="{top + plot_h}" x2="{left + plot_w}" y2="{top + plot_h}" '
        f'stroke="{TEXT}" stroke-width="1"/>'
    )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 (every text above is escaped)


def horizontal_bars(
    rows: list[tuple[str, list[tuple[str, int]], str]],
    *,
    title: str,
    desc: str,
    prefix: str,
    legend: tuple[str, ...] = (),
    label_width: int = 250,
) -> SafeString:
    """Horizontal bars, one per row: (label, [(status, value), ...] stacked, text after the bar)."""
    width = 720
    row_h = 30
    top = 40 if legend else 12
    height = top + row_h * max(len(rows), 1) + 12
    plot_left = label_width + 12
    plot_w = width - plot_left - 150
    biggest = max((sum(v for _, v in parts) for _, parts, _ in rows), default=0)
    scale = plot_w / biggest if biggest else 0
    out = [_open(prefix, width, height, title, desc), _patterns(prefix)]
    if legend:
        out.append(_legend(prefix, plot_left, 20, legend))
    for i, (label, parts, after) in enumerate(rows):
        y = top + row_h * i
        out.append(_label(label_width, y, row_h, label))
        x = plot_left
        for status, value in parts:
            if value <= 0:
                continue
            w = max(value * scale, 2)
            out.append(
                f'<rect x="{x:.1f}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" '
                f'fill="url(#{prefix}-{status})" stroke="{TEXT}" stroke-width="0.5"/>'
            )
            x += w
        out.append(_text(x + 8, y + 19, after, size=13))
    if not rows:
        out.append(_text(plot_left, top + 19, "Nothing to show", fill=SECONDARY))
    out.append(
        f'<line x1="{plot_left}" y1="{top - 2}" x2="{plot_left}" y2="{height - 10}" '
        f'stroke="{TEXT}" stroke-width="1"/>'
    )
    out.append("</svg>")
    return mark_safe("".join(out))  # noqa: S308 (every text above is escaped)


def slip_by_theme(slips, *, prefix: str = "slip") -> SafeString:
    """Total days open milestones are later than agreed, for each theme."""
    rows = [
        (
            s.theme,
            [("amber", s.slip_days)],
            f"{s.slip_days} days ({s.slipped} of {s.open_milestones} late)",
        )
        for s in slips
    ]
    worst = slips[0] if slips and slips[0].slip_days else None
    desc = (
        f"Bars for {len(slips)} themes. The most slipped is {worst.theme}, with {worst.slip_days} "
        f"days across {worst.slipped} open milestones. The table below gives every figure."
        if worst
        else "No open milestone is later than agreed."
    )
    return horizontal_bars(
        rows, title="Slip in days by theme", desc=desc, prefix=prefix, label_width=260
    )


def owners_most_red(loads, *, prefix: str = "owners") -> SafeString:
    """Owners with the most red objectives (amber stacked after red)."""
    rows = [
        (
            o.name + ("" if o.active else " (has left)"),
            [("red", o.red), ("amber", o.amber)],
            f"{o.red} red, {o.amber} amber",
        )
        for o in loads
    ]
    desc = (
        f"Bars for {len(loads)} owners, most red first. {loads[0].name} owns {loads[0].red} red "
        f"and {loads[0].amber} amber objectives. The table below gives every figure."
        if loads
        else "No owner has a red or amber objective."
    )
    return horizontal_bars(
        rows,
        title="Owners with the most red objectives",
        desc=desc,
        prefix=prefix,
        legend=("red", "amber"),
        label_width=220,
    )
