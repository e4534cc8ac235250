"""Rows of the objectives tables, drawn by templates (``dashboard/_objective_row.html`` and
``dashboard/_owner_row.html``) one row at a time, each kept in Django's cache under a digest of
what it shows.

Drawing 150 rows through the template engine takes tens of milliseconds, most of a dashboard;
between two requests almost every row is the same, even after a write. A row's key is made of
everything the row shows (and the template's own text), so a changed row has a new key and an
old one is never shown: nothing needs invalidating, and entries expire unused.
"""

from __future__ import annotations

from datetime import date

from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from kit import bundles
from kit.keys import digest
from kit.panels import template_digest
from objectives.drift import ObjectiveDrift

TIMEOUT = 60 * 60 * 24
ROW_TEMPLATES = ("dashboard/_objective_row.html", "dashboard/_owner_row.html")
INCLUDED = ("includes/_rag_tag.html", "includes/_flags.html", "dashboard/_worst_milestone.html")
LIKELY_LATE_ITEM = "includes/_likely_late_item.html"
LIKELY_LATE = "includes/_likely_late.html"
DUE_SOON_ITEM = "includes/_due_soon_item.html"
DUE_SOON = "includes/_due_soon.html"


def _day(value: date | None) -> int | None:
    return value.toordinal() if value else None


def _shown(row: ObjectiveDrift) -> tuple:
    """Everything a row of the objectives' tables shows of its objective."""
    s = row.state
    m = row.worst_milestone
    worst = (
        (m.title, m.overdue_days, m.slip_days, m.replans, _day(m.due_date), _day(m.baseline_date))
        if m
        else None
    )
    return (
        row.id,
        s.ref,
        s.title,
        _day(s.target_date),
        s.theme,
        s.owner_id,
        s.owner_name,
        s.owner_active,
        _day(s.last_reported_on),
        row.rag,
        row.flags,
        worst,
        bool(row.open_milestones),
    )


def draw(name: str, items: list[tuple[ObjectiveDrift, dict]], marks=None, shown=None) -> SafeString:
    """Each item's row drawn by the template ``name`` (with ``row`` and the item's context),
    from the cache when a row showing the same was drawn before."""
    return draw_groups(name, [items], marks, shown)[0]


def _named(row: ObjectiveDrift) -> tuple:
    """What an item naming an objective shows of it: its link, ref, title and target."""
    s = row.state
    return (s.id, s.ref, s.title, _day(s.target_date))


def titled(row: ObjectiveDrift, context: dict) -> tuple:
    """What a list item naming an objective shows: the objective's name and the item's
    context. Such an item is known by these, not by the objective's mark, so a progress
    update leaves it as drawn."""
    return (*_named(row), tuple(sorted(context.items())))


# The lists of the dashboard say what their items show as plain numbers and text, quicker to
# write out for a key than the dates and named tuples of their context.


def _likely_shown(row: ObjectiveDrift, context: dict) -> tuple:
    when = context["when"]
    return (
        *_named(row),
        _day(when.finish),
        _day(when.finish_80),
        _day(context["as_of"]),
        _day(context["past"]),
        context["link"],
    )


def _due_soon_shown(row: ObjectiveDrift, context: dict) -> tuple:
    m = context["milestone"]
    return (*_named(row), m.id, m.title, _day(m.due_date), m.days_to_go, context["show_objective"])


def draw_groups(
    name: str,
    groups: list[list[tuple[ObjectiveDrift, dict]]],
    marks: dict | None = None,
    shown=None,
) -> list[SafeString]:
    """``draw`` for several groups of rows (the tables of one page), with one cache read.

    ``marks`` (``PlanDrift.marks``, today's read) stand for everything a row's drift shows, so
    a marked row is known by its mark and its context rather than by all it shows. ``shown``
    (row, context -> everything the template shows, such as ``titled``) is for templates that
    show a little of a row: their items are known by that, marked or not."""
    drawn = template_digest(name, *INCLUDED)
    keys = []
    if shown is not None:
        for items in groups:
            keys.extend(f"row:{drawn}:{digest(shown(*item))}" for item in items)
        return _drawn(name, drawn, groups, keys)
    marks = marks or {}
    extras: dict[tuple, str] = {}  # rows share their context's few values: each digested once
    for items in groups:
        for row, context in items:
            extra = tuple(sorted(context.items()))
            mark = marks.get(row.id)
            if mark:  # a mark is short and names what the row shows by itself
                try:
                    digest_of_extra = extras.get(extra) or extras.setdefault(extra, digest(extra))
                except TypeError:  # a value that cannot be a dictionary key: digested each time
                    digest_of_extra = digest(extra)
                keys.append(f"row:{drawn}:{mark}:{digest_of_extra}")
            else:
                keys.append(_shown_key(drawn, row, extra))
    return _drawn(name, drawn, groups, keys, by_shown=bool(marks))


def _shown_key(drawn: str, row: ObjectiveDrift, extra: tuple) -> str:
    return f"row:{drawn}:{digest(_shown(row), extra)}"


def _drawn(
    name: str, drawn: str, groups, keys: list[str], *, by_shown: bool = False
) -> list[SafeString]:
    """The groups' items drawn by ``name`` (whose digest with what it includes is ``drawn``),
    each found under its key or drawn now (and kept). With
    ``by_shown``, an item not found under its key (a row whose mark changed) is looked for under
    what it shows before it is drawn: a write that leaves a row as it was (a second update the
    same day, a change to another milestone) draws nothing; what is drawn is kept under both."""
    items = [item for group in groups for item in group]
    # The same rows are read together again and again: kept together too (``kit.bundles``),
    # under the template and the objectives shown.
    objectives = digest(*(row.id for row, _ in items))
    read = bundles.read(f"rows:{drawn}:{objectives}", keys) if keys else None
    found = read.found if read else {}
    missing = {key: item for key, item in zip(keys, items, strict=True) if key not in found}
    shown = {}
    if by_shown and missing:
        shown = {
            key: _shown_key(drawn, row, tuple(sorted(context.items())))
            for key, (row, context) in missing.items()
        }
        alike = cache.get_many(list(shown.values()))
    new = {}
    for key, (row, context) in missing.items():
        if key in shown and shown[key] in alike:
            new[key] = alike[shown[key]]
            continue
        new[key] = render_to_string(name, {"row": row, **context})
        if key in shown:
            new[shown[key]] = new[key]
    if read:
        read.keep(new, timeout=TIMEOUT)
    html, start = [], 0
    for group in groups:
        group_keys = keys[start : start + len(group)]
        start += len(group)
        html.append(mark_safe("".join(found[key] for key in group_keys)))  # noqa: S308 (templates)
    return html


def dashboard_rows(
    table: list[tuple[ObjectiveDrift, str]],
    *,
    past: date | None,
    impact: dict[int, str] | None = None,
) -> SafeString:
    """The dashboard's rows: ref, objective, theme, owner, status (and since when), impact (its
    measures by status in words, from ``impact``), what needs attention, the milestone furthest
    behind. ``past`` is the date shown when it is not today."""
    return dashboard_tables([table], past=past, impact=impact)[0]


def dashboard_tables(
    tables: list[list[tuple[ObjectiveDrift, str]]],
    *,
    past: date | None,
    impact: dict[int, str] | None = None,
    marks: dict | None = None,
) -> list[SafeString]:
    """``dashboard_rows`` for each of several tables, read from the cache at once."""
    impact = impact or {}
    return draw_groups(
        ROW_TEMPLATES[0],
        [
            [
                (row, {"since": since, "past": past, "impact": impact.get(row.id, "No measures")})
                for row, since in table
            ]
            for table in tables
        ],
        marks,
    )


def owner_rows(rows: list[ObjectiveDrift], *, past: date | None, marks=None) -> SafeString:
    """One owner's objectives: ref, objective and theme, status, what needs attention, the
    milestone furthest behind, last update."""
    return draw(ROW_TEMPLATES[1], [(row, {"past": past}) for row in rows], marks)


def likely_late(likely, *, as_of: date, past: date | None = None, link: bool = False) -> SafeString:
    """The objectives likely to finish after their target (``likely.late``, from
    ``tracking.forecasts``), one list item each, linked to their pages when ``link``."""
    return draw(
        LIKELY_LATE_ITEM,
        [
            (row, {"when": when, "as_of": as_of, "past": past, "link": link})
            for row, when in likely.late
        ],
        shown=_likely_shown,
    )


def due_soon(items) -> SafeString:
    """The dashboard's milestones due soon (``(row, milestone)`` pairs, from
    ``objectives.drift.due_soon``), one list item each, with their objectives named."""
    return draw(
        DUE_SOON_ITEM,
        [(row, {"milestone": milestone, "show_objective": True}) for row, milestone in items],
        shown=_due_soon_shown,
    )


def likely_late_section(likely, *, as_of: date, past: date | None, fold_after: int) -> SafeString:
    """The likely finish on the dashboard: the forecast's figures and the objectives likely to
    finish late, linked to their pages (``includes/_likely_late.html``)."""
    items = likely_late(likely, as_of=as_of, past=past, link=True)
    context = {"likely": likely, "late_items": items, "as_of": as_of, "fold_after": fold_after}
    return render_to_string(LIKELY_LATE, context)


def due_soon_section(items, *, days: int, fold_after: int) -> SafeString:
    """The dashboard's milestones due soon with their objectives (``includes/_due_soon.html``;
    nothing when there are none)."""
    context = {
        "items": items,
        "drawn_items": due_soon(items),
        "show_objective": True,
        "days": days,
        "fold_after": fold_after,
    }
    return render_to_string(DUE_SOON, context)
