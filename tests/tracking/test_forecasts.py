"""The likely finish as of D on a small built plan: the read (live and from history, kept past
days), the API keys, the objective page, the dashboard, the board pack and fixed query counts.

The plan: ten milestones first recorded on 5 January 2026, each agreed 20 days later and done
20 + 2i days after (overruns 0.0 to 0.9, the last done on 12 February), so from 12 February the
class is ten, r50 = 0.4 and r80 = 0.7; one more done on 30 January was planned for 13 days and
never counts. Objective 2.1 (target 31 July 2026) has one open milestone due 21 July 2026.
"""

import re
from datetime import date, timedelta
from fractions import Fraction
from io import StringIO

import pytest
from django.core.cache import cache
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from milestones import services as milestone_services
from objectives.forecast import Forecast
from tests import factories
from tests.factories import london
from tracking import backtest, forecasts

FIRST = date(2026, 1, 5)
TODAY = date(2026, 6, 1)
NINE_DONE = date(2026, 2, 11)  # the tenth is done on 12 February
DUE = date(2026, 7, 21)
TARGET = date(2026, 7, 31)


def add_finished(objective, *, first: date, planned: int, taken: int, title: str):
    milestone = milestone_services.milestone_create(
        user=None,
        objective=objective,
        title=title,
        due_date=first + timedelta(days=planned),
        recorded_at=london(first, 9),
    )
    done = first + timedelta(days=taken)
    return milestone_services.milestone_complete(
        milestone=milestone, user=None, completed_on=done, recorded_at=london(done, 16)
    )


@pytest.fixture
def plan(db, clock, admin_user, manager):
    with clock(date(2026, 1, 2)):
        plan = factories.make_plan(user=admin_user, starts_on=date(2025, 12, 1))
        done = factories.make_objective(
            plan, user=admin_user, ref="1.1", owner=manager, starts_on=date(2026, 1, 1)
        )
        late = factories.make_objective(
            plan,
            user=admin_user,
            ref="2.1",
            title="Open a family hub",
            owner=manager,
            starts_on=date(2026, 1, 1),
            target_date=TARGET,
        )
    with clock(TODAY):
        for i in range(10):
            add_finished(done, first=FIRST, planned=20, taken=20 + 2 * i, title=f"Step {i}")
        add_finished(done, first=FIRST, planned=13, taken=25, title="Short step")
        milestone_services.milestone_create(
            user=None,
            objective=late,
            title="Hub opens",
            due_date=DUE,
            recorded_at=london(FIRST, 9),
        )
    return plan


def test_the_class_today_from_the_live_rows(plan, clock):
    with clock(TODAY):
        assert forecasts.reference_class(plan, TODAY) == Forecast(
            10, Fraction(2, 5), Fraction(7, 10)
        )


def test_nine_vs_ten_on_past_days_and_the_short_milestone_never_counts(plan, clock):
    with clock(TODAY):
        before = forecasts.reference_class(plan, NINE_DONE)
        after = forecasts.reference_class(plan, NINE_DONE + timedelta(days=1))
    assert before == Forecast(9)
    assert after == Forecast(10, Fraction(2, 5), Fraction(7, 10))


def test_a_past_day_reads_the_same_as_the_live_rows_did(plan, clock):
    with clock(TODAY):
        live = forecasts.reference_class(plan, TODAY)
    with clock(TODAY + timedelta(days=1)):
        past = forecasts.reference_class(plan, TODAY)
        kept = forecasts.reference_class(plan, TODAY)
    assert live == past == kept


def test_a_backdated_completion_changes_a_kept_past_day(plan, clock):
    """The kept day is found again only under the same generation."""
    with clock(TODAY):
        assert forecasts.reference_class(plan, NINE_DONE).class_size == 9
        objective = plan.objectives.get(ref="1.1")
        add_finished(objective, first=FIRST, planned=30, taken=31, title="Found later")
        assert forecasts.reference_class(plan, NINE_DONE).class_size == 10


def get_api(client, user, plan, as_of=None):
    client.force_login(user)
    params = {"plan": plan.pk, **({"as_of": as_of.isoformat()} if as_of else {})}
    return client.get("/api/drift/", params).json()


def test_api_keys_today(client, clock, leader, plan):
    with clock(TODAY):
        body = get_api(client, leader, plan)
    assert body["forecast"] == {"class_size": 10, "r50": 0.4, "r80": 0.7}
    rows = {row["ref"]: row for row in body["objectives"]}
    # 50 days to go: ceil(50 × 1.4) = 70 and ceil(50 × 1.7) = 85 days from 1 June.
    assert rows["2.1"]["likely_finish"] == "2026-08-10"
    assert rows["2.1"]["likely_finish_80"] == "2026-08-25"
    (hub,) = rows["2.1"]["milestones"]
    assert (hub["likely_finish"], hub["likely_finish_80"]) == ("2026-08-10", "2026-08-25")
    # Everything of 1.1 is complete: no likely finish.
    assert rows["1.1"]["likely_finish"] is None
    assert {m["likely_finish_80"] for m in rows["1.1"]["milestones"]} == {None}


def test_api_on_past_days(client, clock, leader, plan):
    with clock(TODAY):
        nine = get_api(client, leader, plan, NINE_DONE)
        march = get_api(client, leader, plan, date(2026, 3, 1))
    assert nine["forecast"] == {"class_size": 9, "r50": None, "r80": None}
    assert {row["likely_finish"] for row in nine["objectives"]} == {None}
    rows = {row["ref"]: row for row in march["objectives"]}
    # 142 days to go on 1 March: ceil(142 × 1.4) = 199, ceil(142 × 1.7) = 242.
    assert rows["2.1"]["likely_finish"] == (date(2026, 3, 1) + timedelta(days=199)).isoformat()
    assert rows["2.1"]["likely_finish_80"] == (date(2026, 3, 1) + timedelta(days=242)).isoformat()


def test_an_overdue_milestone_has_one_day_remaining(client, clock, leader, plan):
    with clock(date(2026, 8, 1)):
        body = get_api(client, leader, plan)
    (row,) = [r for r in body["objectives"] if r["ref"] == "2.1"]
    # Overdue by 11 days: remaining is 1, so ceil(1.4) = 2 and ceil(1.7) = 2 days.
    assert (row["likely_finish"], row["likely_finish_80"]) == ("2026-08-03", "2026-08-03")


def test_the_objective_page_today_and_on_a_past_day(client, clock, leader, plan):
    objective = plan.objectives.get(ref="2.1")
    client.force_login(leader)
    with clock(TODAY):
        today = client.get(f"/objectives/{objective.pk}/").content.decode()
        past = client.get(f"/objectives/{objective.pk}/", {"as_of": "2026-02-11"})
    assert (
        "Likely to finish around 10 August 2026; 4 in 5 similar milestones finished by "
        "25 August 2026." in today
    )
    assert "not enough finished milestones yet (9 of the 10 needed)" in past.content.decode()
    assert "Likely to finish around" not in past.content.decode()


def test_the_objective_page_shows_a_new_likely_finish_when_another_objective_finishes_one(
    client, clock, leader, plan
):
    """The likely finish is kept drawn under the plan's milestones' latest record: a milestone
    finished in another objective of the plan changes it at once."""
    objective = plan.objectives.get(ref="2.1")
    client.force_login(leader)
    with clock(TODAY):
        before = client.get(f"/objectives/{objective.pk}/").content.decode()
        done = plan.objectives.get(ref="1.1")
        add_finished(done, first=FIRST, planned=20, taken=60, title="Slow step")
        after = client.get(f"/objectives/{objective.pk}/").content.decode()
    assert "A forecast from the 10 milestones" in before
    assert "A forecast from the 11 milestones" in after
    assert "Likely to finish around 10 August 2026" in before
    assert "Likely to finish around 10 August 2026" not in after


def test_the_dashboard_counts_and_lists_objectives_likely_after_target(client, clock, leader, plan):
    client.force_login(leader)
    with clock(TODAY):
        html = client.get("/dashboard/", {"plan": plan.pk}).content.decode()
        before = client.get("/dashboard/", {"plan": plan.pk, "as_of": "2026-02-11"})
    assert "1 objective likely to finish after its target" in html
    assert "2.1 Open a family hub</a>: target 31 July 2026, likely around 10 August 2026" in html
    assert "not enough finished milestones yet" in before.content.decode()


def test_the_board_pack_has_the_section(client, clock, leader, plan):
    client.force_login(leader)
    with clock(TODAY):
        html = client.get("/dashboard/report/", {"plan": plan.pk}).content.decode()
    assert 'id="likely-finish"' in html
    assert "1 objective likely to finish after its target" in html
    assert "2.1 Open a family hub: target 31 July 2026, likely around 10 August 2026" in html


def _queries(plan, day) -> int:
    cache.clear()
    with CaptureQueriesContext(connection) as captured:
        forecasts.reference_class(plan, day)
    return len(captured)


def test_query_counts_do_not_grow_with_the_plan(plan, clock):
    with clock(TODAY):
        small = (_queries(plan, TODAY), _queries(plan, date(2026, 3, 1)))
        objective = plan.objectives.get(ref="1.1")
        for i in range(15):
            add_finished(objective, first=FIRST, planned=30, taken=40 + i, title=f"More {i}")
    with clock(TODAY):
        large = (_queries(plan, TODAY), _queries(plan, date(2026, 3, 2)))
    assert small == large
    assert small[0] <= 4 and small[1] <= 4


# --- the backtest -------------------------------------------------------------------------------


HORIZONS = {"90", "60", "30"}


@pytest.fixture
def backtest_plan(plan, clock):
    """One more milestone, added on 20 February due 30 April, moved on 15 March to 10 May and
    done on 20 May."""
    with clock(TODAY):
        objective = plan.objectives.get(ref="2.1")
        milestone = milestone_services.milestone_create(
            user=None,
            objective=objective,
            title="Staff the hub",
            due_date=date(2026, 4, 30),
            recorded_at=london(date(2026, 2, 20), 9),
        )
        milestone = milestone_services.milestone_reschedule(
            milestone=milestone,
            user=None,
            due_date=date(2026, 5, 10),
            reason="Recruitment took longer",
            recorded_at=london(date(2026, 3, 15), 9),
        )
        milestone_services.milestone_complete(
            milestone=milestone,
            user=None,
            completed_on=date(2026, 5, 20),
            recorded_at=london(date(2026, 5, 20), 16),
        )
    return plan


def test_backtest_figures_on_a_small_plan(backtest_plan, clock):
    with clock(TODAY):
        result = backtest.backtest(backtest_plan, TODAY)
    assert result.completed == 12
    h90, h60, h30 = result.horizons
    assert (h90.days, h90.compared, h90.not_recorded, h90.no_forecast) == (90, 0, 12, 0)
    assert h90.owner_mae is None and h90.likely_within is None
    # 21 March: due 10 May, 50 days to go, likely ceil(50 × 1.4) = 70 days on: 30 May.
    assert (h60.compared, h60.not_recorded, h60.no_forecast) == (1, 11, 0)
    assert (h60.owner_errors, h60.likely_errors) == ((10,), (10,))
    # 20 April: 20 days to go, likely 28 days on: 18 May, two days early. Five of the ten were
    # open 30 days before completion, when nothing was finished yet: no forecast.
    assert (h30.compared, h30.not_recorded, h30.no_forecast) == (1, 6, 5)
    assert (h30.owner_mae, h30.likely_mae) == (10, 2)
    assert (h30.owner_within, h30.likely_within) == (1, 1)


def test_backtest_command_prints_a_table(backtest_plan, clock):
    out = StringIO()
    with clock(TODAY):
        call_command("forecast_backtest", plan=str(backtest_plan.pk), stdout=out)
    lines = out.getvalue().splitlines()
    rows = {line.split()[0]: line.split() for line in lines if line.strip()[:2] in HORIZONS}
    assert rows["90"] == ["90", "0", "-", "-", "-", "-", "12", "0"]
    assert rows["60"] == ["60", "1", "10.0", "100%", "10.0", "100%", "11", "0"]
    assert rows["30"] == ["30", "1", "10.0", "100%", "2.0", "100%", "6", "5"]
    assert "Milestones completed after 1 June 2025 up to 1 June 2026: 12" in out.getvalue()


@pytest.mark.parametrize("value", ["x", "", "1.5", "-1", "١٢", "9" * 40, "999999"])
def test_backtest_command_refuses_a_bad_plan_id(db, value):
    with pytest.raises(CommandError) as error:
        call_command("forecast_backtest", plan=value, stdout=StringIO())
    assert "plan" in str(error.value)


def test_backtest_command_needs_a_plan(db):
    with pytest.raises(CommandError, match="--plan"):
        call_command("forecast_backtest", stdout=StringIO())


@pytest.mark.parametrize(
    "day", [NINE_DONE, NINE_DONE + timedelta(days=1), date(2026, 3, 1), TODAY - timedelta(days=1)]
)
def test_one_answer_on_every_surface_for_a_day(client, clock, leader, plan, day):
    """The API, the objective page, the dashboard and the pack agree on 2.1's likely finish."""
    objective = plan.objectives.get(ref="2.1")
    client.force_login(leader)
    query = {"plan": plan.pk, "as_of": day.isoformat()}
    with clock(TODAY):
        body = client.get("/api/drift/", query).json()
        page = client.get(f"/objectives/{objective.pk}/", {"as_of": day.isoformat()})
        board = client.get("/dashboard/", query).content.decode()
        pack = client.get("/dashboard/report/", query).content.decode()
    (row,) = [r for r in body["objectives"] if r["ref"] == "2.1"]
    marker = re.search(r'data-likely-finish="([^"]*)"', page.content.decode())
    assert marker.group(1) == (row["likely_finish"] or "")
    if row["likely_finish"] is None:
        assert body["forecast"]["class_size"] == 9
        for html in (board, pack):
            assert "not enough finished milestones yet (9 of the 10 needed)" in html
        return
    words = f"{date.fromisoformat(row['likely_finish']):%-d %B %Y}"
    for html in (board, pack):
        assert f"target 31 July 2026, likely around {words}" in html


def test_a_milestone_finished_today_joins_the_class_with_its_first_day(plan, clock, admin_user):
    """First recorded days are kept once read; a milestone not kept yet is read then."""
    with clock(TODAY):
        assert forecasts.reference_class(plan, TODAY).class_size == 10
        objective = plan.objectives.get(ref="2.1")
        quick = milestone_services.milestone_create(
            user=admin_user, objective=objective, title="Sign the lease", due_date=TARGET
        )
        milestone_services.milestone_complete(milestone=quick, user=admin_user, completed_on=TODAY)
        with CaptureQueriesContext(connection) as captured:
            result = forecasts.reference_class(plan, TODAY)
    # Done on the day it was added, 60 days early: an overrun of -1, the lowest of eleven.
    assert result == Forecast(11, Fraction(2, 5), Fraction(7, 10))  # the 6th and the 9th
    assert len(captured) == 4  # nothing recorded after today, generation, rows, the new one
