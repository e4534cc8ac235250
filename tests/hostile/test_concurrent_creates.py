"""Several people creating the same thing at the same moment: one is saved, the others see the
form's own message, never a 500.

Each round starts six requests together (a barrier) through the Django test client, each thread
on its own database connection. The form's check passes for all of them; the unique constraint
stops all but the first, and the service tells the rest what the form would have said.
"""

import re
import threading
from dataclasses import dataclass
from datetime import date

import pytest
from django.contrib.auth.models import Group, User
from django.db import connection
from django.test import Client
from django.utils.html import escape

from board.models import BoardMeeting
from impact.models import Finding, MeasureValue
from objectives.models import Objective, Theme
from objectives.permissions import MANAGERS
from reminders.models import Preference
from tests import factories

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="concurrent writers need PostgreSQL; SQLite serialises them (see "
        "tests/test_sqlite_concurrency.py) and the service-level tests run there",
    ),
    pytest.mark.django_db(transaction=True),
]

THREADS = 6
ROUNDS = 3


def _clients(user, count: int = THREADS) -> list[Client]:
    clients = []
    for _ in range(count):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        clients.append(client)
    return clients


def post_together(clients: list[Client], url: str | list[str], data: dict | list[dict]) -> list:
    """Post ``data`` to ``url`` (or each client its own data to its own url) from every client
    at the same moment; the responses in order."""
    urls = [url] * len(clients) if isinstance(url, str) else url
    posted = [data] * len(clients) if isinstance(data, dict) else data
    start = threading.Barrier(len(clients))
    responses: list = [None] * len(clients)

    def post(i: int) -> None:
        try:
            start.wait(timeout=30)
            responses[i] = clients[i].post(urls[i], posted[i])
        except Exception as error:  # noqa: BLE001 - reported in the assertions
            responses[i] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=post, args=(i,)) for i in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return responses


@dataclass
class Case:
    url: str
    data: dict
    message: str
    stored: object  # () -> int: how many rows hold the value

    def run(self, clients) -> list:
        return post_together(clients, self.url, self.data)


def _date(name: str, day: date) -> dict:
    return {f"{name}_day": day.day, f"{name}_month": day.month, f"{name}_year": day.year}


def measure_value(admin, round_: int) -> Case:
    objective = factories.make_objective(user=admin, ref=f"{round_}.1")
    measure = factories.make_measure(objective, user=admin)
    period_end = date(2025, 6, 30)
    return Case(
        f"/measures/{measure.pk}/values/new/",
        {**_date("period_end", period_end), "value": "61", "note": ""},
        "A value for the period ending 30 June 2025 is already recorded",
        lambda: MeasureValue.objects.filter(measure=measure, period_end=period_end).count(),
    )


def board_meeting(admin, round_: int) -> Case:
    plan = factories.make_plan(user=admin)
    held_on = date(2026, 6, round_ + 1)
    return Case(
        f"/manage/plans/{plan.pk}/board-meetings/",
        {"name": "Improvement board", **_date("held_on", held_on)},
        "The board already meets on that day in this plan",
        lambda: BoardMeeting.objects.filter(plan=plan, held_on=held_on).count(),
    )


def finding(admin, round_: int) -> Case:
    plan = factories.make_plan(user=admin)
    ref = f"F{round_}"
    return Case(
        f"/manage/findings/plan/{plan.pk}/new/",
        {"ref": ref, "source": "SIF 2016", "text": "Too many changes of worker."},
        f"The plan already has a finding {ref}: choose another",
        lambda: Finding.objects.filter(plan=plan, ref=ref).count(),
    )


def person(admin, round_: int) -> Case:
    managers = Group.objects.get_or_create(name=MANAGERS)[0]
    username = f"sam.jones{round_}"
    return Case(
        "/manage/people/new/",
        {
            "username": username,
            "first_name": "Sam",
            "last_name": "Jones",
            "email": f"{username}@example.org",
            "roles": [managers.pk],
        },
        "That username is taken; choose another",
        lambda: User.objects.filter(username=username).count(),
    )


def objective(admin, round_: int) -> Case:
    plan = factories.make_plan(user=admin)
    ref = f"2.{round_}"
    return Case(
        f"/manage/plans/{plan.pk}/objectives/new/",
        {
            "ref": ref,
            "title": "Reduce caseloads",
            "theme": "",
            "description": "",
            "source": "",
            "owner": "",
            **_date("starts_on", date(2025, 4, 1)),
            **_date("target_date", date(2026, 3, 31)),
        },
        f"This plan already has an objective {ref}",
        lambda: Objective.objects.filter(plan=plan, ref=ref).count(),
    )


def theme(admin, round_: int) -> Case:
    plan = factories.make_plan(user=admin)
    name = f"Workforce {round_}"
    return Case(
        f"/manage/plans/{plan.pk}/themes/new/",
        {"name": name, "order": "1"},
        "This plan already has a theme with that name",
        lambda: Theme.objects.filter(plan=plan, name=name).count(),
    )


CREATES = [measure_value, board_meeting, finding, person, objective, theme]


def _summary(message: str, responses: list) -> list[str]:
    """What each person saw: "created", "told", or what went wrong instead."""
    seen = []
    for response in responses:
        status = getattr(response, "status_code", None)
        if status == 302:
            seen.append("created")
        elif status == 200 and escape(message) in response.content.decode():
            seen.append("told")
        elif status == 200:
            errors = re.findall(r'error-summary__list">(.*?)</ul>', response.content.decode(), re.S)
            seen.append(f"200 without the message: {' '.join(errors)!r}")
        else:
            seen.append(str(status) if status else repr(response))
    return seen


@pytest.mark.parametrize("build", CREATES, ids=[build.__name__ for build in CREATES])
def test_one_is_created_and_the_others_see_the_forms_message(build):
    admin = factories.make_admin("race_admin")
    clients = _clients(admin)
    seen, stored = [], []
    for round_ in range(1, ROUNDS + 1):
        case = build(admin, round_)
        seen += _summary(case.message, case.run(clients))
        stored.append(case.stored())
    assert sorted(seen) == ["created"] * ROUNDS + ["told"] * (ROUNDS * (THREADS - 1)), seen
    assert stored == [1] * ROUNDS


def test_a_person_saving_their_email_choices_twice_at_once_gets_one_row():
    # A leader is offered both choices (the digest is not offered to managers).
    leader = factories.make_leader("race_leader")
    responses = post_together(_clients(leader), "/account/", {"daily_reminder": "on"})
    failures = [getattr(r, "status_code", repr(r)) for r in responses]
    assert [f for f in failures if f not in (200, 302)] == []
    for response in responses:
        if response.status_code == 200:
            assert "There is a problem" in response.content.decode()
    assert Preference.objects.filter(user=leader).count() == 1
    assert Preference.objects.get(user=leader).daily_reminder is True
    assert Preference.objects.get(user=leader).weekly_digest is False


def test_themes_renamed_to_the_same_name_at_once_keep_one_and_tell_the_rest():
    admin = factories.make_admin("race_admin")
    plan = factories.make_plan(user=admin)
    themes = [factories.make_theme(plan, user=admin, name=f"Theme {i}") for i in range(THREADS)]
    urls = [f"/manage/themes/{theme.pk}/edit/" for theme in themes]
    data = [{"name": "Workforce", "order": "1", "version": theme.version} for theme in themes]
    responses = post_together(_clients(admin), urls, data)
    seen = _summary("This plan already has a theme with that name", responses)
    assert sorted(seen) == ["created"] + ["told"] * (THREADS - 1), seen
    assert Theme.objects.filter(plan=plan, name="Workforce").count() == 1
