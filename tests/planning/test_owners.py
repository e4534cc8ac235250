"""Owners: assign and reassign with a reason, bulk reassignment, ownership history."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from objectives import services as objective_services
from objectives.models import Objective
from planning import selectors, services
from tests import factories

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")


def _owner_url(objective):
    return f"/manage/objectives/{objective.pk}/owner/"


def test_assign_an_owner_to_an_unowned_objective(admin_client, plan, staff_admin, manager):
    objective = factories.make_objective(plan, user=staff_admin, ref="2.1")
    response = admin_client.post(
        _owner_url(objective),
        {"owner": manager.pk, "reason": "Agreed at the board", "version": objective.version},
    )
    assert response.status_code == 302
    objective.refresh_from_db()
    assert objective.owner == manager
    record = objective.history.latest("history_date")
    assert record.history_change_reason == "Agreed at the board"
    assert record.history_user == staff_admin
    page = admin_client.get(response.url, follow=True).content.decode()
    assert f"{manager.get_full_name()} now owns objective 2.1" in page


def test_reassign_needs_a_reason_and_changes_nothing_without_one(
    admin_client, objective, other_manager
):
    response = admin_client.post(
        _owner_url(objective),
        {"owner": other_manager.pk, "reason": "   ", "version": objective.version},
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert "Give a reason for changing the owner" in page
    assert "govuk-error-summary" in page
    assert f'value="{other_manager.pk}" selected' in page  # their choice is kept
    objective.refresh_from_db()
    assert objective.owner.username == "mo_manager"
    assert objective.history.count() == 1


def test_owner_form_refuses_the_current_owner_and_leavers(
    admin_client, objective, manager, other_manager
):
    response = admin_client.post(
        _owner_url(objective), {"owner": manager.pk, "reason": "x", "version": objective.version}
    )
    assert "already owns this objective" in response.content.decode()
    other_manager.is_active = False
    other_manager.save()
    response = admin_client.post(
        _owner_url(objective),
        {"owner": other_manager.pk, "reason": "x", "version": objective.version},
    )
    assert "Choose the new owner" in response.content.decode()
    objective.refresh_from_db()
    assert objective.owner == manager


def test_owner_form_refuses_a_stale_page(admin_client, objective, staff_admin, other_manager):
    loaded_version = objective.version
    objective_services.objective_update(objective=objective, user=staff_admin, title="Changed")
    response = admin_client.post(
        _owner_url(objective),
        {"owner": other_manager.pk, "reason": "Handover", "version": loaded_version},
    )
    assert response.status_code == 409
    assert "Someone else changed this objective" in response.content.decode()
    objective.refresh_from_db()
    assert objective.owner.username == "mo_manager"


def test_ownership_history_reads_as_a_story(
    admin_client, plan, staff_admin, manager, other_manager
):
    objective = objective_services.objective_create(
        user=staff_admin,
        plan=plan,
        ref="3.1",
        title="Edge of care",
        starts_on=date(2025, 1, 1),
        target_date=date(2027, 1, 1),
        owner=manager,
        recorded_at=datetime(2025, 3, 3, 10, tzinfo=LONDON),
    )
    objective_services.objective_assign_owner(
        objective=objective,
        user=staff_admin,
        owner=other_manager,
        reason="Mo moved to fostering",
        recorded_at=datetime(2025, 7, 14, 9, tzinfo=LONDON),
    )
    page = admin_client.get(_owner_url(objective)).content.decode()
    assert (
        "Owned by Mo_Manager Tester from 3 March 2025 to 14 July 2025 (Objective created), "
        "then owned by Nat_Manager Tester from 14 July 2025 (Mo moved to fostering)."
    ) in " ".join(page.split())
    periods = selectors.ownership_history(Objective.objects.filter(pk=objective.pk))[objective.pk]
    assert [(p.owner, p.reason) for p in periods] == [
        (manager, "Objective created"),
        (other_manager, "Mo moved to fostering"),
    ]
    assert periods[0].ended == periods[1].started
    assert periods[1].is_current


def test_ownership_history_ignores_other_edits(objective, staff_admin):
    objective_services.objective_update(objective=objective, user=staff_admin, title="Renamed")
    periods = selectors.ownership_history(Objective.objects.filter(pk=objective.pk))[objective.pk]
    assert len(periods) == 1


def test_bulk_reassign_moves_every_open_objective_with_one_reason(
    admin_client, plan, staff_admin, manager, other_manager
):
    mine = [
        factories.make_objective(plan, user=staff_admin, ref=f"5.{i}", owner=manager)
        for i in range(1, 4)
    ]
    done = factories.make_objective(
        plan,
        user=staff_admin,
        ref="5.9",
        owner=manager,
        status=Objective.Status.COMPLETE,
        closing_summary="All delivered.",
    )
    someone_else = factories.make_objective(plan, user=staff_admin, ref="6.1", owner=other_manager)
    page = admin_client.get(f"/manage/accountability/bulk-reassign/?from={manager.pk}")
    assert all(o.title in page.content.decode() for o in mine)
    response = admin_client.post(
        "/manage/accountability/bulk-reassign/",
        {"from_person": manager.pk, "to_person": other_manager.pk, "reason": "Mo is on leave"},
    )
    assert response.status_code == 302
    for objective in mine:
        objective.refresh_from_db()
        assert objective.owner == other_manager
        record = objective.history.latest("history_date")
        assert record.history_change_reason == "Mo is on leave"
        assert record.history_user == staff_admin
        assert record.owner_id == other_manager.pk
    done.refresh_from_db()
    assert done.owner == manager
    assert someone_else.history.count() == 1
    messages = admin_client.get(response.url).content.decode()
    assert "3 open objectives moved from Mo_Manager Tester to Nat_Manager Tester" in messages


def test_bulk_reassign_errors_keep_the_input_and_change_nothing(
    admin_client, objective, manager, other_manager
):
    response = admin_client.post(
        "/manage/accountability/bulk-reassign/",
        {"from_person": manager.pk, "to_person": manager.pk, "reason": ""},
    )
    page = response.content.decode()
    assert "Choose someone other than the current owner" in page
    assert "Give a reason for moving the objectives" in page
    assert objective.title in page  # the list of what would move is still shown
    objective.refresh_from_db()
    assert objective.owner == manager


def test_bulk_reassign_is_all_or_nothing(monkeypatch, plan, staff_admin, manager, other_manager):
    objectives = [
        factories.make_objective(plan, user=staff_admin, ref=f"7.{i}", owner=manager)
        for i in range(1, 4)
    ]
    real = objective_services.objective_assign_owner
    calls = {"n": 0}

    def flaky(**kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("database went away")
        return real(**kwargs)

    monkeypatch.setattr(objective_services, "objective_assign_owner", flaky)
    with pytest.raises(RuntimeError):
        objective_services.open_objectives_reassign(
            user=staff_admin, from_person=manager, to_person=other_manager, reason="x"
        )
    for objective in objectives:
        objective.refresh_from_db()
        assert objective.owner == manager
        assert objective.history.count() == 1


def test_accountability_lists_unowned_then_leavers_then_by_ref(
    admin_client, plan, staff_admin, manager, other_manager
):
    factories.make_objective(plan, user=staff_admin, ref="10.1", owner=manager)
    factories.make_objective(plan, user=staff_admin, ref="2.1", owner=manager)
    factories.make_objective(plan, user=staff_admin, ref="9.9", owner=other_manager)
    factories.make_objective(plan, user=staff_admin, ref="4.4")
    other_manager.is_active = False
    other_manager.save()
    refs = [row.objective.ref for row in selectors.accountability(plan).rows]
    assert refs == ["4.4", "9.9", "2.1", "10.1"]
    page = admin_client.get(f"/manage/accountability/?plan={plan.pk}").content.decode()
    assert page.index("4.4") < page.index("9.9") < page.index("2.1") < page.index("10.1")
    assert "1 open objective has no owner" in " ".join(page.split())
    assert "No owner" in page and "Left" in page


def test_accountability_shows_last_change_of_owner_and_open_counts(
    admin_client, objective, staff_admin, other_manager
):
    services.owner_assign(
        user=staff_admin, objective=objective, owner=other_manager, reason="Handover to Nat"
    )
    page = admin_client.get("/manage/accountability/").content.decode()
    assert "Handover to Nat" in page
    assert "Ada Admin" in page
    summary = selectors.accountability()
    assert [(o.person, o.open_count) for o in summary.owners] == [(other_manager, 1)]


def test_accountability_escapes_html(admin_client, plan, staff_admin):
    factories.make_objective(plan, user=staff_admin, ref="1.9", title="<b>bold</b> & more")
    page = admin_client.get("/manage/accountability/").content.decode()
    assert "<b>bold</b>" not in page
    assert "&lt;b&gt;bold&lt;/b&gt; &amp; more" in page


def _build(plan, staff_admin, n):
    people = [factories.make_manager() for _ in range(3)]
    for i in range(n):
        objective = factories.make_objective(
            plan, user=staff_admin, ref=f"{i}.{n}", owner=people[i % 3] if i % 4 else None
        )
        if objective.owner is not None:
            services.owner_assign(
                user=staff_admin, objective=objective, owner=people[(i + 1) % 3], reason="Move"
            )


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(url).status_code == 200
    return len(ctx.captured_queries)


@pytest.mark.parametrize("url", ["/manage/accountability/", "/manage/people/", "/manage/"])
def test_pages_run_a_fixed_number_of_queries(admin_client, plan, staff_admin, url):
    _build(plan, staff_admin, 3)
    small = _queries(admin_client, url)
    _build(plan, staff_admin, 12)
    assert _queries(admin_client, url) == small


def test_plan_page_runs_a_fixed_number_of_queries(admin_client, plan, staff_admin):
    url = f"/manage/plans/{plan.pk}/"
    _build(plan, staff_admin, 3)
    small = _queries(admin_client, url)
    _build(plan, staff_admin, 12)
    assert _queries(admin_client, url) == small


def test_every_active_person_is_offered_as_owner_whatever_their_role(
    admin_client, objective, leader, staff_admin, other_manager
):
    page = admin_client.get(_owner_url(objective)).content.decode()
    assert f'<option value="{leader.pk}"' in page  # an assistant director in Leadership
    assert f'<option value="{staff_admin.pk}"' in page
    assert "Nat_Manager Tester (nat_manager)" in page
    response = admin_client.post(
        _owner_url(objective), {"owner": leader.pk, "reason": "x", "version": objective.version}
    )
    assert response.status_code == 302
    objective.refresh_from_db()
    assert objective.owner == leader


def test_leavers_are_not_offered_as_owners(admin_client, objective, other_manager):
    other_manager.is_active = False
    other_manager.save()
    page = admin_client.get(_owner_url(objective)).content.decode()
    assert f'<option value="{other_manager.pk}"' not in page
