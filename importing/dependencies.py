"""The Milestones sheet's "Waits for" column: which milestones each row waits for.

A cell lists milestones as objective reference, colon, milestone title, separated by semicolons
("2.3: Recruit staff; 1.4: Open the hub"). Each is looked for on the sheet first, then in the
plan. A problem names its cell: an entry not in that form, a milestone that is not there, one
that was withdrawn, a milestone waiting for itself, and links that would make a loop with each
other or with the plan's own links. Links the plan already has are kept as they are; an import
never removes one.
"""

from __future__ import annotations

import re

from milestones.dependencies import would_close_a_loop

from . import selectors
from .workbook import Problem

CELL_LIMIT = 2000
ENTRY = re.compile(r"\s*([^:]+?)\s*:\s*(.+?)\s*")
FORM = (
    "write each milestone as its objective\u2019s reference, a colon and its title, "
    'like "2.3: Recruit staff"'
)

Key = tuple[str, str]  # (objective reference, milestone title), lower case


def _key(ref: str, title: str) -> Key:
    return ref.strip().lower(), title.strip().lower()


def read_cell(reader, values, number: int) -> list[tuple[str, str]]:
    """The (reference, title) pairs in the row's cell, as written; a problem for each entry not
    in the form."""
    text = reader.text(values, number, "depends_on", CELL_LIMIT)
    found = []
    for entry in filter(None, (part.strip() for part in re.split(r"[;\n]", text or ""))):
        match = ENTRY.fullmatch(entry)
        if match is None:
            reader.problem("depends_on", number, f"\u201c{entry}\u201d is not a milestone: {FORM}")
            continue
        found.append((match.group(1), match.group(2)))
    return found


def check(preview, existing: dict, current_milestones: dict) -> None:
    """Resolve each row's "Waits for" entries, keep only the links that are new, and record a
    problem (with the cell) for each that cannot be made."""
    rows = [row for row in preview.milestones if row.waits_for]
    if not rows:
        return
    on_sheet = {_key(row.objective_ref, row.title) for row in preview.milestones}
    refs = {o.pk: o.ref for o in existing.values()}
    in_plan = {
        _key(refs[objective_id], title): m
        for (objective_id, title), m in current_milestones.items()
    }
    plan = preview.choice.plan
    graph: dict[Key, set[Key]] = {}
    by_id = {m.pk: key for key, m in in_plan.items()}
    for milestone_id, depends_on_id in selectors.links_in_force(plan) if plan else ():
        if milestone_id in by_id and depends_on_id in by_id:
            graph.setdefault(by_id[milestone_id], set()).add(by_id[depends_on_id])
    for row in rows:
        mine = _key(row.objective_ref, row.title)
        wanted: list[Key] = []
        if row.existing is not None and row.existing.withdrawn_on is not None:
            preview.problems.append(
                Problem(
                    row.waits_for_cell,
                    "This milestone was withdrawn; what it waits for no longer changes",
                )
            )
            row.waits_for = []
            continue
        for ref, title in row.waits_for:
            key = _key(ref, title)
            said = f"{ref}: {title}"
            if key == mine:
                problem = "A milestone cannot wait for itself"
            elif key not in on_sheet and key not in in_plan:
                problem = (
                    f"No milestone \u201c{said}\u201d on the Milestones sheet or in the plan: "
                    f"{FORM}"
                )
            elif key not in on_sheet and in_plan[key].withdrawn_on is not None:
                problem = f"\u201c{said}\u201d was withdrawn; a milestone cannot wait for it"
            elif key in graph.get(mine, set()):
                continue  # linked already: kept as it is
            elif would_close_a_loop(graph, mine, key):
                problem = (
                    f"\u201c{said}\u201d already waits, directly or through other milestones, "
                    "for this one: the two cannot wait for each other"
                )
            else:
                graph.setdefault(mine, set()).add(key)
                wanted.append(key)
                row.waits_for_shown.append(said)
                continue
            preview.problems.append(Problem(row.waits_for_cell, problem))
        row.waits_for = wanted


def write(preview, made: dict[Key, object], plan, *, user, reason: str) -> int:
    """Add each row's new links (after its milestones are written): how many were added.
    ``made`` holds the sheet's milestones as written; others are the plan's."""
    from milestones.dependencies import milestone_dependency_add

    rows = [row for row in preview.milestones if row.waits_for]
    if not rows:
        return 0
    plan_ones = selectors.milestones_by_key(plan)
    added = 0
    for row in rows:
        milestone = made[_key(row.objective_ref, row.title)]
        for key in row.waits_for:
            milestone_dependency_add(
                user=user,
                milestone=milestone,
                depends_on=made.get(key) or plan_ones[key],
                reason=reason,
            )
            added += 1
    return added
