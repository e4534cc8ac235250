"""``manage.py seed_demo``: a realistic demo plan with 18 months of backdated history.

The story lives in ``devtools.demo.story``. It is replayed through the services in date order
(``devtools.events``), with each change recorded by the person who would have made it (the
administrator for set-up, owner changes and re-baselines; owners for their re-forecasts,
completions and progress updates) and backdated with ``recorded_at``, so drift can be read for
today or any past date.
"""

import calendar
import os
import random
import time as clock
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import partial

from django.conf import settings
from django.contrib.auth import get_user_model, password_validation
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from devtools.demo import impact as impact_demo
from devtools.demo import milestones as record_demo
from devtools.demo import people as people_demo
from devtools.demo import story
from devtools.demo.board import add_board_cycle
from devtools.demo.dependencies import add_dependencies
from devtools.demo.reminders import prepare_demo_emails
from devtools.demo.story import Handover, MilestoneSpec, ObjectiveSpec, Step, ThemeSpec
from devtools.events import Action, Event, Timeline
from kit.formatting import long_date
from milestones import services as milestone_services
from milestones.models import Milestone
from objectives import services
from objectives.models import Objective, Plan, ProgressUpdate, Theme
from objectives.permissions import ADMINISTRATORS, LEADERSHIP, MANAGERS
from tracking import selectors

User = get_user_model()

SEED = 20161107  # fixed, so the story is the same for a given day
PASSWORD_ENV = "DEMO_PASSWORD"  # noqa: S105 (the name of the variable)


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    role: str
    password: str


DEMO_USERS = (
    DemoUser("admin", "Alex", "Morgan", ADMINISTRATORS, "demo-admin-2026!"),
    DemoUser("leader", "Lesley", "Grant", LEADERSHIP, "demo-leader-2026!"),
    DemoUser("manager", "Priya", "Nair", MANAGERS, "demo-manager-2026!"),
)

# Order of changes made on the same day.
CREATE, ADD_MILESTONE, HANDOVER, START, CHANGE, COMPLETE, CLOSE, REPORT = range(8)

RAG_LINES = {
    "red": (
        "Escalated to the improvement board with a recovery plan.",
        "Red: recovery actions agreed with the Director.",
        "Off track; a revised plan goes to the next improvement board.",
    ),
    "amber": (
        "Some slippage, within tolerance; recovery actions agreed with the team.",
        "Amber: behind the agreed date but recoverable.",
        "Slight delay; expected to recover by the next milestone.",
    ),
    "green": (
        "On track.",
        "Progressing as planned.",
        "On track against the agreed milestones.",
    ),
}


def _email(username: str) -> str:
    return f"{username}@kestrelford.example.org"


def _months_before(day: date, months: int) -> date:
    year, month = divmod(day.year * 12 + day.month - 1 - months, 12)
    return date(year, month + 1, min(day.day, calendar.monthrange(year, month + 1)[1]))


def demo_passwords() -> dict[str, str]:
    """The three demo passwords (or ``DEMO_PASSWORD`` for all three), checked by the validators."""
    override = os.environ.get(PASSWORD_ENV, "")
    passwords = {}
    for demo in DEMO_USERS:
        password = override or demo.password
        candidate = User(
            username=demo.username,
            first_name=demo.first_name,
            last_name=demo.last_name,
            email=_email(demo.username),
        )
        try:
            password_validation.validate_password(password, user=candidate)
        except ValidationError as error:
            where = PASSWORD_ENV if override else f"The demo password for {demo.username}"
            raise CommandError(f"{where} is too weak: {' '.join(error.messages)}") from None
        passwords[demo.username] = password
    return passwords


def ensure_demo_users(passwords: dict[str, str], joined: datetime) -> dict[str, User]:
    """Create the demo users if missing; (re)set their known passwords, roles and access."""
    users = {}
    for demo in DEMO_USERS:
        user, _ = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "first_name": demo.first_name,
                "last_name": demo.last_name,
                "email": _email(demo.username),
                "date_joined": joined,
            },
        )
        people_demo.reset_demo_account(
            user,
            password=passwords[demo.username],
            administrator=demo.role == ADMINISTRATORS,
            group=Group.objects.get_or_create(name=demo.role)[0],
        )
        users[demo.username] = user
    return users


def ensure_people(joined: datetime) -> dict[str, User]:
    """The fictional owners: managers who sign in through the council's own accounts."""
    managers = Group.objects.get_or_create(name=MANAGERS)[0]
    people = {}
    for person in story.PEOPLE:
        user = User.objects.filter(username=person.username).first()
        if user is None:
            user = User(
                username=person.username,
                first_name=person.first_name,
                last_name=person.last_name,
                email=_email(person.username),
                date_joined=joined,
            )
            user.set_unusable_password()
            people_demo.create_account(user, groups=[managers], joined=joined)
        elif not user.groups.filter(pk=managers.pk).exists():
            user.groups.add(managers)
        people[person.username] = user
    return people


def find_demo_plan() -> Plan | None:
    return (
        Plan.objects.filter(
            organisation=story.ORGANISATION, name__startswith=story.PLAN_NAME_PREFIX
        )
        .order_by("id")
        .first()
    )


class Story:
    """Replays ``devtools.demo.story`` through the services, oldest change first."""

    def __init__(self, *, today: date, admin, people: dict[str, User]):
        self.today = today
        self.admin = admin
        self.people = people
        self.rng = random.Random(SEED)
        self.zone = timezone.get_default_timezone()
        self.timeline = Timeline()
        self.plan: Plan | None = None
        self.themes: dict[str, Theme] = {}
        self.objectives: dict[str, int] = {}
        self.milestones: dict[tuple[str, int], int] = {}
        self.last_report: dict[str, date] = {}

    # Dates -------------------------------------------------------------------------------------

    def day(self, offset: int) -> date:
        """The working day ``offset`` days from today (a weekend falls back to its Friday)."""
        day = self.today + timedelta(days=offset)
        if day.weekday() >= 5:
            day -= timedelta(days=day.weekday() - 4)
        return day

    def on(self, offset: int, priority: int, action: Action) -> None:
        if offset >= 0:
            raise ValueError(f"Demo changes must be in the past, not {offset} days from today.")
        self.timeline.add(self.day(offset), action, order=priority)

    # The story ---------------------------------------------------------------------------------

    def build(self) -> Plan:
        self.on(story.PLAN_SET_UP, CREATE, self.create_plan)
        for index, theme in enumerate(story.THEMES):
            self.on(story.PLAN_SET_UP, CREATE, partial(self.create_theme, theme, index + 1))
            for spec in theme.objectives:
                self.schedule_objective(spec, theme, story.FIRST_OBJECTIVES_ADDED + index)
        self.replay()
        return self.plan

    def schedule_objective(self, spec: ObjectiveSpec, theme: ThemeSpec, default_added: int) -> None:
        added = spec.added if spec.added is not None else default_added
        self.on(added, CREATE, partial(self.create_objective, spec, theme))
        for index, milestone in enumerate(spec.milestones):
            self.on(added, ADD_MILESTONE, partial(self.create_milestone, spec, index, milestone))
            previous = added
            for step in milestone.steps:
                finished_later = step.kind == "done" and step.to > step.at
                if step.at < previous or finished_later:
                    raise ValueError(f"{spec.ref} {milestone.title!r}: steps out of order.")
                previous = step.at
                priority = COMPLETE if step.kind == "done" else CHANGE
                self.on(step.at, priority, partial(self.change_milestone, spec, index, step))
        for handover in spec.handovers:
            self.on(handover.at, HANDOVER, partial(self.hand_over, spec, handover))
        self.on(max(spec.starts, added), START, partial(self.set_status, spec, "in_progress"))
        if spec.completed is not None:
            self.on(spec.completed, CLOSE, partial(self.set_status, spec, "complete"))
        if spec.owner is None and not spec.handovers:
            return
        offset = spec.updates_from if spec.updates_from is not None else spec.starts + 28
        while offset <= spec.updates_until and (spec.completed is None or offset < spec.completed):
            if not (spec.quiet and spec.quiet[0] <= offset <= spec.quiet[1]):
                self.on(offset, REPORT, partial(self.report, spec, offset))
            offset += 30 + self.rng.randint(-4, 4)
        if spec.completed is not None:
            self.on(spec.completed, REPORT, partial(self.report, spec, spec.completed))

    def replay(self) -> None:
        """Run the changes in date order, each at a later time of its day than the one before."""
        per_day = Counter(event.when for event in self.timeline)
        moment: datetime | None = None
        step = 1

        def recorded_at(event: Event) -> datetime:
            nonlocal moment, step
            day = event.when
            if moment is None or moment.date() != day:
                start = datetime.combine(day, time(8, 40), tzinfo=self.zone)
                moment = start + timedelta(minutes=self.rng.randint(0, 40))
                step = max(1, min(25, 480 // per_day[day]))
            else:
                moment += timedelta(minutes=self.rng.randint(1, step))
            return moment

        self.timeline.run(recorded_at)

    # Changes -----------------------------------------------------------------------------------

    def create_plan(self, recorded_at: datetime) -> None:
        starts_on = self.day(story.PLAN_START)
        ends_on = self.day(story.PLAN_END)
        self.plan = services.plan_create(
            user=self.admin,
            name=f"{story.PLAN_NAME_PREFIX} {starts_on.year}–{ends_on.year}",
            organisation=story.ORGANISATION,
            starts_on=starts_on,
            ends_on=ends_on,
            recorded_at=recorded_at,
        )

    def create_theme(self, theme: ThemeSpec, order: int, recorded_at: datetime) -> None:
        self.themes[theme.name] = services.theme_create(
            user=self.admin, plan=self.plan, name=theme.name, order=order, recorded_at=recorded_at
        )

    def create_objective(
        self, spec: ObjectiveSpec, theme: ThemeSpec, recorded_at: datetime
    ) -> None:
        objective = services.objective_create(
            user=self.admin,
            plan=self.plan,
            theme=self.themes[theme.name],
            ref=spec.ref,
            title=spec.title,
            description=spec.description,
            source=spec.source,
            owner=self.people[spec.owner] if spec.owner else None,
            starts_on=self.day(spec.starts),
            target_date=self.day(spec.target),
            recorded_at=recorded_at,
        )
        self.objectives[spec.ref] = objective.pk

    def create_milestone(
        self, spec: ObjectiveSpec, index: int, milestone: MilestoneSpec, recorded_at: datetime
    ) -> None:
        created = milestone_services.milestone_create(
            user=self.admin,
            objective=self.objective(spec),
            title=milestone.title,
            due_date=self.day(milestone.due),
            recorded_at=recorded_at,
        )
        self.milestones[(spec.ref, index)] = created.pk

    def change_milestone(
        self, spec: ObjectiveSpec, index: int, step: Step, recorded_at: datetime
    ) -> None:
        milestone = Milestone.objects.get(pk=self.milestones[(spec.ref, index)])
        if step.kind == "move":
            milestone_services.milestone_reschedule(
                milestone=milestone,
                user=self.acting_owner(spec),
                due_date=self.day(step.to),
                reason=step.reason,
                recorded_at=recorded_at,
            )
        elif step.kind == "done":
            milestone_services.milestone_complete(
                milestone=milestone,
                user=self.acting_owner(spec),
                completed_on=self.day(step.to),
                recorded_at=recorded_at,
            )
        else:
            milestone_services.milestone_rebaseline(
                milestone=milestone,
                user=self.admin,
                baseline_date=self.day(step.to),
                reason=step.reason,
                recorded_at=recorded_at,
            )

    def hand_over(self, spec: ObjectiveSpec, handover: Handover, recorded_at: datetime) -> None:
        services.objective_assign_owner(
            objective=self.objective(spec),
            user=self.admin,
            owner=self.people[handover.to] if handover.to else None,
            reason=handover.reason,
            recorded_at=recorded_at,
        )

    def set_status(self, spec: ObjectiveSpec, status: str, recorded_at: datetime) -> None:
        services.objective_update(
            objective=self.objective(spec),
            user=self.acting_owner(spec),
            status=status,
            **({"closing_summary": story.CLOSING_SUMMARY} if status == "complete" else {}),
            recorded_at=recorded_at,
        )

    def report(self, spec: ObjectiveSpec, offset: int, recorded_at: datetime) -> None:
        objective = self.objective(spec)
        if objective.owner is None:
            return
        reported_on = self.day(offset)
        milestones = sorted(objective.milestones.all(), key=lambda m: (m.due_date, m.id))
        rag = self.owners_view(objective, milestones, reported_on)
        summary = self.summary(spec, offset, objective, milestones, reported_on, rag)
        services.progress_update_create(
            user=objective.owner,
            objective=objective,
            reported_on=reported_on,
            rag=rag,
            summary=summary,
            recorded_at=recorded_at,
        )
        self.last_report[spec.ref] = reported_on

    # Helpers -----------------------------------------------------------------------------------

    def objective(self, spec: ObjectiveSpec) -> Objective:
        return Objective.objects.select_related("owner").get(pk=self.objectives[spec.ref])

    def acting_owner(self, spec: ObjectiveSpec):
        return self.objective(spec).owner or self.admin

    @staticmethod
    def note(spec: ObjectiveSpec, offset: int) -> str:
        """The owner's own news, in step with how far through the objective they are."""
        end = spec.completed if spec.completed is not None else spec.updates_until
        progress = (offset - spec.starts) / max(1, end - spec.starts)
        return spec.notes[min(len(spec.notes) - 1, max(0, int(progress * len(spec.notes))))]

    def owners_view(self, objective: Objective, milestones: list[Milestone], on: date) -> str:
        if objective.is_complete:
            return "green"
        tolerance = self.plan.slip_tolerance_days
        open_ = [m for m in milestones if m.completed_on is None]
        slip = max(((m.due_date - m.baseline_date).days for m in open_), default=0)
        if objective.target_date < on or slip > tolerance or any(m.due_date < on for m in open_):
            return "red"
        if slip >= 1:
            # Owners are optimists: now and then a small slip is still reported green.
            return "green" if self.rng.random() < 0.2 else "amber"
        return "green"

    def summary(
        self,
        spec: ObjectiveSpec,
        offset: int,
        objective: Objective,
        milestones: list[Milestone],
        on: date,
        rag: str,
    ) -> str:
        if objective.is_complete:
            return (
                "Objective complete: every milestone delivered. Evidence filed for the "
                "improvement board; impact will be tracked in the performance report."
            )
        parts = [self.note(spec, offset)] if spec.notes else []
        since = self.last_report.get(spec.ref, date.min)
        parts += [
            f"Completed: {m.title} ({long_date(m.completed_on)})."
            for m in milestones
            if m.completed_on and since < m.completed_on <= on
        ]
        open_ = [m for m in milestones if m.completed_on is None]
        overdue = [m for m in open_ if m.due_date < on]
        if overdue:
            parts.append(
                f"Overdue: {overdue[0].title}, due {long_date(overdue[0].due_date)}; "
                "a new date goes to the next improvement board."
            )
        elif open_:
            upcoming = open_[0]
            text = f"Next: {upcoming.title}, forecast {long_date(upcoming.due_date)}"
            if upcoming.due_date != upcoming.baseline_date:
                text += f" (agreed date {long_date(upcoming.baseline_date)})"
            parts.append(text + ".")
        elif not milestones:
            parts.append("Milestones not yet agreed.")
        parts.append(self.rng.choice(RAG_LINES[rag]))
        return " ".join(parts)


class Command(BaseCommand):
    help = (
        "Load a fictional demo plan (about 25 objectives and 100 milestones with 18 months of "
        "backdated history) and the demo users admin, leader and manager, whose passwords it "
        f"prints (set {PASSWORD_ENV} to choose one password for all three). Runs only with "
        "DEBUG on, or with --force. Running it again adds nothing, but resets the demo users' "
        "passwords."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--force",
            action="store_true",
            help="Load the demo data even though DEBUG is off (never on a live service).",
        )

    def handle(self, *args, force: bool = False, **options):
        if not settings.DEBUG and not force:
            raise CommandError(
                "seed_demo loads fictional demo data and creates users with known passwords, "
                "so it runs only when DEBUG is on. Set DEBUG=1 in the environment (as "
                "`make run` does), or pass --force if you really mean to load demo data here."
            )
        passwords = demo_passwords()
        started = clock.perf_counter()
        today = timezone.localdate()
        with transaction.atomic():
            joined = datetime.combine(
                today + timedelta(days=story.PLAN_SET_UP - 30),
                time(9),
                tzinfo=timezone.get_default_timezone(),
            )
            users = ensure_demo_users(passwords, joined)
            plan = find_demo_plan()
            if plan is not None:
                self.stdout.write(
                    f'The demo data is already there ("{plan.name}", plan {plan.pk}); '
                    "nothing was added. The demo users' passwords were reset."
                )
                people_demo.show_accounts_and_drafts(plan, users["admin"])
            else:
                people = {**ensure_people(joined), "manager": users["manager"]}
                plan = Story(today=today, admin=users["admin"], people=people).build()
                people_demo.show_accounts_and_drafts(plan, users["admin"])
                record_demo.add_withdrawal_and_correction(plan, admin=users["admin"], today=today)
                add_dependencies(plan, admin=users["admin"], today=today)
                self.report(plan, today, clock.perf_counter() - started)
            prepare_demo_emails(plan, users)
            add_board_cycle(plan, admin=users["admin"], leader=users["leader"], today=today)
            impact_demo.load(plan=plan, admin=users["admin"], today=today)
        self.stdout.write("")
        self.stdout.write(
            self.style.SUCCESS(
                "Demo sign-ins: "
                + ", ".join(f"{demo.username} / {passwords[demo.username]}" for demo in DEMO_USERS)
            )
        )

    def report(self, plan: Plan, today: date, seconds: float) -> None:
        objectives = Objective.objects.filter(plan=plan)
        milestones = Milestone.objects.filter(objective__plan=plan)
        updates = ProgressUpdate.objects.filter(objective__plan=plan)
        objective_ids = objectives.values("id")
        history = (
            Plan.history.filter(id=plan.pk).count()
            + Theme.history.filter(plan_id=plan.pk).count()
            + Objective.history.filter(plan_id=plan.pk).count()
            + Milestone.history.filter(objective_id__in=objective_ids).count()
            + ProgressUpdate.history.filter(objective_id__in=objective_ids).count()
        )
        self.stdout.write(
            self.style.SUCCESS(f'Created "{plan.name}" for {plan.organisation} (plan {plan.pk}):')
        )
        self.stdout.write(
            f"  {objectives.count()} objectives, {milestones.count()} milestones, "
            f"{updates.count()} progress updates, {history} history records"
        )
        for label, day in (
            ("today", today),
            ("3 months ago", _months_before(today, 3)),
            ("6 months ago", _months_before(today, 6)),
        ):
            summary = selectors.plan_drift(plan, day).summary
            counts = ", ".join(f"{summary[rag]} {rag}" for rag in ("red", "amber", "green"))
            self.stdout.write(
                f"  Drift {label} ({day:%Y-%m-%d}): {counts}, {summary['complete']} complete"
            )
        self.stdout.write(f"  Built in {seconds:.1f} s.")
