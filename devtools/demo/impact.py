"""Demo data for the findings register, measures of impact and evidence (``seed_demo``).

A development tool, kept apart from the domain: it writes through the services, backdated with
``recorded_at`` so the register, the measures and the evidence read right for any past date.
Running it again adds nothing.
"""

from __future__ import annotations

import calendar
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.utils import timezone

from impact import evidence_services, services, value_services
from impact.measure_rules import MeasureSpec, trajectory
from impact.models import Finding
from milestones.models import Milestone
from objectives import permissions
from objectives.models import Objective, Plan, ProgressUpdate

SIF = "SIF 2016"
JTAI = "JTAI neglect 2017"
PEER = "Peer challenge 2018"
ANNUAL = "Annual conversation 2018"

# (ref, source, text, objective refs answering it)
FINDINGS = (
    (
        "F1",
        SIF,
        "Too many children experience changes of social worker: turnover is high and "
        "the service relies on agency social workers.",
        ("1.1", "1.4"),
    ),
    (
        "F2",
        SIF,
        "Caseloads in the assessment teams are too high for social workers to know children well.",
        ("1.2",),
    ),
    (
        "F3",
        SIF,
        "Supervision is irregular and rarely reflective; it does not drive plans for "
        "children forward.",
        ("1.3",),
    ),
    ("F4", SIF, "Child in need plans lack clear outcomes and timescales.", ("4.3",)),
    (
        "F5",
        SIF,
        "Personal education plans are not completed on time and do not say how the "
        "virtual school will help.",
        ("5.2",),
    ),
    (
        "F6",
        SIF,
        "Independent reviewing officers do not challenge drift in children's plans.",
        ("2.3",),
    ),
    (
        "F7",
        JTAI,
        "Wider family networks are not identified early enough to support children "
        "living with neglect.",
        ("3.3",),
    ),
    (
        "F8",
        JTAI,
        "Families are stepped down from children in need with no handover, and neglect recurs.",
        ("4.1", "4.2"),
    ),
    (
        "F9",
        JTAI,
        "There is no shared neglect strategy; the graded care profile is used inconsistently.",
        ("7.3",),
    ),
    ("F10", JTAI, "Partners do not audit multi-agency practice together.", ("7.1", "7.2")),
    (
        "F11",
        PEER,
        "Too many children remain on care orders at home without a plan to end the "
        'order ("going home" plans).',
        ("2.1",),
    ),
    (
        "F12",
        PEER,
        "A high proportion of children in care live more than 20 miles from home.",
        ("2.2", "3.4"),
    ),
    (
        "F13",
        PEER,
        "Adolescents on the edge of care have too few intensive, evidence-based services.",
        ("3.1", "3.2"),
    ),
    ("F14", PEER, "Schools do not understand the impact of trauma on children in care.", ("5.1",)),
    (
        "F15",
        PEER,
        "Fixed-term exclusions of children in care are well above those of their peers.",
        ("6.1", "6.2"),
    ),
    (
        "F16",
        PEER,
        "Too many care leavers are not in education, employment or training.",
        ("5.3", "8.3"),
    ),
    (
        "F17",
        ANNUAL,
        "Children and young people's views do not yet shape services (\"Bright "
        'Futures, Big Minds").',
        ("8.1", "8.2"),
    ),
    (
        "F18",
        ANNUAL,
        "Leaders cannot yet show the difference the plan makes for children: the "
        "board sees activity, not impact.",
        (),
    ),
)


@dataclass(frozen=True)
class MeasureDemo:
    ref: str
    name: str
    unit: str
    direction: str
    baseline: str
    target: str
    pattern: str  # on_track, behind, off_track or stale
    places: int = 1


MEASURES = (
    MeasureDemo("1.1", "Agency social workers", "% of posts", "down", "32", "15", "on_track"),
    MeasureDemo(
        "1.2", "Average caseload, assessment teams", "children", "down", "26", "18", "behind"
    ),
    MeasureDemo(
        "2.2",
        "Children in care placed more than 20 miles away",
        "%",
        "down",
        "31",
        "19",
        "on_track",
    ),
    MeasureDemo(
        "4.1", "Children in need", "per 10,000 children", "down", "420", "350", "off_track", 0
    ),
    MeasureDemo(
        "5.1",
        "Schools trained in trauma-informed practice",
        "schools",
        "up",
        "0",
        "60",
        "on_track",
        0,
    ),
    MeasureDemo(
        "6.1",
        "Fixed-term exclusions of children in care",
        "per term",
        "down",
        "48",
        "24",
        "behind",
        0,
    ),
    MeasureDemo("2.1", "Children looked after", "per 10,000 children", "down", "98", "85", "stale"),
)
# How far from the trajectory each pattern sits, as a share of |target - baseline| (+ is better).
OFFSETS = {"on_track": 0.04, "behind": -0.05, "off_track": -0.3, "stale": 0.02}

LINKS = (
    (
        "1.1",
        "Recruitment and retention strategy, Cabinet report",
        "https://kestrelford.example.org/cabinet/recruitment-retention-strategy",
    ),
    (
        "3.2",
        "MST team: commissioning decision",
        "https://kestrelford.example.org/decisions/mst-commissioning",
    ),
    (
        "5.1",
        "Virtual school: list of schools trained",
        "https://kestrelford.example.org/virtual-school/trauma-informed-schools",
    ),
    (
        "7.2",
        "Joint audit programme with Wrenmoor: terms of reference",
        "https://kestrelford.example.org/lscp/joint-audit-terms",
    ),
)
MINUTES = (
    "Improvement board: note of the discussion on caseloads\n\n"
    "The board reviewed average caseloads in the assessment teams. Caseloads are falling but "
    "more slowly than planned. Actions: two further permanent posts to be advertised; the "
    "weighting tool to be used in every team from next month.\n"
)


def _at(day: date, hour: int = 10) -> datetime:
    moment = datetime.combine(day, time(hour), tzinfo=timezone.get_default_timezone())
    return min(moment, timezone.now() - timedelta(minutes=1))


def _month_ends(start: date, end: date) -> list[date]:
    days = []
    year, month = start.year, start.month
    while True:
        last = date(year, month, calendar.monthrange(year, month)[1])
        if last > end:
            return days
        if last >= start:
            days.append(last)
        year, month = (year + 1, 1) if month == 12 else (year, month + 1)


def _actor(objective: Objective, admin):
    owner = objective.owner
    if owner is not None and permissions.can_edit_objective(owner, objective):
        return owner
    return admin


def load(*, plan: Plan, admin, today: date) -> bool:
    """Add the demo's findings, measures and evidence to ``plan`` once. True if it added them."""
    if Finding.objects.filter(plan=plan).exists():
        return False
    objectives = {o.ref: o for o in Objective.objects.filter(plan=plan).select_related("owner")}
    set_up = _at(min(plan.starts_on, today) - timedelta(days=20), 9)
    added = {
        ref: objective.history.order_by("history_date").values_list("history_date", flat=True)[0]
        for ref, objective in objectives.items()
    }
    for ref, source, text, answers in FINDINGS:
        finding = services.finding_create(
            user=admin, plan=plan, ref=ref, source=source, text=text, recorded_at=set_up
        )
        # each objective is linked the day it was added to the plan
        chosen = sorted((r for r in answers if r in objectives), key=lambda r: added[r])
        for n, answer in enumerate(chosen):
            services.finding_set_objectives(
                user=admin,
                finding=finding,
                objectives=[objectives[r] for r in chosen[: n + 1]],
                reason="Linked when the objective was agreed",
                recorded_at=max(added[answer], set_up) + timedelta(minutes=30),
            )
    _load_measures(plan, objectives, admin, today, set_up)
    _load_evidence(objectives, admin, today)
    return True


def _load_measures(plan, objectives, admin, today, set_up) -> None:
    baseline_on = plan.starts_on - timedelta(days=1)
    target_on = plan.ends_on
    periods = _month_ends(plan.starts_on, today - timedelta(days=1))[-18:]
    for spec in MEASURES:
        objective = objectives.get(spec.ref)
        if objective is None:
            continue
        measure = services.measure_create(
            user=admin,
            objective=objective,
            name=spec.name,
            unit=spec.unit,
            direction=spec.direction,
            baseline_value=Decimal(spec.baseline),
            baseline_on=baseline_on,
            target_value=Decimal(spec.target),
            target_on=target_on,
            recorded_at=set_up,
        )
        rule = MeasureSpec(
            spec.direction, Decimal(spec.baseline), baseline_on, Decimal(spec.target), target_on
        )
        span = abs(float(Decimal(spec.target) - Decimal(spec.baseline)))
        better = -1 if spec.direction == "down" else 1
        shown = periods[:-5] if spec.pattern == "stale" else periods
        actor = _actor(objective, admin)
        quantum = Decimal(1).scaleb(-spec.places)
        for n, period_end in enumerate(shown):
            expected = float(trajectory(rule, period_end))
            wobble = 0.01 * span * math.sin(n * 1.3)
            offset = OFFSETS[spec.pattern] * span
            if spec.pattern == "off_track":  # it started near the line and drifted away
                offset *= min(1.0, (n + 1) / 6)
            value = Decimal(expected + better * (offset + wobble)).quantize(
                quantum, rounding=ROUND_HALF_UP
            )
            if spec.direction == "up":
                value = max(value, Decimal(0))
            recorded = _at(min(period_end + timedelta(days=10), today), 11)
            value_services.measure_value_create(
                user=actor,
                measure=measure,
                period_end=period_end,
                value=value,
                note="From the monthly performance report." if n % 6 == 0 else "",
                recorded_at=recorded,
            )


def _load_evidence(objectives, admin, today) -> None:
    for ref, title, url in LINKS:
        objective = objectives.get(ref)
        if objective is None:
            continue
        milestone = (
            Milestone.objects.filter(objective=objective, completed_on__isnull=False)
            .order_by("completed_on")
            .first()
        )
        when = milestone.completed_on + timedelta(days=1) if milestone else today
        evidence_services.evidence_add_link(
            user=_actor(objective, admin),
            objective=objective,
            title=title,
            url=url,
            milestone=milestone,
            recorded_at=_at(min(when, today), 14),
        )
    objective = objectives.get("1.2")
    if objective is not None:
        update = ProgressUpdate.objects.filter(objective=objective).order_by("-reported_on").first()
        evidence_services.evidence_add_file(
            user=_actor(objective, admin),
            objective=objective,
            title="Improvement board note on caseloads",
            name="board-note-caseloads.txt",
            data=MINUTES.encode(),
            progress_update=update,
            recorded_at=_at(update.reported_on if update else today, 16),
        )
