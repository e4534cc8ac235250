""" "Owners with the most red" shows ten and says how many there are, linking to the rest."""

from datetime import date

import pytest

from tests import factories

from .test_views import get, text

pytestmark = pytest.mark.django_db


def _late_objectives(clock, admin, count):
    with clock(date(2026, 2, 1)):
        plan = factories.make_plan(user=admin, starts_on=date(2025, 1, 1))
        _add_late(plan, admin, count)


def _add_late(plan, admin, count):
    for n in range(count):
        owner = factories.make_manager(f"owner_{n}", first_name=f"Owner{n}", last_name="Late")
        factories.make_objective(
            plan,
            user=admin,
            owner=owner,
            ref=f"9.{n}",
            starts_on=date(2025, 1, 1),
            target_date=date(2026, 1, 1),  # before the clock's today: red
        )


def test_twelve_owners_with_red_say_ten_of_twelve_and_link_to_the_rest(
    client, clock, leader, admin_user
):
    _late_objectives(clock, admin_user, 12)
    response = get(client, leader, clock)
    words = text(response)
    assert "10 of the 12 owners with a red or amber objective" in words
    assert "Showing 10 of 12 owners." in words
    assert "See the other 2 on who is accountable" in words
    assert 'href="/dashboard/accountability/"' in response.content.decode()


def test_a_few_owners_are_all_shown_without_a_count(client, clock, leader, admin_user):
    _late_objectives(clock, admin_user, 3)
    words = text(get(client, leader, clock))
    assert "Showing" not in words.split("Owners with the most red objectives")[-1]
    assert "See every owner and their objectives" in words
