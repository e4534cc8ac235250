"""The same thing saved twice, or by someone else between the check and the save: every service
refuses it with a ValidationError on the field, in the words of the form, never an
IntegrityError (``objectives.history.save_with_history``)."""

import re
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import connection

from board import services as board_services
from board.models import BoardMeeting
from impact import services as impact_services
from impact import value_services as impact_value_services
from impact.models import Finding, MeasureValue
from objectives import services
from objectives.models import Objective, Theme
from objectives.permissions import MANAGERS
from people import services as people_services
from reminders import services as reminder_services
from reminders.models import Preference
from tests import factories

pytestmark = pytest.mark.django_db
TODAY = date(2025, 7, 10)


@contextmanager
def someone_else_saves_after_the_check(table: str, save: Callable[[], object]):
    """Run ``save`` (someone else's) just after the next uniqueness look-up on ``table``, so
    that look-up finds nothing and the database's unique constraint has the last word."""
    look_up = re.compile(r'SELECT \S+ AS "a" FROM "' + re.escape(table) + '" ')  # noqa: S608
    fired = []

    def between(execute, sql, params, many, context):
        result = execute(sql, params, many, context)
        if not fired and look_up.match(sql):
            fired.append(sql)
            save()
        return result

    with connection.execute_wrapper(between):
        yield
    assert fired, f"no uniqueness look-up on {table}"


@dataclass
class Case:
    create: Callable[[], object]  # the service call, the same for both people
    table: str
    rows: Callable[[], object]  # the rows holding the value
    errors: dict[str, list[str]]


def theme(admin) -> Case:
    plan = factories.make_plan(user=admin)
    return Case(
        lambda: services.theme_create(user=admin, plan=plan, name="Workforce"),
        "objectives_theme",
        lambda: Theme.objects.filter(plan=plan, name="Workforce"),
        {"name": ["This plan already has a theme with that name"]},
    )


def objective(admin) -> Case:
    plan = factories.make_plan(user=admin)
    return Case(
        lambda: services.objective_create(
            user=admin, plan=plan, ref="2.3", title="Caseloads", target_date=date(2026, 3, 31)
        ),
        "objectives_objective",
        lambda: Objective.objects.filter(plan=plan, ref="2.3"),
        {"ref": ["This plan already has an objective 2.3"]},
    )


def finding(admin) -> Case:
    plan = factories.make_plan(user=admin)
    return Case(
        lambda: impact_services.finding_create(
            user=admin, plan=plan, ref="F3", source="SIF 2016", text="Too many workers."
        ),
        "impact_finding",
        lambda: Finding.objects.filter(plan=plan, ref="F3"),
        {"ref": ["The plan already has a finding F3: choose another"]},
    )


def measure_value(admin) -> Case:
    measure = factories.make_measure(factories.make_objective(user=admin), user=admin)
    return Case(
        lambda: impact_value_services.measure_value_create(
            user=admin, measure=measure, period_end=date(2025, 6, 30), value=Decimal(61)
        ),
        "impact_measurevalue",
        lambda: MeasureValue.objects.filter(measure=measure, period_end=date(2025, 6, 30)),
        {"period_end": ["A value for the period ending 30 June 2025 is already recorded"]},
    )


def board_meeting(admin) -> Case:
    plan = factories.make_plan(user=admin)
    return Case(
        lambda: board_services.board_meeting_create(
            user=admin, plan=plan, held_on=date(2025, 6, 3), name="Improvement board"
        ),
        "board_boardmeeting",
        lambda: BoardMeeting.objects.filter(plan=plan, held_on=date(2025, 6, 3)),
        {"held_on": ["The board already meets on that day in this plan"]},
    )


def person(admin) -> Case:
    managers = Group.objects.get_or_create(name=MANAGERS)[0]
    return Case(
        lambda: people_services.person_create(
            user=admin,
            username="sam.jones",
            first_name="Sam",
            last_name="Jones",
            email="sam.jones@example.org",
            roles=[managers],
            password="",
        ),
        "auth_user",
        lambda: User.objects.filter(username="sam.jones"),
        {"username": ["That username is taken; choose another"]},
    )


CASES = [theme, objective, finding, measure_value, board_meeting, person]


@pytest.mark.parametrize("build", CASES, ids=[build.__name__ for build in CASES])
def test_the_second_of_two_saves_is_told_in_the_forms_words(build, admin_user, clock):
    with clock(TODAY):
        case = build(admin_user)
        case.create()
        with pytest.raises(ValidationError) as refused:
            case.create()
    assert refused.value.message_dict == case.errors
    assert case.rows().count() == 1


@pytest.mark.parametrize("build", CASES, ids=[build.__name__ for build in CASES])
def test_a_save_made_between_the_check_and_this_save_is_told_in_the_forms_words(
    build, admin_user, clock
):
    with clock(TODAY):
        case = build(admin_user)
        with (
            someone_else_saves_after_the_check(case.table, case.create),
            pytest.raises(ValidationError) as refused,
        ):
            case.create()
    assert refused.value.message_dict == case.errors
    # The connection is still usable. (Here the other save shares this connection, so the
    # refused service's rollback takes it too; tests/hostile/test_concurrent_creates.py keeps
    # it, on PostgreSQL.)
    assert case.rows().count() == 0


def test_email_choices_saved_at_the_same_moment_elsewhere_are_refused_not_doubled(manager):
    def save(daily: bool):
        return lambda: reminder_services.preference_update(
            user=manager, person=manager, daily_reminder=daily, weekly_digest=True
        )

    with (
        someone_else_saves_after_the_check("reminders_preference", save(False)),
        pytest.raises(ValidationError) as refused,
    ):
        save(True)()
    assert refused.value.messages == [
        "Your email choices were being saved from another page at the same time. "
        "Check them and save again."
    ]
    assert not Preference.objects.filter(user=manager).exists()
