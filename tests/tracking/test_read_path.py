"""One read path: today from the live rows equals the replay of history for today (on the demo
data and on randomised plans), and past days are worked out once, kept in Django's cache and
made cold only by history written for them."""

import contextlib
import io
import random
from datetime import date, timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from milestones import dependencies as milestone_dependencies
from milestones import services as milestone_services
from milestones.models import Milestone
from objectives import services as objective_services
from objectives.history import save_with_history
from objectives.models import Objective, Plan
from tests import factories
from tracking import live as live_rows
from tracking import pastdays, selectors
from tracking.api import objective_json
from tracking.replay import PlanHistory, end_of_day

pytestmark = pytest.mark.django_db
User = get_user_model()


def picture(result) -> list:
    """Everything drift says of a plan on a day, in a form both reads can be compared in."""
    return [
        (
            objective_json(row),
            row.state.owner_name,
            row.state.owner_active,
            row.state.last_reported_on,
            row.worst_days,
            [(m.due_soon, m.days_to_go) for m in row.milestones],
        )
        for row in result.objectives
    ] + [result.rules, result.summary]


def live_and_replayed(plan, day):
    assert not live_rows.recorded_after(plan, end_of_day(day))  # so today is read live
    live = selectors.plan_drift(plan, day)
    replayed = PlanHistory(plan, end_of_day(day)).drift_at(day)
    return picture(live), picture(replayed)


def queries(fn):
    with CaptureQueriesContext(connection) as captured:
        result = fn()
    return result, len(captured)


# --- today: live rows == replay ---------------------------------------------------------------


def test_today_from_the_live_rows_equals_the_replay_on_the_demo_data(clock):
    with clock(date(2026, 3, 10), 10, 30):
        call_command("seed_demo", "--force", stdout=io.StringIO())
        plan = Plan.objects.get()
        today = timezone.localdate()
        live, replayed = live_and_replayed(plan, today)
        assert live == replayed
        assert len(live) > 20
        for user in User.objects.filter(owned_objectives__isnull=False).distinct():
            rows = selectors.objectives_drift_for_owner(user)
            assert {r.id for r in rows} == {
                r["id"] for r, *_ in live[:-2] if r["owner"] == user.username
            }


def _random_plan(clock, rng: random.Random, admin):
    start = date(2026, 1, 5)
    with clock(start):
        owners = [factories.make_manager() for _ in range(3)]
        plan = factories.make_plan(
            user=admin,
            slip_tolerance_days=rng.choice([7, 28]),
            stale_after_days=rng.choice([14, 42]),
            due_soon_days=rng.choice([7, 14, 30]),
        )
        themes = [factories.make_theme(plan, user=admin) for _ in range(2)]
    objectives, milestones = [], []
    moment = factories.london(start, 13)
    for step in range(60):
        moment += timedelta(minutes=rng.randint(1, 5000))  # history in the order it was written
        day = timezone.localdate(moment)
        with clock(moment):
            choice = rng.random()
            if not objectives or choice < 0.12:
                objectives.append(
                    factories.make_objective(
                        plan,
                        user=admin,
                        ref=f"{len(objectives) + 1}.1",
                        owner=rng.choice([*(o for o in owners if o.is_active), None]),
                        theme=rng.choice([*themes, None]),
                        starts_on=day - timedelta(days=rng.randint(0, 30)),
                        target_date=day + timedelta(days=rng.randint(10, 200)),
                    )
                )
            elif choice < 0.35:
                objective = Objective.objects.get(pk=rng.choice(objectives).pk)
                due = day + timedelta(days=rng.randint(-5, 90))
                due = min(max(due, day), objective.target_date)  # agreed inside the timescale
                if due >= day:
                    milestones.append(factories.make_milestone(objective, user=admin, due_date=due))
            elif choice < 0.55 and milestones:
                m = Milestone.objects.get(pk=rng.choice(milestones).pk)
                if m.completed_on is None and m.withdrawn_on is None:
                    new = m.due_date + timedelta(days=rng.choice([-6, -1, 3, 10, 30]))
                    if new != m.due_date:
                        with contextlib.suppress(ValidationError):  # refused moves change nothing
                            milestone_services.milestone_reschedule(
                                milestone=m, user=admin, due_date=new, reason="Moved"
                            )
            elif choice < 0.65 and milestones:
                m = Milestone.objects.get(pk=rng.choice(milestones).pk)
                if m.completed_on is None and m.withdrawn_on is None:
                    milestone_services.milestone_complete(milestone=m, user=admin, completed_on=day)
            elif choice < 0.75:
                objective = rng.choice(objectives)
                factories.make_update(
                    objective,
                    user=admin,
                    reported_on=max(day - timedelta(days=rng.randint(0, 3)), objective.starts_on),
                    rag=rng.choice(["red", "amber", "green"]),
                )
            elif choice < 0.8:
                owner = rng.choice(owners)
                owner.is_active = not owner.is_active
                owner.first_name = f"Name{step}"
                owner.save()
            elif choice < 0.85 and milestones:
                m = Milestone.objects.get(pk=rng.choice(milestones).pk)
                if m.withdrawn_on is None:
                    m.withdrawn_on = day + timedelta(days=rng.choice([0, 0, 5]))
                    save_with_history(m, user=admin, reason="Not needed")
            elif choice < 0.88:
                o = Objective.objects.get(pk=rng.choice(objectives).pk)
                o.status = rng.choice([Objective.Status.WITHDRAWN, Objective.Status.COMPLETE])
                save_with_history(o, user=admin, reason="Closed")
            elif choice < 0.93:
                o = Objective.objects.get(pk=rng.choice(objectives).pk)
                with contextlib.suppress(ValidationError):  # refused moves change nothing
                    objective_services.objective_update(
                        objective=o,
                        user=admin,
                        target_date=o.target_date + timedelta(days=rng.randint(-20, 20)),
                        reason="Moved",
                    )
            else:
                objective_services.plan_update(
                    plan=Plan.objects.get(pk=plan.pk),
                    user=admin,
                    slip_tolerance_days=rng.choice([7, 14, 28]),
                    reason="Tolerance agreed",
                )
    return Plan.objects.get(pk=plan.pk), day


@pytest.mark.parametrize("seed", range(6))
def test_today_from_the_live_rows_equals_the_replay_on_random_plans(clock, admin_user, seed):
    rng = random.Random(seed)
    plan, last = _random_plan(clock, rng, admin_user)
    for today in (last, last + timedelta(days=1), last + timedelta(days=20)):
        with clock(today, 23, 0):
            live, replayed = live_and_replayed(plan, today)
            assert live == replayed, (seed, today)


def test_live_reads_take_a_fixed_number_of_queries(clock, admin_user, manager):
    plans = []
    for count in (2, 12):
        plans.append(
            factories.make_plan_with_history(
                clock, admin=admin_user, owners=[manager], count=count, name=f"Plan {count}"
            )
        )
    with clock(date(2026, 4, 10)):
        counts = [queries(lambda p=p: selectors.plan_drift(p))[1] for p in plans]
        again = [queries(lambda p=p: selectors.plan_drift(p))[1] for p in plans]
    # The stamps, the live read's three and the finished milestones' first recorded days (read
    # once); again, with nothing written, only the stamps (tracking.today).
    assert counts[0] == counts[1] <= 5
    assert again == [1, 1]


def test_with_the_clock_set_back_today_is_read_from_history(clock, admin_user, manager):
    with clock(date(2026, 1, 5)):
        plan = factories.make_plan(user=admin_user)
        objective = factories.make_objective(
            plan, user=admin_user, owner=manager, starts_on=date(2026, 1, 1)
        )
    with clock(date(2026, 1, 10)):
        factories.make_milestone(objective, user=admin_user, due_date=date(2026, 3, 1))
    with clock(date(2026, 1, 7)):
        (row,) = selectors.plan_drift(plan).objectives
    assert row.milestones == ()
    assert row.flags == ("no_milestones",)


# --- the past: kept, and cold only when history for it is written -----------------------------

TODAY = date(2026, 4, 10)
PAST = date(2026, 3, 15)


@pytest.fixture
def two_plans(clock, admin_user, manager):
    return [
        factories.make_plan_with_history(
            clock, admin=admin_user, owners=[manager], count=3, name=name
        )
        for name in ("North", "South")
    ]


def test_a_past_day_is_replayed_once_then_kept(clock, two_plans):
    plan = two_plans[0]
    with clock(TODAY):
        first, cold = queries(lambda: selectors.plan_drift(plan, PAST))
        again, warm = queries(lambda: selectors.plan_drift(plan, PAST))
    assert cold >= 6
    assert warm == 1  # the generation, read from the database
    assert picture(again) == picture(first)
    assert picture(first) == picture(PlanHistory(plan, end_of_day(PAST)).drift_at(PAST))


def test_todays_writes_leave_past_days_warm(clock, two_plans, admin_user):
    north, south = two_plans
    with clock(TODAY):
        selectors.plan_drifts(north, {PAST}, {date(2026, 2, 28)})
        selectors.plan_drift(south, PAST)
        objective = Objective.objects.filter(plan=north).first()
        factories.make_update(objective, user=admin_user, reported_on=TODAY)
        (full, brief), warm = queries(
            lambda: selectors.plan_drifts(north, {PAST}, {date(2026, 2, 28)})
        )
        assert warm == 1  # the generation
        _, warm_south = queries(lambda: selectors.plan_drift(south, PAST))
        assert warm_south == 1
        today = selectors.plan_drift(north, TODAY)
    row = next(r for r in today.objectives if r.id == objective.pk)
    assert row.state.last_reported_on == TODAY


def test_a_backdated_write_makes_only_its_own_plan_cold(clock, two_plans, admin_user):
    north, south = two_plans
    objective = Objective.objects.filter(plan=north).order_by("id").first()
    with clock(TODAY):
        before = selectors.plan_drift(north, PAST)
        selectors.plan_drift(south, PAST)
        objective_services.progress_update_create(
            user=admin_user,
            objective=objective,
            reported_on=date(2026, 3, 14),
            rag="green",
            summary="Recorded late.",
            recorded_at=factories.london(date(2026, 3, 14)),
        )
        after, cold = queries(lambda: selectors.plan_drift(north, PAST))
        _, warm_south = queries(lambda: selectors.plan_drift(south, PAST))
    assert cold > 1 and warm_south == 1
    was = next(r for r in before.objectives if r.id == objective.pk)
    now = next(r for r in after.objectives if r.id == objective.pk)
    assert was.state.last_reported_on != date(2026, 3, 14)
    assert now.state.last_reported_on == date(2026, 3, 14)


def test_a_clock_that_goes_back_makes_kept_days_after_it_cold(clock, two_plans, manager):
    north, _ = two_plans
    with clock(TODAY):
        before = selectors.plan_drift(north, PAST)
    assert "owner_inactive" not in {f for r in before.objectives for f in r.flags}
    with clock(date(2026, 3, 1)):  # written "then" (as the tests' clock allows)
        manager.is_active = False
        manager.save()
    with clock(TODAY):
        after = selectors.plan_drift(north, PAST)
    assert all("owner_inactive" in r.flags for r in after.objectives if r.rag != "complete")


def test_a_history_record_bumps_its_plan_in_its_own_transaction(
    clock, two_plans, admin_user, django_capture_on_commit_callbacks
):
    north, south = two_plans
    objective = Objective.objects.filter(plan=north).first()
    with clock(TODAY):
        selectors.plan_drift(north, PAST)
        gens = [pastdays.generation(north.pk)]
        south_gen = pastdays.generation(south.pk)
        with django_capture_on_commit_callbacks(execute=True):
            objective_services.progress_update_create(
                user=admin_user,
                objective=objective,
                reported_on=date(2026, 3, 1),
                rag="green",
                summary="Late.",
                recorded_at=factories.london(date(2026, 3, 1)),
            )
            gens.append(pastdays.generation(north.pk))
        gens.append(pastdays.generation(north.pk))
        assert pastdays.generation(south.pk) == south_gen
    # Bumped with the record, nothing more at commit: others see it when the record commits.
    assert gens[0] != gens[1] == gens[2]


# --- due soon ----------------------------------------------------------------------------------


def test_due_soon_uses_the_plans_due_soon_days(clock, admin_user, manager):
    with clock(date(2026, 1, 5)):
        plan = factories.make_plan(user=admin_user, due_soon_days=10)
        objective = factories.make_objective(
            plan, user=admin_user, owner=manager, starts_on=date(2026, 1, 1)
        )
        for due in (date(2026, 1, 5), date(2026, 1, 15), date(2026, 1, 16)):
            factories.make_milestone(objective, user=admin_user, due_date=due)
    with clock(date(2026, 1, 5)):
        (row,) = selectors.plan_drift(plan).objectives
    assert [m.due_date for m in row.due_soon] == [date(2026, 1, 5), date(2026, 1, 15)]
    with clock(date(2026, 1, 20)):
        (row,) = selectors.plan_drift(plan, date(2026, 1, 6)).objectives
    assert [m.due_date for m in row.due_soon] == [date(2026, 1, 15), date(2026, 1, 16)]


def test_due_soon_is_shown_on_the_worklist_objective_page_and_dashboard(
    client, clock, admin_user, manager, leader
):
    with clock(date(2026, 1, 5)):
        plan = factories.make_plan(user=admin_user, due_soon_days=10)
        objective = factories.make_objective(
            plan, user=admin_user, owner=manager, starts_on=date(2026, 1, 1)
        )
        factories.make_milestone(
            objective, user=admin_user, title="Panel convened", due_date=date(2026, 1, 12)
        )
        factories.make_milestone(
            objective, user=admin_user, title="Report agreed", due_date=date(2026, 3, 1)
        )
    with clock(date(2026, 1, 6)):
        client.force_login(manager)
        worklist = client.get("/").content.decode()
        page = client.get(f"/objectives/{objective.pk}/").content.decode()
        client.force_login(leader)
        board = client.get("/dashboard/", {"plan": plan.pk}).content.decode()
    for html in (worklist, page, board):
        assert "Due soon" in html
        assert "Panel convened" in html.split("Due soon", 1)[1]
        assert "in 6 days" in html
    assert "Open milestones due in the next 10 days." in page
    assert "Report agreed" not in page.split("Due soon", 1)[1].split("</ul>", 1)[0]


def test_the_objective_page_draws_its_timeline_and_trend_afresh_after_a_change(
    client, clock, admin_user, manager
):
    with clock(date(2026, 1, 5)):
        plan = factories.make_plan(user=admin_user)
        objective = factories.make_objective(
            plan, user=admin_user, owner=manager, starts_on=date(2026, 1, 1)
        )
        milestone = factories.make_milestone(
            objective, user=admin_user, title="Panel convened", due_date=date(2026, 3, 1)
        )
    client.force_login(manager)
    with clock(date(2026, 1, 6)):
        before = client.get(f"/objectives/{objective.pk}/").content.decode()
        milestone_services.milestone_reschedule(
            milestone=milestone, user=manager, due_date=date(2026, 3, 20), reason="Venue moved"
        )
        after = client.get(f"/objectives/{objective.pk}/").content.decode()
        manager.first_name = "Morgan"
        manager.save()
        renamed = client.get(f"/objectives/{objective.pk}/").content.decode()
    assert "Venue moved" not in before
    assert "Venue moved" in after
    assert "20 March 2026" in after.split('id="history"', 1)[-1] or "20 March 2026" in after
    assert "Morgan" in renamed


def _waiting_on_another_objective(admin, owner, *, waiting_due=None, waited_due=None):
    """Objective 1.1 with a milestone "Panel convened" that waits for "Venue booked" in
    objective 2.1: (1.1, the milestone waited for)."""
    plan = factories.make_plan(user=admin)
    objective = factories.make_objective(plan, user=admin, owner=owner, ref="1.1")
    other = factories.make_objective(plan, user=admin, owner=owner, ref="2.1")
    waiting = factories.make_milestone(
        objective, user=admin, title="Panel convened", due_date=waiting_due
    )
    waited = factories.make_milestone(other, user=admin, title="Venue booked", due_date=waited_due)
    milestone_dependencies.milestone_dependency_add(
        user=admin, milestone=waiting, depends_on=waited, reason="Needs a room"
    )
    return objective, waited


def test_the_objective_page_names_what_its_milestones_wait_for_afresh(
    client, clock, admin_user, manager, leader
):
    """The timeline names the milestone a link waits for (in another objective) and the people
    who made each change: a rename of either shows at once, though this objective's own
    records did not change."""
    with clock(date(2026, 1, 5)):
        objective, waited = _waiting_on_another_objective(admin_user, manager)
    client.force_login(leader)
    with clock(date(2026, 1, 6)):
        before = client.get(f"/objectives/{objective.pk}/").content.decode()
        milestone_services.milestone_update_title(
            milestone=waited, user=admin_user, title="Hall booked"
        )
        retitled = client.get(f"/objectives/{objective.pk}/").content.decode()
        admin_user.last_name = "Renamed-Administrator"
        admin_user.save()
        renamed = client.get(f"/objectives/{objective.pk}/").content.decode()
    before, retitled, renamed = (
        html.split('id="history"', 1)[1] for html in (before, retitled, renamed)
    )
    assert "2.1 \u2018Venue booked\u2019" in before
    assert "2.1 \u2018Hall booked\u2019" in retitled
    assert "Venue booked" not in retitled
    assert "Renamed-Administrator" not in retitled
    assert "Renamed-Administrator" in renamed


def test_the_objective_page_today_reads_a_change_to_what_it_waits_for_at_once(
    client, clock, admin_user, manager, leader
):
    """The page keeps its drift read under the mark of its records: a milestone it waits for,
    in another objective, moved earlier takes the knock-on away at once."""
    with clock(date(2026, 1, 5)):
        objective, waited = _waiting_on_another_objective(
            admin_user, manager, waiting_due=date(2026, 2, 1), waited_due=date(2026, 3, 1)
        )
    client.force_login(leader)
    with clock(date(2026, 1, 6)):
        before = client.get(f"/objectives/{objective.pk}/").content.decode()
        milestone_services.milestone_reschedule(
            milestone=waited, user=manager, due_date=date(2026, 1, 20), reason="Sooner"
        )
        after = client.get(f"/objectives/{objective.pk}/").content.decode()
    assert "app-knock-on" in before
    assert "app-knock-on" not in after
