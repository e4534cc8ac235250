"""Factories that build rows through the project's services, so history is always recorded."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from milestones import services as milestone_services
from objectives import services
from objectives.permissions import ADMINISTRATORS, LEADERSHIP, MANAGERS

User = get_user_model()
PASSWORD = "correct-horse-battery-staple"
_counter = {"n": 0}


def _next() -> int:
    _counter["n"] += 1
    return _counter["n"]


def make_user(username: str | None = None, *, roles=(MANAGERS,), active: bool = True, **extra):
    username = username or f"user{_next()}"
    user = User.objects.create_user(
        username=username,
        password=PASSWORD,
        first_name=extra.pop("first_name", username.title()),
        last_name=extra.pop("last_name", "Tester"),
        email=extra.pop("email", f"{username}@example.org"),
        is_active=active,
        **extra,
    )
    for role in roles:  # get_or_create: a transactional test flushes the migrated groups
        user.groups.add(Group.objects.get_or_create(name=role)[0])
    return user


def make_manager(username=None, **kw):
    return make_user(username, roles=(MANAGERS,), **kw)


def make_leader(username=None, **kw):
    return make_user(username, roles=(LEADERSHIP,), **kw)


def make_admin(username=None, **kw):
    return make_user(username, roles=(ADMINISTRATORS,), **kw)


def make_plan(*, user=None, published: bool = True, **fields):
    """A plan, published from its start unless ``published=False`` (a draft)."""
    defaults = {
        "name": f"Improvement plan {_next()}",
        "organisation": "Example Borough Council",
        "starts_on": date(2025, 1, 1),
        "ends_on": date(2027, 12, 31),
    }
    defaults.update(fields)
    if published:
        defaults.setdefault("published_on", defaults["starts_on"])
    return services.plan_create(user=user, **defaults)


def make_theme(plan, *, user=None, name=None, order=0):
    return services.theme_create(user=user, plan=plan, name=name or f"Theme {_next()}", order=order)


def make_objective(plan=None, *, user=None, **fields):
    plan = plan or make_plan(user=user)
    n = _next()
    defaults = {
        "ref": f"{n}.1",
        "title": f"Objective {n}",
        "starts_on": date(2025, 1, 1),
        "target_date": date(2027, 6, 30),
    }
    defaults.update(fields)
    return services.objective_create(user=user, plan=plan, **defaults)


def make_milestone(objective, *, user=None, title=None, due_date=None):
    return milestone_services.milestone_create(
        user=user,
        objective=objective,
        title=title or f"Milestone {_next()}",
        due_date=due_date or date(2026, 12, 31),
    )


def make_update(objective, *, user, reported_on, rag="green", summary="On track."):
    return services.progress_update_create(
        user=user, objective=objective, reported_on=reported_on, rag=rag, summary=summary
    )


def days(n: int) -> timedelta:
    return timedelta(days=n)


LONDON = ZoneInfo("Europe/London")


def london(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """An aware datetime at ``hour:minute`` London time on ``day``."""
    return datetime.combine(day, time(hour, minute), tzinfo=LONDON)


def make_plan_with_history(clock, *, admin, owners, count, name, themes_count=3):
    """A plan of ``count`` objectives, each with an owner, a theme, two milestones, a slip, and
    (every other one) a completion and a progress update, written on different days so every
    history table has several rows. For query-count tests at two sizes."""
    with clock(date(2026, 1, 5)):
        plan = make_plan(user=admin, name=name)
        themes = [make_theme(plan, user=admin, name=f"Theme {i}") for i in range(themes_count)]
        rows = []
        for i in range(count):
            objective = make_objective(
                plan,
                user=admin,
                ref=f"{i // 10 + 1}.{i % 10 + 1}",
                owner=owners[i % len(owners)],
                theme=themes[i % len(themes)],
                starts_on=date(2026, 1, 1),
                target_date=date(2026, 12, 31),
            )
            first = make_milestone(objective, user=admin, due_date=date(2026, 3, 31))
            second = make_milestone(objective, user=admin, due_date=date(2026, 6, 30))
            rows.append((objective, first, second))
    with clock(date(2026, 2, 1)):
        for _objective, first, _second in rows:
            milestone_services.milestone_reschedule(
                milestone=first, user=admin, due_date=date(2026, 4, 15), reason="Slipped"
            )
    with clock(date(2026, 3, 1)):
        for objective, _first, second in rows[::2]:
            milestone_services.milestone_complete(
                milestone=second, user=admin, completed_on=date(2026, 3, 1)
            )
            make_update(objective, user=admin, reported_on=date(2026, 3, 1))
    return plan


def publish_plan(plan, *, user, on: date | None = None):
    """Publish a draft plan (drafts are for administrators only)."""
    from objectives.history import save_with_history

    day = on or plan.starts_on
    if plan.published_on == day:
        return plan
    plan.published_on = day
    return save_with_history(plan, user=user, reason="Published")


def make_finding(plan, *, user, ref=None, source="SIF 2016", text="Too many changes of worker."):
    from impact import services as impact_services

    return impact_services.finding_create(
        user=user, plan=plan, ref=ref or f"F{_next()}", source=source, text=text
    )


def make_measure(objective, *, user, **fields):
    from decimal import Decimal

    from impact import services as impact_services

    defaults = {
        "name": f"Measure {_next()}",
        "unit": "%",
        "direction": "up",
        "baseline_value": Decimal("50"),
        "baseline_on": date(2025, 1, 1),
        "target_value": Decimal("70"),
        "target_on": date(2026, 12, 31),
    }
    defaults.update(fields)
    return impact_services.measure_create(user=user, objective=objective, **defaults)


def make_impact_samples(objective, *, admin) -> dict:
    """A finding answered by ``objective``, a measure on it and a file of evidence."""
    from impact import evidence_services as impact_evidence_services
    from impact import services as impact_services

    finding = make_finding(objective.plan, user=admin)
    impact_services.finding_set_objectives(user=admin, finding=finding, objectives=[objective])
    measure = make_measure(objective, user=admin)
    evidence = impact_evidence_services.evidence_add_file(
        user=admin, objective=objective, title="Minutes", name="minutes.txt", data=b"Minutes."
    )
    return {"finding": finding, "measure": measure, "evidence": evidence}
