"""Synthetic improvement plans for the benchmark (``manage.py bench``), never for real use.

``build_plan`` makes one plan the way people would, through the services, with every change
backdated (``recorded_at``) over the months before today: objectives created and started, owners
reassigned with reasons, milestones added, re-forecast (mostly later, with reasons), completed
late or on time, re-baselined now and then, and fortnightly-ish progress updates, some of which
stop (stale objectives). At the default size that is 150 objectives, 750 milestones and about
7,500 history records.

``replicate_plan`` copies a plan built that way into another plan (a "national" database holds
150 of them) by writing the live rows and their history rows directly, in bulk: running the
services a million times would take hours. Every copied row gets the same history as the
original (its creation record, each change with its date, user and reason), with ids remapped,
so the copy reads back through ``tracking.selectors`` exactly like the original and
``manage.py check_history`` still finds every row consistent with its latest record.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction
from django.utils import timezone

from devtools.events import Timeline
from milestones import services as milestone_services
from milestones.models import Milestone
from objectives import services
from objectives.models import Objective, Plan, ProgressUpdate, Theme
from objectives.permissions import ADMINISTRATORS, MANAGERS

User = get_user_model()

THEMES = (
    "Stabilising the workforce",
    "Children looked after and going home",
    "Edge-of-care sufficiency",
    "Children in need and early help",
    "The virtual school",
    "Fixed-term exclusions",
    "Joint safeguarding arrangements",
    "Engaging young people",
)
ACTIONS = (
    "Recruit and retain experienced social workers",
    "Review every going-home plan at panel",
    "Open a new children's unit",
    "Launch family group conferencing",
    "Step down cases to early help",
    "Train schools in trauma-informed practice",
    "Reduce fixed-term exclusions",
    "Run joint multi-agency audits",
    "Hear from young people through Bright Futures, Big Minds",
    "Commission multi-systemic therapy",
)
STEPS = ("Scope", "Agree the approach", "Pilot", "Roll out", "Review the impact")
SLIP_REASONS = (
    "Recruitment took longer than planned",
    "Waiting for partner agencies to agree",
    "Budget approval delayed to the next cabinet",
    "Staff sickness in the team",
    "The provider asked for more time",
)


@dataclass
class BuildStats:
    objectives: int = 0
    milestones: int = 0
    history: Counter = field(default_factory=Counter)

    @property
    def history_total(self) -> int:
        return sum(self.history.values())


def _at(day: date, hour: int = 9, minute: int = 0) -> datetime:
    """``hour:minute`` on ``day``, London time."""
    return datetime.combine(day, time(hour, minute), ZoneInfo(settings.TIME_ZONE))


def make_people(prefix: str, count: int) -> list:
    """``count`` managers named ``<prefix>001``...; created once, reused afterwards."""
    group = Group.objects.get(name=MANAGERS)
    people = []
    for n in range(1, count + 1):
        username = f"{prefix}{n:03d}"
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"first_name": "Owner", "last_name": f"{prefix.title()} {n}"},
        )
        if created:
            user.set_unusable_password()
            user.save()
            user.groups.add(group)
        people.append(user)
    return people


def make_admin(username: str = "bench_admin"):
    user, created = User.objects.get_or_create(
        username=username, defaults={"first_name": "Bench", "last_name": "Administrator"}
    )
    if created:
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=ADMINISTRATORS))
    return user


def build_plan(
    *,
    name: str,
    today: date,
    objectives: int = 150,
    milestones_per_objective: int = 5,
    months: int = 18,
    owners: list | None = None,
    admin=None,
    seed: int = 4,
) -> tuple[Plan, BuildStats]:
    """Build one plan through the services, its history spread over ``months`` before ``today``.

    Events are generated per objective on a ``devtools.events.Timeline``, then run in time order
    (500 to a transaction) so each row's last change is its latest history record.
    """
    rng = random.Random(seed)
    admin = admin or make_admin()
    owners = owners or make_people("owner", max(4, objectives // 7))
    stats = BuildStats()
    start = today - timedelta(days=round(months * 30.4))
    timeline = Timeline()
    with transaction.atomic():
        plan = services.plan_create(
            user=admin,
            name=name,
            organisation="Example Borough Council",
            starts_on=start,
            ends_on=start + timedelta(days=3 * 365),
            recorded_at=_at(start),
            published_on=start,
        )
        themes = [
            services.theme_create(
                user=admin, plan=plan, name=theme, order=i, recorded_at=_at(start)
            )
            for i, theme in enumerate(THEMES)
        ]
    stats.history["plan and themes"] = 1 + len(themes)

    for n in range(objectives):
        _objective_events(
            add=timeline.add,
            rng=rng,
            plan=plan,
            theme=themes[n % len(themes)],
            ref=f"{n % len(themes) + 1}.{n // len(themes) + 1}",
            admin=admin,
            owners=owners,
            start=start,
            today=today,
            milestones=milestones_per_objective,
            stats=stats,
        )

    # Nothing may be recorded in the future: today's late events happen a moment ago instead.
    latest = timezone.now() - timedelta(seconds=1)
    timeline.run(lambda event: min(event.when, latest), batch=500)
    stats.objectives = objectives
    stats.milestones = objectives * milestones_per_objective
    return plan, stats


def _objective_events(
    *, add, rng, plan, theme, ref, admin, owners, start, today, milestones, stats
) -> None:
    created = start + timedelta(days=rng.randint(0, 90))
    target = created + timedelta(days=rng.randint(300, 640))
    owner = None if rng.random() < 0.04 else rng.choice(owners)
    box: dict = {}
    history = stats.history

    def create(when):
        box["objective"] = services.objective_create(
            user=admin,
            plan=plan,
            ref=ref,
            title=f"{rng.choice(ACTIONS)} ({ref})",
            theme=theme,
            owner=owner,
            starts_on=created,
            target_date=target,
            recorded_at=when,
        )

    add(_at(created, 7), create)
    history["objective"] += 1

    # Milestones, evenly spread between the start and the target date.
    span = (target - created).days
    completions: list[date] = []
    for k in range(milestones):
        due = created + timedelta(
            days=round(span * (k + 1) / (milestones + 1)) + rng.randint(-9, 9)
        )
        _milestone_events(
            add=add,
            rng=rng,
            box=box,
            key=k,
            title=STEPS[k % len(STEPS)] if k < len(STEPS) else f"Step {k + 1}",
            admin=admin,
            owner=owner,
            created=created,
            due=due,
            today=today,
            completions=completions,
            history=history,
        )

    # Progress updates every 10 to 21 days; some owners stop reporting (stale objectives).
    stops = today - timedelta(days=rng.randint(50, 150)) if rng.random() < 0.15 else today
    day = created + timedelta(days=rng.randint(7, 21))
    first = True
    while day <= stops:
        rag = rng.choices(("green", "amber", "red"), weights=(5, 3, 1))[0]

        def report(when, day=day, rag=rag, first=first):
            objective = box["objective"]
            if first:
                services.objective_update(
                    objective=objective, user=admin, status="in_progress", recorded_at=when
                )
            services.progress_update_create(
                user=owner or admin,
                objective=objective,
                reported_on=day,
                rag=rag,
                summary=f"Progress reported on {day:%d %B %Y}.",
                recorded_at=when,
            )

        add(_at(day, 19), report)
        history["objective"] += int(first)
        history["progress update"] += 1
        first = False
        day += timedelta(days=rng.randint(10, 21))

    # Now and then an owner is replaced (or named for the first time), with a reason.
    if rng.random() < (0.5 if owner is None else 0.08):
        when_day = created + timedelta(days=rng.randint(30, 200))
        if when_day < today:
            new_owner = rng.choice([o for o in owners if o != owner])

            def reassign(when, new_owner=new_owner):
                services.objective_assign_owner(
                    objective=box["objective"],
                    user=admin,
                    owner=new_owner,
                    reason="Responsibility moved after a restructure",
                    recorded_at=when,
                )

            add(_at(when_day, 6), reassign)
            history["objective"] += 1

    # Finished when every milestone is done, a few days after the last one.
    if len(completions) == milestones and rng.random() < 0.7:
        done = max(completions) + timedelta(days=rng.randint(1, 10))
        if done < today:

            def finish(when):
                services.objective_update(
                    objective=box["objective"],
                    user=admin,
                    status="complete",
                    closing_summary="Every milestone delivered.",
                    recorded_at=when,
                )

            add(_at(done, 20), finish)
            history["objective"] += 1


def _milestone_events(
    *, add, rng, box, key, title, admin, owner, created, due, today, completions, history
) -> None:
    actor = owner or admin

    def create(when):
        box[key] = milestone_services.milestone_create(
            user=admin, objective=box["objective"], title=title, due_date=due, recorded_at=when
        )

    add(_at(created, 7, 30 + key), create)
    history["milestone"] += 1

    replans = rng.choices((0, 1, 2, 3, 4), weights=(40, 25, 15, 12, 8))[0]
    current = due
    last = created
    for _ in range(replans):
        latest = min(current, today) - timedelta(days=1)
        if latest <= last + timedelta(days=1):
            break
        on = last + timedelta(days=rng.randint(1, max(1, (latest - last).days)))
        later = rng.random() < 0.9
        new_due = current + timedelta(days=rng.randint(7, 60) if later else -rng.randint(3, 14))
        new_due = max(new_due, on)  # an owner's forecast is never in the past
        reason = rng.choice(SLIP_REASONS) if later else "Brought forward"

        def reschedule(when, new_due=new_due, reason=reason):
            milestone_services.milestone_reschedule(
                milestone=box[key], user=actor, due_date=new_due, reason=reason, recorded_at=when
            )

        add(_at(on, 12), reschedule)
        history["milestone"] += 1
        current, last = new_due, on

    if current != due and rng.random() < 0.1 and last + timedelta(days=2) < today:
        on = last + timedelta(days=1)
        baseline = current

        def rebaseline(when, baseline=baseline):
            milestone_services.milestone_rebaseline(
                milestone=box[key],
                user=admin,
                baseline_date=baseline,
                reason="Board agreed a new timescale",
                recorded_at=when,
            )

        add(_at(on, 13), rebaseline)
        history["milestone"] += 1
        last = on

    if current <= today and rng.random() < 0.85:
        completed_on = min(
            today, max(last + timedelta(days=1), current + timedelta(rng.randint(-10, 20)))
        )
        if completed_on > last:

            def complete(when, completed_on=completed_on):
                milestone_services.milestone_complete(
                    milestone=box[key], user=actor, completed_on=completed_on, recorded_at=when
                )

            add(_at(completed_on, 17), complete)
            history["milestone"] += 1
            completions.append(completed_on)


# --- replication -------------------------------------------------------------------------------


def _history_rows(model, **filters) -> list[dict]:
    names = [f.attname for f in model.history.model._meta.concrete_fields]
    return list(
        model.history.filter(**filters).order_by("history_date", "history_id").values(*names)
    )


def _copy_history(model, rows: list[dict], remap) -> int:
    history_model = model.history.model
    copies = []
    for row in rows:
        row = dict(row)
        row.pop("history_id")
        remap(row)
        copies.append(history_model(**row))
    history_model.objects.bulk_create(copies, batch_size=2000)
    return len(copies)


def replicate_plan(template: Plan, *, name: str, owners: list) -> int:
    """Copy ``template`` with all its history into a new plan; returns the history rows written.

    The template's owners are mapped one to one onto ``owners`` (the people of another council).
    Live rows and history rows are written in bulk with ids remapped; dates, reasons and the
    kind of each record are kept. Every ``bulk_create`` of live rows below is followed, in the
    same transaction, by the copy of those rows' history, so no row is left without its record
    (``tests/devtools/test_bench.py`` runs ``check_history``'s checks on a copy). Benchmark
    data only: ``manage.py bench`` refuses a database holding plans it did not make.
    """
    objective_history = _history_rows(Objective, plan_id=template.pk)
    template_owners = sorted({r["owner_id"] for r in objective_history} - {None})
    if len(owners) < len(template_owners):
        raise ValueError(f"Need {len(template_owners)} owners to copy {template}.")
    person = {old: new.pk for old, new in zip(template_owners, owners, strict=False)}

    def same_or_mapped(pk):
        return person.get(pk, pk)

    written = 0
    with transaction.atomic():
        plan = Plan.objects.get(pk=template.pk)
        plan.pk = None
        plan.name = name
        Plan.objects.bulk_create([plan])  # its history rows are copied just below

        def remap_plan(row):
            row["id"] = plan.pk
            row["name"] = name

        written += _copy_history(Plan, _history_rows(Plan, id=template.pk), remap_plan)

        themes = list(Theme.objects.filter(plan=template).order_by("id"))
        new_themes = [Theme(plan_id=plan.pk, name=t.name, order=t.order) for t in themes]
        Theme.objects.bulk_create(new_themes)
        theme_map = {old.pk: new.pk for old, new in zip(themes, new_themes, strict=True)}

        def remap_theme(row):
            row["id"] = theme_map[row["id"]]
            row["plan_id"] = plan.pk
            row["history_user_id"] = same_or_mapped(row["history_user_id"])

        written += _copy_history(Theme, _history_rows(Theme, plan_id=template.pk), remap_theme)

        objectives = list(Objective.objects.filter(plan=template).order_by("id"))
        old_ids = [o.pk for o in objectives]
        for o in objectives:
            o.pk = None
            o.plan_id = plan.pk
            o.theme_id = theme_map.get(o.theme_id)
            o.owner_id = person.get(o.owner_id)
        Objective.objects.bulk_create(objectives, batch_size=1000)
        objective_map = {old: new.pk for old, new in zip(old_ids, objectives, strict=True)}

        def remap_objective(row):
            row["id"] = objective_map[row["id"]]
            row["plan_id"] = plan.pk
            row["theme_id"] = theme_map.get(row["theme_id"])
            row["owner_id"] = person.get(row["owner_id"])
            row["history_user_id"] = same_or_mapped(row["history_user_id"])

        written += _copy_history(Objective, objective_history, remap_objective)

        for model in (Milestone, ProgressUpdate):
            live = list(model.objects.filter(objective_id__in=old_ids).order_by("id"))
            old = [row.pk for row in live]
            for row in live:
                row.pk = None
                row.objective_id = objective_map[row.objective_id]
                if model is ProgressUpdate:
                    row.author_id = same_or_mapped(row.author_id)
            model.objects.bulk_create(live, batch_size=2000)
            id_map = {o: n.pk for o, n in zip(old, live, strict=True)}

            def remap(row, id_map=id_map, model=model):
                row["id"] = id_map[row["id"]]
                row["objective_id"] = objective_map[row["objective_id"]]
                row["history_user_id"] = same_or_mapped(row["history_user_id"])
                if model is ProgressUpdate:
                    row["author_id"] = same_or_mapped(row["author_id"])

            rows = _history_rows(model, objective_id__in=old_ids)
            written += _copy_history(model, rows, remap)
    return written
