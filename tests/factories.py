"""Factories that build rows through the project's services, so history is always recorded."""

from datetime import date, timedelta

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


def make_plan(*, user=None, **fields):
    defaults = {
        "name": f"Improvement plan {_next()}",
        "organisation": "Example Borough Council",
        "starts_on": date(2025, 1, 1),
        "ends_on": date(2027, 12, 31),
    }
    defaults.update(fields)
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
