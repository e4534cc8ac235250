"""One past, everywhere: for any day D, every page, file, email and process that shows the plan
says the same of it.

Random plans are built through the real services, each change made at its own moment (the clock
frozen there): objectives, milestones, re-forecasts, completions and their corrections,
dependencies between milestones added and removed, withdrawals, progress updates, leavers,
returns and renames, challenges raised, answered and closed, measures and their values,
evidence, board meetings and findings links. Then, for days
before the plan, on event days and today, each surface is read as people read it (pages through
the test client, the PDF's text, the workbooks, the digest email) and compared with
``/api/drift/`` for each objective's RAG, flags, owner and whether the owner had left at D, and
with the record of what was done for the counts of open challenges, evidence, measures and
updates at D; the dashboard's and the pack's update cycle for the next board agree with the API's
``board``.
"""

from __future__ import annotations

import csv
import io
import random
import re
import subprocess
from collections import defaultdict
from contextlib import suppress
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from html.parser import HTMLParser

import openpyxl
import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from board import services as board_services
from board.workbook import HEADER_ROW
from dashboard.selectors import RAG_LABELS
from impact import evidence_services as impact_evidence_services
from impact import services as impact_services
from impact import value_services as impact_value_services
from impact.models import Evidence
from milestones import services as milestone_services
from milestones.dependencies import milestone_dependency_add, milestone_dependency_remove
from milestones.models import Milestone, MilestoneDependency
from objectives import services as objective_services
from objectives.drift import FLAGS
from objectives.models import Objective
from people import services as people_services
from tests import factories
from tracking import selectors as tracking_selectors
from tracking.replay import end_of_day

pytestmark = pytest.mark.django_db

START = date(2026, 1, 5)  # a Monday; the plan starts that day
SEEDS = (4, 7, 11, 12)
FLAG_CODES = {label: code for code, (_, label) in FLAGS.items()}
RAG_CODES = {label: code for code, label in RAG_LABELS.items()}
REFUSED = (ValidationError, PermissionDenied)


# --- what was done, and when -----------------------------------------------------------------


@dataclass
class Record:
    """Everything the random plan did, each with the moment it was done: the truth for counts
    and for whose the objectives were."""

    accounts: dict = field(
        default_factory=lambda: defaultdict(list)
    )  # pk -> [(when, user, name, active)]
    owners: dict = field(
        default_factory=lambda: defaultdict(list)
    )  # objective -> [(when, owner pk)]
    created: dict = field(default_factory=dict)  # objective -> when
    challenges: dict = field(default_factory=dict)  # pk -> [objective, raised, answered, closed]
    evidence: dict = field(default_factory=dict)  # pk -> [objective, added, withdrawn]
    measures: dict = field(default_factory=dict)  # pk -> (objective, added)
    updates: dict = field(default_factory=dict)  # pk -> (objective, added, reported_on)
    days: set = field(default_factory=set)  # the days something happened
    links: list = field(default_factory=list)  # [(when, finding ref, objective pks)]

    def answering(self, cutoff: datetime, in_picture: set[int]) -> dict[str, set[int]]:
        """Each finding's objectives at ``cutoff`` (those in the picture)."""
        found: dict[str, set[int]] = {}
        for when, ref, pks in self.links:
            if when < cutoff:
                found[ref] = pks & in_picture
        return found

    def link(self, admin, finding, pks: set[int], when) -> None:
        impact_services.finding_set_objectives(
            user=admin, finding=finding, objectives=list(Objective.objects.filter(pk__in=pks))
        )
        self.links.append((when, finding.ref, set(pks)))

    def telling_days(self, today: date) -> set[date]:
        """Event days where a past read most easily goes wrong: the last day before an owner
        left, and the last before a challenge was raised."""
        days = set()
        for rows in self.accounts.values():
            for (_, *_, was), (when, *_, now) in zip(rows, rows[1:], strict=False):
                if was and not now:
                    before = [d for d in self.days if d < timezone.localdate(when)]
                    days.add(max(before, default=START))
        raised = [timezone.localdate(c[1]) for c in self.challenges.values()]
        if raised:
            days.add(max((d for d in self.days if d < max(raised)), default=START))
        return {d for d in days if START <= d < today}

    def account(self, person, when) -> None:
        name = f"{person.first_name} {person.last_name}".strip() or person.username
        self.accounts[person.pk].append((when, person.username, name, person.is_active))

    def account_at(self, pk: int, cutoff: datetime) -> tuple[str, str, bool]:
        rows = self.accounts[pk]
        before = [r for r in rows if r[0] < cutoff]
        return (before[-1] if before else rows[0])[1:]

    def owner_at(self, objective: int, cutoff: datetime) -> int | None:
        before = [pk for when, pk in self.owners[objective] if when < cutoff]
        return before[-1] if before else None

    def open_challenges(self, cutoff: datetime, objective: int | None = None) -> set[int]:
        return {
            pk
            for pk, (o, raised, _, closed) in self.challenges.items()
            if raised < cutoff and not (closed and closed < cutoff) and objective in (None, o)
        }

    def last_update(self, objective: int, day: date) -> date | None:
        """The latest ``reported_on`` up to ``day`` of the updates that existed at its end."""
        cutoff = end_of_day(day)
        return max(
            (r for o, a, r in self.updates.values() if o == objective and a < cutoff and r <= day),
            default=None,
        )

    def counts(self, objective: int, cutoff: datetime) -> dict[str, int]:
        return {
            "challenges": len(self.open_challenges(cutoff, objective)),
            "evidence": sum(
                1
                for o, added, withdrawn in self.evidence.values()
                if o == objective and added < cutoff and not (withdrawn and withdrawn < cutoff)
            ),
            "measures": sum(1 for o, a in self.measures.values() if o == objective and a < cutoff),
            "updates": sum(1 for o, a, _ in self.updates.values() if o == objective and a < cutoff),
        }


def fresh(model, pk):
    return model.objects.get(pk=pk)


def random_plan(clock, rng: random.Random):
    """A plan built through the services over about three months, with its record."""
    rec = Record()
    moment = factories.london(START, 8)
    with clock(moment):
        admin = factories.make_admin("ada", first_name="Ada", last_name="Admin")
        leader = factories.make_leader("lee", first_name="Lee", last_name="Leader")
        owners = [
            factories.make_manager(f"owner{n}", first_name=first, last_name="Owner")
            for n, first in enumerate(("Olu", "Pat", "Quinn", "Rhys"))
        ]
        for person in (admin, leader, *owners):
            rec.account(person, moment)
        plan = factories.make_plan(
            user=admin,
            starts_on=START,
            ends_on=date(2027, 12, 31),
            slip_tolerance_days=rng.choice([7, 28]),
            stale_after_days=rng.choice([14, 28]),
        )
        themes = [factories.make_theme(plan, user=admin) for _ in range(2)]
        findings = [factories.make_finding(plan, user=admin, ref=f"F{n}") for n in range(3)]
    objectives: list[int] = []
    milestones: list[int] = []
    for step in range(80):
        moment += timedelta(minutes=rng.randint(20, 2600))
        day = timezone.localdate(moment)
        with clock(moment):
            _one_event(
                rng,
                rec,
                step,
                moment,
                day,
                plan,
                admin,
                leader,
                owners,
                themes,
                findings,
                objectives,
                milestones,
            )
        rec.days.add(day)
    return plan, admin, leader, owners, rec, moment


def _one_event(
    rng,
    rec,
    step,
    moment,
    day,
    plan,
    admin,
    leader,
    owners,
    themes,
    findings,
    objectives,
    milestones,
):
    active = [o for o in owners if fresh(type(o), o.pk).is_active]
    choice = rng.random()
    if not objectives or (choice < 0.12 and len(objectives) < 10):
        owner = rng.choice([*active, None]) if active else None
        objective = objective_services.objective_create(
            user=admin,
            plan=plan,
            ref=f"{len(objectives) + 1}.1",
            title=f"Objective {len(objectives) + 1}",
            theme=rng.choice([*themes, None]),
            owner=owner,
            starts_on=max(START, day - timedelta(days=rng.randint(0, 3))),
            target_date=day + timedelta(days=rng.randint(20, 120)),
        )
        objectives.append(objective.pk)
        rec.created[objective.pk] = moment
        rec.owners[objective.pk].append((moment, owner.pk if owner else None))
        side = random.Random(step)  # its own stream: the plan's draws stay as they were
        if side.random() < 0.5:  # it answers a finding too
            finding = side.choice(findings)
            linked = set(finding.links.values_list("objective_id", flat=True))
            rec.link(admin, finding, linked | {objective.pk}, moment)
        return
    in_plan = list(Objective.objects.filter(pk__in=objectives).exclude(status="withdrawn"))
    objective = rng.choice(in_plan) if in_plan else fresh(Objective, rng.choice(objectives))
    open_ms = [
        m
        for m in Milestone.objects.filter(pk__in=milestones, objective=objective)
        if m.completed_on is None and m.withdrawn_on is None
    ]
    done_ms = [
        m
        for m in Milestone.objects.filter(pk__in=milestones, objective=objective)
        if m.completed_on is not None and m.withdrawn_on is None
    ]
    with suppress(*REFUSED):
        if choice < 0.22:
            due = day + timedelta(days=rng.randint(0, 60))
            milestones.append(
                milestone_services.milestone_create(
                    user=admin, objective=objective, title=f"Step {step}", due_date=due
                ).pk
            )
        elif choice < 0.32 and open_ms:
            m = rng.choice(open_ms)
            new = max(day, m.due_date + timedelta(days=rng.choice([-5, 4, 12, 35])))
            milestone_services.milestone_reschedule(
                milestone=m, user=admin, due_date=new, reason="Moved", expected_version=m.version
            )
        elif choice < 0.4 and open_ms:
            m = rng.choice(open_ms)
            milestone_services.milestone_complete(
                milestone=m, user=admin, completed_on=day, expected_version=m.version
            )
        elif choice < 0.44 and done_ms:
            m = rng.choice(done_ms)
            milestone_services.milestone_correct_completion(
                milestone=m,
                user=admin,
                completed_on=rng.choice([None, max(m.completed_on - timedelta(days=2), START)]),
                reason="Recorded by mistake",
                expected_version=m.version,
            )
        elif choice < 0.47 and open_ms:
            m = rng.choice(open_ms)
            milestone_services.milestone_withdraw(
                milestone=m, user=admin, reason="Not needed", expected_version=m.version
            )
        elif choice < 0.49 and len(in_plan) > 4:
            objective_services.objective_withdraw(
                objective=objective, user=admin, reason="Merged", expected_version=objective.version
            )
        elif choice < 0.51 and not open_ms:
            objective_services.objective_update(
                objective=objective,
                user=admin,
                status="complete",
                closing_summary="Done.",
                expected_version=objective.version,
            )
        elif choice < 0.61:
            author = objective.owner if objective.owner and objective.owner.is_active else admin
            update = objective_services.progress_update_create(
                user=author,
                objective=objective,
                reported_on=max(day - timedelta(days=rng.randint(0, 2)), objective.starts_on),
                rag=rng.choice(["red", "amber", "green"]),
                summary=f"Update {step}.",
            )
            rec.updates[update.pk] = (objective.pk, moment, update.reported_on)
        elif choice < 0.66:
            person = fresh(type(owners[0]), rng.choice(owners).pk)
            version = people_services.account_version(person)
            if person.is_active:
                people_services.person_mark_leaver(
                    user=admin, person=person, reason="Left the council", expected_version=version
                )
            else:
                people_services.person_reactivate(
                    user=admin, person=person, reason="Came back", expected_version=version
                )
            rec.account(fresh(type(person), person.pk), moment)
        elif choice < 0.69:
            person = fresh(type(owners[0]), rng.choice(owners).pk)
            people_services.person_update(
                user=admin,
                person=person,
                first_name=f"{person.first_name.split('-')[0]}-{step}",
                last_name=person.last_name,
                email=person.email,
                roles=list(person.groups.all()),
                expected_version=people_services.account_version(person),
            )
            rec.account(fresh(type(person), person.pk), moment)
        elif choice < 0.72 and active:
            owner = rng.choice(active)
            objective_services.objective_assign_owner(
                objective=objective,
                user=admin,
                owner=owner,
                reason="Handed over",
                expected_version=objective.version,
            )
            rec.owners[objective.pk].append((moment, owner.pk))
        elif choice < 0.8:
            challenge = board_services.challenge_raise(
                user=leader, objective=objective, question=f"Why {step}?"
            )
            rec.challenges[challenge.pk] = [objective.pk, moment, None, None]
        elif choice < 0.85 and rec.open_challenges(moment + timedelta(seconds=1)):
            pk = rng.choice(sorted(rec.open_challenges(moment + timedelta(seconds=1))))
            challenge = board_services.Challenge.objects.get(pk=pk)
            owner = challenge.objective.owner
            if challenge.status == "open" and owner and owner.is_active and rng.random() < 0.6:
                board_services.challenge_answer(user=owner, challenge=challenge, answer="Because.")
                rec.challenges[pk][2] = moment
            else:
                board_services.challenge_close(
                    user=rng.choice([leader, admin]), challenge=challenge
                )
                rec.challenges[pk][3] = moment
        elif choice < 0.88:
            measure = factories.make_measure(
                objective, user=admin, baseline_on=START, target_on=date(2026, 12, 31)
            )
            rec.measures[measure.pk] = (objective.pk, moment)
        elif choice < 0.91 and objective.measures.exists():
            impact_value_services.measure_value_create(
                user=admin,
                measure=rng.choice(list(objective.measures.all())),
                period_end=day,
                value=Decimal(rng.randint(40, 80)),
            )
        elif choice < 0.95:
            evidence = impact_evidence_services.evidence_add_link(
                user=admin, objective=objective, title=f"Minutes {step}", url="https://example.org/"
            )
            rec.evidence[evidence.pk] = [objective.pk, moment, None]
        elif choice < 0.97:
            current = [pk for pk, e in rec.evidence.items() if e[2] is None]
            if current:
                pk = rng.choice(current)
                impact_evidence_services.evidence_withdraw(
                    user=admin,
                    evidence=Evidence.objects.get(pk=pk),
                    reason="Wrong file",
                )
                rec.evidence[pk][2] = moment
        elif choice < 0.985:
            board_services.board_meeting_create(
                user=admin,
                plan=plan,
                held_on=day + timedelta(days=rng.randint(-10, 20)),
                name=f"Board {step}",
            )
        else:
            chosen = rng.sample(objectives, k=min(2, len(objectives)))
            rec.link(admin, rng.choice(findings), set(chosen), moment)
    _link_or_unlink(random.Random(1000 + step), admin, milestones)


def _link_or_unlink(side: random.Random, admin, milestones: list[int]) -> None:
    """On its own stream (the plan's draws stay as they were): now and then one milestone comes
    to wait for another (refused when it would close a loop), and a link is removed."""
    if len(milestones) > 1 and side.random() < 0.25:
        first, second = (Milestone.objects.get(pk=pk) for pk in side.sample(milestones, 2))
        with suppress(*REFUSED):
            milestone_dependency_add(
                user=admin, milestone=first, depends_on=second, reason="Needs it first"
            )
    linked = list(MilestoneDependency.objects.linked().filter(milestone_id__in=milestones))
    if linked and side.random() < 0.08:
        link = side.choice(linked)
        milestone_dependency_remove(
            user=admin, dependency=link, reason="No longer needed", expected_version=link.version
        )


# --- reading the surfaces ----------------------------------------------------------------------

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source", "wbr"}
MARKS = (
    "data-finding",
    "data-ref",
    "data-owner",
    "data-person",
    "data-challenge",
    "data-update",
    "data-measure",
    "data-rag",
)


class Marked(HTMLParser):
    """The elements of a page that carry the marks above (and every element with an id), each
    with its attributes and its text, in the order of the page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.marked, self.ids, self.stack = [], {}, []

    def handle_starttag(self, tag, attrs):
        attrs = {k: v or "" for k, v in attrs}
        record = None
        if any(k in attrs for k in MARKS) or "id" in attrs:
            record = {"tag": tag, **attrs, "text": []}
            if any(k in attrs for k in MARKS):
                self.marked.append(record)
            if "id" in attrs:
                self.ids[attrs["id"]] = record
        if tag not in VOID:
            self.stack.append((tag, record))

    def handle_endtag(self, tag):
        for n in range(len(self.stack) - 1, -1, -1):
            if self.stack[n][0] == tag:
                del self.stack[n:]
                return

    def handle_data(self, data):
        for _, record in self.stack:
            if record is not None:
                record["text"].append(data)


def parse(html: str) -> Marked:
    page = Marked()
    page.feed(html)
    page.close()
    for record in [*page.marked, *page.ids.values()]:
        if isinstance(record["text"], list):
            record["text"] = " ".join("".join(record["text"]).split())
    return page


def get(client, path, params=None, status=200):
    response = client.get(path, params or {})
    assert response.status_code == status, (path, params, response.status_code)
    return response


def html_of(client, path, params=None) -> Marked:
    return parse(get(client, path, params).content.decode())


def flags_of(value: str) -> set[str]:
    return set(value.split())


def number_in(text: str) -> int:
    found = re.search(r"\d+", text)
    return int(found.group()) if found else 0


def owner_words(words: str) -> tuple[str | None, bool]:
    """ "Pat Owner (has left)" -> ("Pat Owner", True); "No named owner" -> (None, False)."""
    if words in ("", "No named owner"):
        return None, False
    left = words.endswith(" (has left)")
    return words.removesuffix(" (has left)"), left


def row_of(record, *, owner=True) -> dict:
    row = {"rag": record["data-rag"], "flags": flags_of(record.get("data-flags", ""))}
    if owner and "data-owner" in record:
        row["owner"] = record["data-owner"] or None
        row["left"] = bool(record.get("data-left"))
    return row


def dashboard(client, params):
    html = get(client, "/dashboard/", params).content.decode()
    page = parse(html)
    rows = {r["data-ref"]: row_of(r) for r in page.marked if r["tag"] == "tr" and "data-ref" in r}
    total = re.search(r"(\d+) measures? of impact in all", html)
    register = re.search(r"Findings: (\d+) in the register, (\d+) with nothing answering", html)
    counts = {
        "findings": tuple(int(n) for n in register.groups()) if register else None,
        "challenges": number_in(page.ids["open-challenges"]["text"]),
        "measures": int(total.group(1)) if total else 0,
        "board": board_of(html),
    }
    return rows, counts


def board_of(html: str) -> dict | None:
    """``board`` as ``/api/drift/`` gives it, from a page's "Updates for the board on ...: n of m
    in" and its list of objectives with no update (None when the page says there is no board)."""
    found = re.search(r"Updates for the board on (\d+) (\w+) (\d{4}): (\d+) of (\d+) in", html)
    if found is None:
        return None
    day = datetime.strptime(" ".join(found.groups()[:3]), "%d %B %Y").date()
    missing = re.search(r'data-missing="([^"]*)"', html)
    refs = missing.group(1).split() if missing else []
    assert int(found.group(5)) - int(found.group(4)) == len(refs), found.group(0)
    return {"date": day.isoformat(), "updates_missing": refs}


def accountability(client, params):
    page = html_of(client, "/dashboard/accountability/", params)
    rows, person = {}, None
    for record in page.marked:
        if "data-person" in record:
            person = (record["data-person"] or None, bool(record.get("data-left")))
        elif record["tag"] == "tr" and "data-ref" in record:
            row = row_of(record)
            row["owner"], row["left"] = person
            rows[record["data-ref"]] = row
    return rows


def pack(client, params):
    html = get(client, "/dashboard/report/", params).content.decode()
    page = parse(html)
    rows = {}
    for record in page.marked:
        if record["tag"] == "section" and "data-ref" in record:
            row = row_of(record, owner=False)
            row["owner"], row["left"] = owner_words(record["data-owner"])
            evidence = page.ids[f"{record['id']}-evidence"]["text"]
            none = evidence.lower().startswith("no evidence")
            row["evidence"] = 0 if none else number_in(evidence)
            rows[record["data-ref"]] = row
    counts = {
        "summary": {rag: int(page.ids[f"count-{rag}"]["text"]) for rag in RAG_LABELS},
        "challenges": sum(1 for r in page.marked if "data-challenge" in r),
        "measures": sum(
            int(r["text"]) for key, r in page.ids.items() if re.fullmatch(r"measures-\w+", key)
        ),
        "waiting_for": [
            (int(r["data-objective"]), waiting.group(1))
            for r in page.marked
            if "data-challenge" in r
            and (waiting := re.search(r"Waiting for an answer from (.*)\.$", r["text"]))
        ],
        "board": board_of(html),
    }
    return rows, counts


def pack_pdf_text(client, params) -> str:
    pdf = get(client, "/dashboard/report.pdf", params).content
    done = subprocess.run(
        ["/usr/bin/pdftotext", "-layout", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(done.stdout.decode().split())


def workbook(client, params):
    book = openpyxl.load_workbook(io.BytesIO(get(client, "/dashboard/report.xlsx", params).content))
    sheet = book.active
    heads = [c.value for c in sheet[HEADER_ROW]]
    rows = {}
    for values in sheet.iter_rows(min_row=HEADER_ROW + 1, values_only=True):
        cells = dict(zip(heads, values, strict=False))
        if not cells.get("Ref"):
            continue
        owner, left = owner_words(cells["Owner"])
        attention = (cells["What needs attention"] or "").split("; ")
        rows[cells["Ref"]] = {
            "rag": RAG_CODES[cells["Status"]],
            "flags": {FLAG_CODES[w] for w in attention if w in FLAG_CODES},
            "owner": owner,
            "left": left,
            "last_update": _day(cells["Owner's latest update: date"]),
        }
    return rows, sheet["B2"].value.date() if hasattr(sheet["B2"].value, "date") else sheet[
        "B2"
    ].value


def _day(value) -> date | None:
    """A date from a workbook cell or a CSV field (a datetime, a date, text or nothing)."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str):
        return date.fromisoformat(value) if value else None
    return value


def export_rows(records) -> dict:
    return {
        r["ref"]: {
            "last_update": _day(r["last_update"]),
            "rag": r["rag"],
            "flags": set(filter(None, (r["flags"] or "").split(";"))),
            "username": r["owner"] or None,
        }
        for r in records
    }


def export_csv(client, params):
    text = get(client, "/dashboard/export.csv", params).content.decode("utf-8-sig")
    return export_rows(csv.DictReader(io.StringIO(text)))


def export_xlsx(client, params):
    book = openpyxl.load_workbook(io.BytesIO(get(client, "/dashboard/export.xlsx", params).content))
    sheet = book.active
    values = list(sheet.iter_rows(values_only=True))
    return export_rows(dict(zip(values[0], row, strict=False)) for row in values[1:])


def objective_page(client, pk, as_of, today):
    params = {} if as_of == today else {"as_of": as_of.isoformat()}
    page = html_of(client, f"/objectives/{pk}/", params)
    row = {}
    rag = [r for r in page.marked if r["tag"] == "p" and "data-rag" in r]
    if rag:
        row.update(rag=rag[0]["data-rag"], flags=flags_of(rag[0]["data-flags"]))
    owner = [r for r in page.marked if r["tag"] == "dd" and "data-owner" in r]
    if owner:
        row.update(owner=owner[0]["data-owner"] or None, left=bool(owner[0]["data-left"]))
        assert ("(has left)" in owner[0]["text"]) == row["left"]
    row["findings"] = {r["data-finding"] for r in page.marked if "data-finding" in r}
    evidence = page.ids.get("evidence-count")
    row["counts"] = {
        "challenges": sum(1 for r in page.marked if "data-challenge" in r),
        "evidence": number_in(evidence["text"]) if evidence else 0,
        "measures": sum(1 for r in page.marked if "data-measure" in r),
        "updates": sum(1 for r in page.marked if "data-update" in r),
    }
    return row


def findings(client, params):
    """The register: each objective answering a finding with its RAG, and each finding's refs."""
    page = html_of(client, "/findings/", params)
    items, answering, finding = [], {}, None
    for r in page.marked:
        if r["tag"] == "tr" and "data-finding" in r:
            finding = r["data-finding"]
            answering[finding] = set()
        elif r["tag"] == "li" and "data-ref" in r:
            items.append((r["data-ref"], r["data-rag"]))
            answering[finding].add(r["data-ref"])
    return items, answering


def worklist(client):
    page = html_of(client, "/my/")
    rows = {r["data-ref"]: row_of(r, owner=False) for r in page.marked if r["tag"] == "tr"}
    waiting = {int(r["data-challenge"]) for r in page.marked if r["tag"] == "li"}
    return rows, waiting


def digests(day: date):
    """The digest emails as sent on ``day``: the leadership counts, now and a week before, the
    refs that turned red, and the administrators' lists of objectives with no owner or a leaver."""
    mail.outbox = []
    call_command("send_reminders", "--digest", stdout=io.StringIO())
    leader = [m for m in mail.outbox if m.to == ["lee@example.org"]]
    admin = [
        m
        for m in mail.outbox
        if m.to == ["ada@example.org"] and "need an accountable owner" in m.body
    ]
    found = {"counts": {}, "before": {}, "turned_red": set(), "no_owner": set(), "owner_left": {}}
    found["reminders"] = {
        m.to[0].split("@")[0]: set(re.findall(r"^- (\S+) ", m.body, re.M))
        for m in mail.outbox
        if "This is your reminder for" in m.body
    }
    for message in leader:
        for label, now, before in re.findall(
            r"^  (\w+): (\d+) \(a week ago (\d+)\)$", message.body, re.M
        ):
            found["counts"][RAG_CODES[label]] = int(now)
            found["before"][RAG_CODES[label]] = int(before)
        # An empty section is left out of the email.
        part = message.body.partition("Objectives that turned red this week")[2]
        part = re.split(r"^(?:Milestones moved later|Completed)", part, maxsplit=1, flags=re.M)[0]
        found["turned_red"] = set(re.findall(r"^- (\S+) ", part, re.M))
    for message in admin:
        body = message.body
        if "Objectives with no owner" in body:
            part = body.split("Objectives with no owner")[1].split("Objectives owned by")[0]
            found["no_owner"] = set(re.findall(r"^- (\S+) ", part, re.M))
        if "Objectives owned by someone who has left" in body:
            part = body.split("Objectives owned by someone who has left")[1]
            found["owner_left"] = dict(re.findall(r"^- (\S+) .*, owner: (.*)$", part, re.M))
    return found, bool(leader)


# --- the comparison ----------------------------------------------------------------------------


def reference(client, plan, day: date, rec: Record) -> tuple[dict, dict]:
    """``/api/drift/`` for ``day``, each objective with its owner's name and whether they had
    left, from the record (the API's username must be the record's owner at D)."""
    data = get(client, "/api/drift/", {"plan": plan.pk, "as_of": day.isoformat()}).json()
    cutoff = end_of_day(day)
    rows = {}
    for o in data["objectives"]:
        owner = rec.owner_at(o["id"], cutoff)
        username, name, active = rec.account_at(owner, cutoff) if owner else (None, None, True)
        assert o["owner"] == username, (day, o["ref"])
        left = owner is not None and not active
        if o["rag"] != "complete":
            assert ("owner_inactive" in o["flags"]) == left, (day, o["ref"])
        rows[o["ref"]] = {
            "id": o["id"],
            "rag": o["rag"],
            "flags": set(o["flags"]),
            "owner": name,
            "left": left,
            "username": username,
            "measures": len(o["measures"]),
            "last_update": rec.last_update(o["id"], day),
        }
    return data, rows


class Findings(list):
    def agree(self, surface, day, found: dict, expected: dict, keys, *, only=None):
        wanted = {ref: row for ref, row in expected.items() if only is None or only(row)}
        if set(found) != set(wanted):
            self.append(
                f"{surface} on {day}: objectives {sorted(found)}, expected {sorted(wanted)}"
            )
        for ref in sorted(set(found) & set(wanted)):
            for key in keys:
                if key in found[ref] and found[ref][key] != wanted[ref][key]:
                    self.append(
                        f"{surface} on {day}, {ref}: {key} {found[ref][key]!r}, "
                        f"expected {wanted[ref][key]!r}"
                    )

    def same(self, surface, day, what, found, expected):
        if found != expected:
            self.append(f"{surface} on {day}: {what} {found!r}, expected {expected!r}")


ROW = ("rag", "flags", "owner", "left")


def compare_day(client, plan, day, today, rec, out: Findings, *, pdf: bool) -> int:
    """Every surface for ``day`` against the reference; returns how many surfaces were read."""
    cutoff = end_of_day(day)
    params = {"plan": plan.pk, "as_of": day.isoformat()}
    data, ref = reference(client, plan, day, rec)
    ids = {row["id"] for row in ref.values()}
    expected_counts = {row["id"]: rec.counts(row["id"], cutoff) for row in ref.values()}
    open_challenges = len(rec.open_challenges(cutoff))
    for row in ref.values():
        out.same(
            "API",
            day,
            f"{row['id']} measures",
            row["measures"],
            expected_counts[row["id"]]["measures"],
        )
    measures = sum(row["measures"] for row in ref.values())
    surfaces = 1

    rows, counts = dashboard(client, params)
    counts_seen = counts
    out.agree("dashboard", day, rows, ref, ROW)
    out.same("dashboard", day, "open challenges", counts["challenges"], open_challenges)
    out.same("dashboard", day, "measures", counts["measures"], measures)
    board = data["board"]
    if board is not None:  # the API's order is by ref, as the pages list them
        board = {**board, "updates_missing": sorted(board["updates_missing"])}
        counts["board"] = counts["board"] and {
            **counts["board"],
            "updates_missing": sorted(counts["board"]["updates_missing"]),
        }
    out.same("dashboard", day, "update cycle", counts["board"], board)

    out.agree("accountability page", day, accountability(client, params), ref, ROW)

    rows, counts = pack(client, params)
    out.agree("board pack", day, rows, ref, ROW, only=lambda r: r["rag"] in ("red", "amber"))
    for key, row in rows.items():
        if key in ref:
            out.same(
                "board pack",
                day,
                f"{key} evidence",
                row["evidence"],
                expected_counts[ref[key]["id"]]["evidence"],
            )
    out.same("board pack", day, "counts", counts["summary"], data["summary"])
    out.same("board pack", day, "open challenges", counts["challenges"], open_challenges)
    out.same("board pack", day, "measures", counts["measures"], measures)
    if counts["board"] is not None:
        counts["board"]["updates_missing"].sort()
    out.same("board pack", day, "update cycle", counts["board"], board)
    names = {row["id"]: row["owner"] or "a named owner" for row in ref.values()}
    for pk, name in counts["waiting_for"]:
        if pk in names:
            out.same("board pack", day, f"challenge on {pk} waits for", name, names[pk])

    rows, as_at = workbook(client, params)
    out.same("board workbook", day, "as at", as_at, day)
    out.agree("board workbook", day, rows, ref, (*ROW, "last_update"))

    if pdf:
        text = pack_pdf_text(client, params)
        for key, row in ref.items():
            if row["rag"] in ("red", "amber"):
                owner = row["owner"] or "No named owner"
                owner += " (has left)" if row["left"] else ""
                if f"Owner: {owner}." not in text:
                    out.append(f"board pack PDF on {day}, {key}: no 'Owner: {owner}.'")
        out.same(
            "board pack PDF",
            day,
            "no open challenges",
            "There are no open challenges." in text,
            not open_challenges,
        )
        surfaces += 1

    out.agree(
        "export.csv",
        day,
        export_csv(client, params),
        ref,
        ("rag", "flags", "username", "last_update"),
    )
    out.agree(
        "export.xlsx",
        day,
        export_xlsx(client, params),
        ref,
        ("rag", "flags", "username", "last_update"),
    )

    for pk, created in sorted(rec.created.items()):
        if created >= cutoff:
            continue
        row = objective_page(client, pk, day, today)
        key = next((k for k, r in ref.items() if r["id"] == pk), None)
        if key is None:  # withdrawn by D: out of the picture, its header as it stood
            owner = rec.owner_at(pk, cutoff)
            _, name, active = rec.account_at(owner, cutoff) if owner else (None, None, True)
            header = {"owner": row.get("owner"), "left": row.get("left")}
            out.same(
                "objective page (withdrawn)", day, pk, header, {"owner": name, "left": not active}
            )
            continue
        out.agree("objective page", day, {key: row}, {key: ref[key]}, ROW)
        theirs = {f for f, pks in rec.answering(cutoff, {pk}).items() if pks}
        out.same("objective page", day, f"{key} findings", row.pop("findings"), theirs)
        out.same("objective page", day, f"{key} counts", row["counts"], expected_counts[pk])

    items, register = findings(client, params)
    refs = {row["id"]: k for k, row in ref.items()}
    links = rec.answering(cutoff, set(refs)) if day >= START else {}
    expected = {f: {refs[pk] for pk in pks} for f, pks in links.items()}
    expected.update({f"F{n}": expected.get(f"F{n}", set()) for n in range(3) if day >= START})
    out.same("findings register", day, "objectives answering", register, expected)
    unanswered = sum(1 for pks in expected.values() if not pks)
    out.same("dashboard", day, "findings", counts_seen["findings"], (len(expected), unanswered))
    for key, rag in items:
        if key not in ref or ref[key]["rag"] != rag:
            out.append(
                f"findings register on {day}, {key}: {rag}, expected {ref.get(key, {}).get('rag')}"
            )
    # dashboard, accountability page, pack, workbook, two exports, findings register, and
    # the objective pages (counted once)
    return surfaces + 7 + (1 if ids else 0)


def compare_worklists(owners, plan, today, rec, out: Findings) -> int:
    """``/my/`` shows only today: each active owner's objectives and the challenges waiting."""
    admin_client = Client()
    admin_client.force_login(plan.history.earliest().history_user)
    _, ref = reference(admin_client, plan, today, rec)
    cutoff = end_of_day(today)
    for owner in owners:
        owner.refresh_from_db()
        if not owner.is_active:
            continue
        client = Client()
        client.force_login(owner)
        rows, waiting = worklist(client)
        mine = {k: r for k, r in ref.items() if r["username"] == owner.username}
        out.agree(f"worklist of {owner.username}", today, rows, mine, ("rag", "flags"))
        expected = {
            pk
            for pk in rec.open_challenges(cutoff)
            if rec.challenges[pk][2] is None
            and rec.owner_at(rec.challenges[pk][0], cutoff) == owner.pk
        }
        out.same(f"worklist of {owner.username}", today, "challenges waiting", waiting, expected)
    return 1


def compare_digests(client, plan, day, rec, out: Findings, clock, moment, now) -> int:
    """The weekly digests as sent on ``day`` against the reference for ``day`` and a week before
    (read at ``moment``, on ``day``, as the scheduler would run them)."""
    with clock(now):
        data, ref = reference(client, plan, day, rec)
        _, week_ago = reference(client, plan, day - timedelta(days=7), rec)
    with clock(moment):
        found, sent = digests(day)
    if day < START:
        out.same("digest", day, "sent before the plan was published", sent, False)
        return 1
    out.same("leadership digest", day, "counts", found["counts"], data["summary"])
    before = {rag: sum(1 for r in week_ago.values() if r["rag"] == rag) for rag in data["summary"]}
    out.same("leadership digest", day, "counts a week before", found["before"], before)
    turned = {
        k for k, r in ref.items() if r["rag"] == "red" and week_ago.get(k, {}).get("rag") != "red"
    }
    out.same("leadership digest", day, "turned red", found["turned_red"], turned)
    active = {k: r for k, r in ref.items() if r["rag"] != "complete"}
    out.same(
        "admin digest",
        day,
        "no owner",
        found["no_owner"],
        {k for k, r in active.items() if r["owner"] is None},
    )
    out.same(
        "admin digest",
        day,
        "owner has left",
        found["owner_left"],
        {k: r["owner"] for k, r in active.items() if r["left"]},
    )
    for username, refs in found["reminders"].items():
        theirs = {k for k, r in active.items() if r["username"] == username}
        out.same("owner's reminder", day, f"objectives of {username}", refs - theirs, set())
        left = {k for k in theirs if active[k]["left"]}
        out.same("owner's reminder", day, f"sent to {username}, who had left", left, set())
    return 3


@pytest.mark.parametrize("seed", SEEDS)
def test_every_surface_tells_one_past(clock, seed):
    rng = random.Random(seed)
    plan, admin, leader, owners, rec, last = random_plan(clock, rng)
    now = last + timedelta(minutes=1)
    today = timezone.localdate(now)
    event_days = sorted({rng.choice(sorted(rec.days - {today})), *rec.telling_days(today)})
    days = [START - timedelta(days=10), *event_days, today]
    out = Findings()
    client = Client()
    client.force_login(admin)
    read = []
    for day in days:
        with clock(now):
            pdf = day == event_days[len(event_days) // 2]
            surfaces = compare_day(client, plan, day, today, rec, out, pdf=pdf)
        moment = now if day == today else factories.london(day, 23, 59)
        surfaces += compare_digests(client, plan, day, rec, out, clock, moment, now)
        if day == today:
            with clock(now):
                surfaces += compare_worklists(owners, plan, today, rec, out)
        read.append(surfaces)
    print(f"seed {seed}: {len(days)} days, surfaces compared on each: {read}")
    assert not out, f"seed {seed}, {len(days)} days, disagreements:\n" + "\n".join(out)


def test_with_the_clock_set_back_an_owner_who_left_later_is_still_active(clock, admin_user):
    """Today read with the clock set back (as a digest run for an earlier day does) takes the
    owner's account as it stood then, not the live row of someone who left since."""
    with clock(date(2026, 1, 5)):
        owner = factories.make_manager("pat_owner")
        plan = factories.make_plan(user=admin_user)
        factories.make_objective(plan, user=admin_user, owner=owner, starts_on=date(2026, 1, 1))
    with clock(date(2026, 2, 1)):
        people_services.person_mark_leaver(
            user=admin_user,
            person=owner,
            reason="Left the council",
            expected_version=people_services.account_version(owner),
        )
    with clock(date(2026, 1, 20)):
        (row,) = tracking_selectors.plan_drift(plan).objectives
    assert row.state.owner_active
    assert "owner_inactive" not in row.flags
