"""Today's drift keeps each objective under its stamp (tracking.today) and /api/drift/ each
objective's part (tracking.api_body): after every kind of write both are the same as read and
written out whole (the body byte for byte), and only the objectives the write touched are
drawn again."""

import re
from datetime import date
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.http import JsonResponse

from dashboard import rows as dashboard_rows
from milestones import dependencies
from milestones import services as milestone_services
from milestones.models import Milestone
from objectives import drift
from objectives import services as objective_services
from people import services as people_services
from tests import factories
from tracking import api, api_body, forecasts, live, selectors, today

pytestmark = pytest.mark.django_db

URL = "/api/drift/"
TODAY = date(2026, 4, 10)


@pytest.fixture
def drawn(monkeypatch):
    """The ids of the objectives each request drew afresh (the API's parts), and those today's
    drift read afresh (``drawn.read``)."""
    calls, reads = Calls(), []
    calls.read = reads
    real_draw, real_read = api_body._draw, today.read_entries

    def spy_draw(plan, as_of, rows, *args):
        calls.append(sorted(row.id for row in rows))
        return real_draw(plan, as_of, rows, *args)

    def spy_read(plan, as_of, stamps, *args, **kwargs):
        reads.append(sorted(s.objective_id for s in stamps if s.shown))
        return real_read(plan, as_of, stamps, *args, **kwargs)

    monkeypatch.setattr(api_body, "_draw", spy_draw)
    monkeypatch.setattr(today, "read_entries", spy_read)
    return calls


class Calls(list):
    read: list


def same_as_whole(client, plan) -> dict:
    response = client.get(URL, {"plan": plan.pk})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    whole = JsonResponse(api.whole_body(plan, TODAY)).content
    assert response.content == whole
    kept = selectors.plan_drift(plan, TODAY)
    assert picture(kept) == live_picture(plan)
    # The dashboard's read: each objective with its open milestones only, kept apart.
    kept_open = today.plan_drift(plan, TODAY, open_only=True)
    assert kept_open.open_only and not kept.open_only
    assert picture(kept_open) == live_picture(plan, drift.open_part)
    afresh = forecasts.reference_class(plan, TODAY)
    assert forecasts.reference_class(plan, TODAY, kept) == kept_open.reference == afresh
    # Who is likely to finish late, as kept with the dashboard's read and worked out afresh.
    late = forecasts.plan_forecast(plan, TODAY, kept_open.objectives).late
    assert forecasts.likely_late(plan, TODAY, kept_open.objectives, read=kept_open).late == late
    return response.json()


def dashboard_as_drawn_afresh(client, plan) -> None:
    """The dashboard's rows, kept under each objective's mark, as drawn with nothing kept (then
    the API's parts and today's whole drift are read again, so that the next write starts from
    a full cache: the dashboard reads its own, open milestones only)."""
    tables = dashboard_tables(client, plan)
    cache.clear()
    assert dashboard_tables(client, plan) == tables
    client.get(URL, {"plan": plan.pk})
    selectors.plan_drift(plan, TODAY)


def dashboard_tables(client, plan) -> list[str]:
    page = client.get("/dashboard/", {"plan": plan.pk}).content.decode()
    tables = re.findall(r'<table[^>]*id="objectives(?:-rest)?-table".*?</table>', page, re.S)
    assert tables
    return tables


def picture(result):
    return (
        result.rules,
        [(row.state, row.rag, row.flags, row.milestones, row.reasons) for row in result.objectives],
    )


def live_picture(plan, part=lambda row: row):
    """The plan today read and judged whole from the live rows, nothing kept (each row as
    ``part`` gives it)."""
    state = live.plan_state(plan, TODAY)
    rows = [part(row) for row in drift.plan_drift(state.objectives, TODAY, state.rules)]
    return (state.rules, [(r.state, r.rag, r.flags, r.milestones, r.reasons) for r in rows])


def test_each_write_draws_only_what_it_touched_and_the_body_matches_the_whole(
    client, clock, admin_user, leader, drawn
):
    owners = [factories.make_manager(f"owner{i}") for i in range(3)]
    plan = factories.make_plan_with_history(
        clock, admin=admin_user, owners=owners, count=24, name="Stamped"
    )
    a, b, c = plan.objectives.order_by("id")[:3]
    client.force_login(leader)
    with clock(TODAY):
        body = same_as_whole(client, plan)
        assert body["forecast"]["class_size"] >= 10  # the likely finish is in the parts
        assert len(drawn[-1]) == 24
        same_as_whole(client, plan)
        assert len(drawn) == 1  # nothing written: nothing drawn

        def after(write, touched):
            drawn.clear()
            drawn.read.clear()
            write()
            same_as_whole(client, plan)
            expected = sorted(o.pk for o in touched)
            assert drawn == ([expected] if touched else [])
            # the API's read and today's drift's: each of the touched objectives only
            assert drawn.read and all(ids == expected for ids in drawn.read)
            dashboard_as_drawn_afresh(client, plan)

        a_first = a.milestones.order_by("id").first()
        b_second = b.milestones.order_by("id").last()
        after(
            lambda: factories.make_update(a, user=admin_user, reported_on=TODAY, rag="red"),
            [a],
        )
        after(
            lambda: milestone_services.milestone_reschedule(
                milestone=a_first, user=admin_user, due_date=date(2026, 5, 1), reason="Later"
            ),
            [a],
        )
        after(  # a's milestone now waits for b's, due later: knock-on shows on a
            lambda: dependencies.milestone_dependency_add(
                user=admin_user, milestone=a_first, depends_on=b_second, reason="Needs it"
            ),
            [a],
        )
        after(  # b's milestone moves: a, which waits for it, is drawn again too
            lambda: milestone_services.milestone_reschedule(
                milestone=Milestone.objects.get(pk=b_second.pk),
                user=admin_user,
                due_date=date(2026, 9, 1),
                reason="Later still",
            ),
            [a, b],
        )
        theme = c.theme
        others = list(plan.objectives.filter(theme=theme))
        after(
            lambda: objective_services.theme_update(theme=theme, user=admin_user, name="Renamed"),
            others,
        )
        owner = c.owner
        owned = list(plan.objectives.filter(owner=owner))
        after(
            lambda: people_services.person_update(
                user=admin_user,
                person=owner,
                first_name="Renamed",
                last_name="Owner",
                email=owner.email,
                roles=list(owner.groups.all()),
                reason="Married",
                expected_version=people_services.account_version(owner),
            ),
            owned,
        )
        measure = factories.make_measure(c, user=admin_user)
        drawn.clear()
        same_as_whole(client, plan)
        from impact import value_services

        after(
            lambda: value_services.measure_value_create(
                user=admin_user, measure=measure, period_end=date(2026, 3, 31), value=Decimal(61)
            ),
            [c],
        )
        after(
            lambda: objective_services.objective_withdraw(
                objective=c, user=admin_user, reason="Merged", expected_version=None
            ),
            [],  # it leaves the picture: nothing to draw
        )
        assert c.pk not in {o["id"] for o in same_as_whole(client, plan)["objectives"]}


def test_a_completion_that_changes_the_likely_finish_draws_every_part_again(
    client, clock, admin_user, leader, drawn
):
    owners = [factories.make_manager(f"owner{i}") for i in range(3)]
    plan = factories.make_plan_with_history(
        clock, admin=admin_user, owners=owners, count=24, name="Forecast"
    )
    client.force_login(leader)
    with clock(TODAY):
        before = same_as_whole(client, plan)["forecast"]
        milestone = Milestone.objects.filter(
            objective__plan=plan, completed_on__isnull=True
        ).first()
        drawn.clear()
        milestone_services.milestone_complete(
            milestone=milestone, user=admin_user, completed_on=TODAY
        )
        after = same_as_whole(client, plan)["forecast"]
    assert after["class_size"] == before["class_size"] + 1
    assert drawn == [sorted(plan.objectives.values_list("id", flat=True))]  # every likely finish


def test_the_dashboard_draws_the_same_rows_from_open_milestones_only(clock, admin_user):
    owners = [factories.make_manager("owner")]
    plan = factories.make_plan_with_history(
        clock, admin=admin_user, owners=owners, count=6, name="Open"
    )
    with clock(TODAY):
        whole = selectors.plan_drift(plan, TODAY).objectives
        shown = today.plan_drift(plan, TODAY, open_only=True).objectives
    finished = sum(m.complete for row in whole for m in row.milestones)
    assert finished and not any(m.complete for row in shown for m in row.milestones)
    assert [row.id for row in shown] == [row.id for row in whole]
    table = [(row, "since May 2026") for row in whole]
    open_table = [(row, "since May 2026") for row in shown]
    assert dashboard_rows.dashboard_rows(open_table, past=None) == dashboard_rows.dashboard_rows(
        table, past=None
    )
