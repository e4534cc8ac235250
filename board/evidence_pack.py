"""The inspector's evidence pack: a ZIP of one tagged PDF and the evidence files beside it.

The PDF walks each finding of the plan as it stood at the end of a day D, to the objectives
answering it (their RAG at D, milestones, progress updates, measures, challenges and every
recorded change with who, when and why up to D); objectives answering no finding close it.
The evidence files recorded by D, and not withdrawn by then, are copied from evidence storage
into ``evidence/<finding ref>/<objective ref>/<n>-<file name>``, every part made safe.

Everything is read as recorded at D through ``tracking.history`` and the as-of selectors; the
plan's reads run a fixed number of queries, and one more for each objective's challenges.
"""

from __future__ import annotations

import shutil
import zipfile
from collections import defaultdict
from datetime import date

from django.template.loader import render_to_string

from impact import selectors
from impact.measure_selectors import plan_measures
from impact.models import Evidence, evidence_storage
from kit.formatting import long_date
from milestones.models import Milestone
from objectives.models import Objective, Plan
from tracking import history, history_accounts, timeline
from tracking import selectors as objective_selectors
from tracking.replay import MILESTONE_FIELDS

from . import pdf
from . import selectors as board_selectors
from .pack_contents import (
    EvidencePack,
    PackEvidence,
    PackFinding,
    PackMilestone,
    PackObjective,
)
from .pack_names import safe_file_name, safe_part

NOT_LINKED_FOLDER = "not-linked-to-a-finding"


def _milestones_at(plan: Plan, as_of: date) -> dict[int, list[PackMilestone]]:
    """objective id -> its milestones as they stood at D, withdrawn ones with the reason
    recorded when they were withdrawn (two queries)."""
    rows = history.rows_at(
        Milestone, as_of, *MILESTONE_FIELDS, filter={"objective__plan_id": plan.pk}
    )
    reasons: dict[int, str] = {}
    if any(row["withdrawn_on"] for row in rows.values()):
        withdrawals = history.changes(
            Milestone, "withdrawn_on", filter={"objective__plan_id": plan.pk}, until=as_of
        )
        for change in withdrawals:
            if change.old is None and change.new is not None:
                reasons[change.id] = change.reason
    result: dict[int, list[PackMilestone]] = defaultdict(list)
    for pk, row in rows.items():
        result[row["objective_id"]].append(
            PackMilestone(
                id=pk,
                title=row["title"],
                baseline_date=row["baseline_date"],
                due_date=row["due_date"],
                completed_on=row["completed_on"],
                withdrawn_on=row["withdrawn_on"],
                withdrawn_reason=reasons.get(pk, "") if row["withdrawn_on"] else "",
            )
        )
    for items in result.values():
        items.sort(key=lambda m: (m.baseline_date, m.id))
    return result


def _evidence_at(
    plan: Plan, as_of: date, milestones: dict[int, list[PackMilestone]], updates: dict
) -> dict[int, list[PackEvidence]]:
    """objective id -> its evidence as recorded by D and not withdrawn by then, oldest first and
    numbered from 1 (two queries: the records, and the names of who added them)."""
    rows = history.rows_at(
        Evidence,
        as_of,
        "objective_id",
        "progress_update_id",
        "milestone_id",
        "kind",
        "title",
        "url",
        "stored_name",
        "original_name",
        "extension",
        "size",
        "added_by_id",
        "added_on",
        "withdrawn_on",
        filter={"objective__plan_id": plan.pk},
    )
    current = [
        (pk, row)
        for pk, row in rows.items()
        if row["withdrawn_on"] is None or row["withdrawn_on"] > as_of
    ]
    people = history_accounts.accounts_at({row["added_by_id"] for _, row in current}, as_of)
    milestone_titles = {m.id: m.title for items in milestones.values() for m in items}
    update_days = {u.id: u.reported_on for items in updates.values() for u in items}
    result: dict[int, list[PackEvidence]] = defaultdict(list)
    for pk, row in sorted(current, key=lambda item: (item[1]["added_on"], item[0])):
        if row["milestone_id"]:
            title = milestone_titles.get(row["milestone_id"])
            attached = f"Milestone: {title}" if title else "A milestone"
        elif row["progress_update_id"]:
            day = update_days.get(row["progress_update_id"])
            attached = f"Progress update of {long_date(day)}" if day else "A progress update"
        else:
            attached = "The objective"
        account = people.get(row["added_by_id"])
        mine = result[row["objective_id"]]
        mine.append(
            PackEvidence(
                id=pk,
                n=len(mine) + 1,
                kind=row["kind"],
                title=row["title"],
                url=row["url"],
                original_name=row["original_name"],
                size=row["size"],
                added_on=row["added_on"],
                added_by=account.name if account else "Unknown",
                attached_to=attached,
                stored_name=row["stored_name"],
            )
        )
        if row["kind"] == Evidence.Kind.FILE:
            mine[-1].path = safe_file_name(mine[-1].n, row["original_name"], row["extension"])
    return result


def _changes_and_additions(records, updates: list, cutoff) -> dict:
    """The objective's recorded changes up to ``cutoff``, apart from the adding of each update
    still shown: that record (when, who, why) is set out with the update instead of repeating
    the update as a change."""
    if not records:
        return {"timeline": [], "recorded": {}}
    shown = {u.id for u in updates}
    update_of = {row["history_id"]: row["id"] for row in records.updates}
    changes, recorded = [], {}
    for entry in timeline.build_timeline(records, until=cutoff):
        pk = update_of.get(entry.order[-1]) if entry.kind == "update" else None
        if entry.action == "Progress update added" and pk in shown and pk not in recorded:
            recorded[pk] = entry
        else:
            changes.append(entry)
    return {"timeline": changes, "recorded": recorded}


def evidence_pack(plan: Plan, as_of: date) -> EvidencePack:
    """Everything the pack shows, as recorded at the end of ``as_of``."""
    drift = objective_selectors.plan_drift(plan, as_of)
    register = selectors.findings_register(plan, as_of, drift=drift)
    cutoff = history.end_of_day(as_of)
    records = timeline.load_plan_records(plan)
    measures = plan_measures(plan, as_of, stale_after_days=drift.rules.stale_after_days)
    milestones = _milestones_at(plan, as_of)
    updates = {pk: timeline.updates_as_of(r, cutoff) for pk, r in records.items()}
    evidence = _evidence_at(plan, as_of, milestones, updates)
    live = Objective.objects.in_bulk([row.id for row in drift.objectives])

    objectives: dict[int, PackObjective] = {}
    for row in drift.objectives:
        state, mine = row.state, records.get(row.id)
        objectives[row.id] = PackObjective(
            id=row.id,
            ref=state.ref,
            title=state.title,
            rag=row.rag,
            status=state.status,
            owner=state.owner_name if state.owner_id else "",
            theme=state.theme or "",
            milestones=milestones.get(row.id, []),
            updates=updates.get(row.id, []),
            measures=measures.get(row.id, []),
            challenges=board_selectors.challenges_at(live[row.id], as_of) if row.id in live else [],
            **_changes_and_additions(mine, updates.get(row.id, []), cutoff),
            evidence=evidence.get(row.id, []),
        )

    used: set[str] = set()

    def folder(*parts: str) -> str:
        name = "/".join(["evidence", *parts])
        candidate, n = name, 1
        while candidate in used:
            n += 1
            candidate = f"{name}-{n}"
        used.add(candidate)
        return candidate

    def set_out(objective: PackObjective, finding_folder: str, finding_ref: str) -> None:
        objective.folder = folder(finding_folder, safe_part(objective.ref, default="objective"))
        objective.first_under = finding_ref
        for item in objective.evidence:
            item.objective_ref = objective.ref
            if item.is_file:
                item.path = f"{objective.folder}/{item.path}"

    unanswered, answered = [], []
    for row in register:
        finding = PackFinding(row, [])
        finding_folder = ""
        for answering in row.objectives:
            objective = objectives[answering.id]
            full = not objective.first_under
            if full:
                finding_folder = finding_folder or folder(safe_part(row.ref, default="finding"))
                set_out(objective, finding_folder.removeprefix("evidence/"), row.ref)
            finding.objectives.append((objective, full))
        (answered if row.answered else unanswered).append(finding)
    not_linked = sorted(
        (o for o in objectives.values() if not o.first_under),
        key=lambda o: (o.is_withdrawn, selectors.natural_key(o.ref), o.id),
    )
    if not_linked:
        base = folder(NOT_LINKED_FOLDER).removeprefix("evidence/")
        for objective in not_linked:
            set_out(objective, base, "")
    shown = [o for f in answered for o, full in f.objectives if full] + not_linked
    return EvidencePack(
        plan=plan,
        as_of=as_of,
        unanswered=unanswered,
        findings=answered,
        not_linked=not_linked,
        before_start=as_of < plan.starts_on,
        evidence=[item for o in shown for item in o.evidence],
    )


# --- the ZIP ------------------------------------------------------------------------------------


def pack_name(plan: Plan, as_of: date, ext: str) -> str:
    return f"evidence-pack-{plan.pk}-{as_of:%Y-%m-%d}.{ext}"


def _copy_files(pack: EvidencePack, archive: zipfile.ZipFile) -> None:
    """Copy each file from evidence storage into the ZIP; a file storage cannot open is marked
    missing (the PDF says so)."""
    storage = evidence_storage()
    for item in pack.files:
        try:
            source = storage.open(item.stored_name, "rb")
        except (OSError, ValueError):  # missing, unreadable, or a name storage refuses
            item.missing = True
            continue
        with source, archive.open(item.path, "w", force_zip64=item.size > 2**30) as target:
            shutil.copyfileobj(source, target, 1024 * 1024)


def render_pdf(pack: EvidencePack, *, base_url: str = "http://localhost/") -> tuple[bytes, int]:
    """The pack's PDF and its number of pages (the board pack's tagged A4 set-up)."""
    html = render_to_string("board/evidence_pack.html", {"pack": pack})
    return pdf.render(
        html,
        base_url=base_url,
        top=f"As at {long_date(pack.as_of)}. Inspector's evidence pack.",
        bottom=f"{pack.plan.name}",
    )


READING, FILES, LAYING_OUT = "Reading the record", "Adding the evidence files", "Laying out the PDF"
STAGES = (READING, FILES, LAYING_OUT)  # in the order a build goes through them


def build_pack(
    plan: Plan, as_of: date, out, *, base_url="http://localhost/", on_stage=None
) -> dict:
    """Write the evidence pack of ``plan`` at the end of ``as_of`` as a ZIP into ``out`` (a
    binary file open for writing): the evidence files first, then the PDF listing them, calling
    ``on_stage`` with each stage's name as it starts. Returns what it wrote: the pack, the PDF's
    pages and the files missing from storage."""
    note = on_stage or (lambda stage: None)
    note(READING)
    pack = evidence_pack(plan, as_of)
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        note(FILES)
        _copy_files(pack, archive)
        note(LAYING_OUT)
        body, pages = render_pdf(pack, base_url=base_url)
        archive.writestr(pack_name(plan, as_of, "pdf"), body)
    return {"pack": pack, "pages": pages, "missing": [e for e in pack.files if e.missing]}
