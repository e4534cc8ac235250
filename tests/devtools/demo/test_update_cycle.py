"""The demo's board calendar: the last board about four weeks ago, the next in a fortnight with
some owners' updates for it in and some missing, on every surface; seeding twice adds nothing."""

import io
from datetime import date, timedelta

import pytest
from django.core.management import call_command

from board import update_cycle
from board.models import BoardMeeting
from board.selectors import comparison_date
from objectives.models import Plan, ProgressUpdate
from tests import factories

TODAY = date(2026, 3, 12)


def _seed() -> None:
    call_command("seed_demo", "--force", stdout=io.StringIO())


@pytest.mark.django_db
def test_the_demo_has_a_board_in_a_fortnight_with_updates_missing(clock, client):
    with clock(TODAY, hour=8):
        _seed()
        meetings, updates = BoardMeeting.objects.count(), ProgressUpdate.objects.count()
        _seed()  # twice: nothing more
        assert (BoardMeeting.objects.count(), ProgressUpdate.objects.count()) == (
            meetings,
            updates,
        )
        plan = Plan.objects.get()
        cycle = update_cycle.update_cycle(plan, TODAY)
        assert cycle.held_on == TODAY + timedelta(days=14)
        assert cycle.window.first == TODAY
        assert 0 < cycle.in_count < cycle.total  # some in, some missing
        assert len(cycle.missing) >= 3
        # compared with the last board, about four weeks back (not yesterday)
        assert comparison_date(plan, TODAY).day == TODAY - timedelta(days=28)
        client.force_login(factories.make_leader("demo_viewer"))
        page = client.get("/dashboard/").content.decode()
    assert cycle.headline in page
    assert f"Updates for the board on {cycle.held_on:%-d %B %Y}" in cycle.headline
