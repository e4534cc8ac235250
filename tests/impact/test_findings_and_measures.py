"""The findings register at D, measure values and their agreement on every surface."""

import importlib
from datetime import date
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from impact import measure_selectors, selectors, services, value_services
from impact.models import Finding, MeasureValue, ObjectiveFinding
from milestones import services as milestone_services
from objectives import services as objective_services
from tests import factories
from tracking.integrity import check_model, tracked_models

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan_world(clock, admin_user, manager):
    with clock(date(2025, 1, 2)):
        plan = factories.make_plan(user=admin_user)
        red = factories.make_objective(
            plan, user=admin_user, owner=manager, ref="1.1", target_date=date(2025, 6, 30)
        )
        green = factories.make_objective(plan, user=admin_user, owner=manager, ref="1.2")
        done = factories.make_objective(plan, user=admin_user, owner=manager, ref="1.3")
        milestone = factories.make_milestone(done, user=admin_user, due_date=date(2025, 6, 1))
        factories.make_milestone(green, user=admin_user, due_date=date(2027, 1, 1))
        f1 = factories.make_finding(plan, user=admin_user, ref="F1", source="SIF 2016")
        f2 = factories.make_finding(plan, user=admin_user, ref="F2", source="JTAI neglect 2017")
        f3 = factories.make_finding(plan, user=admin_user, ref="F3", source="Peer challenge 2018")
        f10 = factories.make_finding(
            plan, user=admin_user, ref="F10", source="Annual conversation 2018"
        )
    with clock(date(2025, 3, 1)):
        services.finding_set_objectives(user=admin_user, finding=f1, objectives=[red, green])
        services.finding_set_objectives(user=admin_user, finding=f2, objectives=[done])
        services.finding_set_objectives(user=admin_user, finding=f10, objectives=[green])
    with clock(date(2025, 6, 1)):
        milestone_services.milestone_complete(
            user=manager, milestone=milestone, completed_on=date(2025, 6, 1)
        )
        objective_services.objective_update(
            objective=done,
            user=manager,
            status="complete",
            closing_summary="Every milestone delivered.",
        )
    return {"plan": plan, "red": red, "green": green, "done": done, "f": (f1, f2, f3, f10)}


def _statuses(rows):
    return [(r.ref, r.status) for r in rows]


def test_findings_register_today_and_on_a_past_date(clock, plan_world):
    plan = plan_world["plan"]
    with clock(date(2025, 9, 1)):
        today = selectors.findings_register(plan, date(2025, 9, 1))
        before_links = selectors.findings_register(plan, date(2025, 2, 28))
        before_done = selectors.findings_register(plan, date(2025, 5, 31))
    # today: F3 unanswered first; F1 red (1.1 is past its target); F2 complete; F10 takes
    # 1.2's amber (no update for longer than the plan allows)
    assert _statuses(today) == [
        ("F3", "unanswered"),
        ("F1", "red"),
        ("F2", "complete"),
        ("F10", "amber"),
    ]
    assert [o.ref for o in today[1].objectives] == ["1.1", "1.2"]
    # before any link was made every finding was unanswered, still in ref order
    assert _statuses(before_links) == [
        ("F1", "unanswered"),
        ("F2", "unanswered"),
        ("F3", "unanswered"),
        ("F10", "unanswered"),
    ]
    # before 1.3 was completed, F2 took its objective's colour
    assert dict(_statuses(before_done))["F2"] != "complete"


def test_unlinking_is_in_history_and_changes_only_later_days(clock, plan_world, admin_user):
    plan, (f1, *_rest) = plan_world["plan"], plan_world["f"]
    with clock(date(2025, 8, 1)):
        added, removed = services.finding_set_objectives(
            user=admin_user, finding=f1, objectives=[plan_world["green"]], reason="1.1 merged"
        )
        assert (added, removed) == (0, 1)
        today = {r.ref: r for r in selectors.findings_register(plan, date(2025, 8, 1))}
        past = {r.ref: r for r in selectors.findings_register(plan, date(2025, 7, 31))}
    assert [o.ref for o in today["F1"].objectives] == ["1.2"]
    assert [o.ref for o in past["F1"].objectives] == ["1.1", "1.2"]
    deletion = ObjectiveFinding.history.filter(history_type="-").get()
    assert deletion.history_user == admin_user
    assert deletion.history_change_reason == "1.1 merged"


def test_findings_page_for_every_role_and_a_past_date(client, clock, plan_world, leader):
    plan = plan_world["plan"]
    client.force_login(leader)
    with clock(date(2025, 9, 1)):
        page = client.get(reverse("impact:findings"), {"plan": plan.pk})
        past = client.get(reverse("impact:findings"), {"plan": plan.pk, "as_of": "2025-02-28"})
        bad = client.get(reverse("impact:findings"), {"plan": plan.pk, "as_of": "2025-02-30"})
        future = client.get(reverse("impact:findings"), {"plan": plan.pk, "as_of": "2025-09-02"})
    # The page's main content only: the header's sign-out form carries a random CSRF token.
    body = page.content.decode().split("<main", 1)[1]
    assert page.status_code == 200
    assert body.index("F3") < body.index("F1") < body.index("F2")
    assert "Nothing answers this finding" in body
    assert "as it stood on 28 February 2025" in past.content.decode()
    assert bad.status_code == 400 and future.status_code == 400


def test_a_draft_plan_is_unknown_to_the_findings_register_for_anyone_but_administrators(
    client, clock, plan_world, leader, admin_user
):
    plan = plan_world["plan"]
    with clock(date(2025, 9, 1)):
        draft = factories.make_plan(user=admin_user, published=False, name="Secret plan")
        client.force_login(leader)
        only = client.get(reverse("impact:findings"))
        hidden = client.get(reverse("impact:findings"), {"plan": draft.pk})
        client.force_login(admin_user)
        shown = client.get(reverse("impact:findings"), {"plan": draft.pk})
    assert only.status_code == 200 and only.context["plan"] == plan
    assert hidden.status_code == 400 and "Choose a plan from the list" in hidden.content.decode()
    assert "Secret" not in hidden.content.decode()
    assert shown.status_code == 200


def test_objective_page_lists_the_findings_it_answers(client, clock, plan_world, leader):
    client.force_login(leader)
    with clock(date(2025, 9, 1)):
        body = client.get(
            reverse("tracking:objective_detail", args=[plan_world["green"].pk])
        ).content
    body = body.decode()
    assert "Findings this objective answers" in body
    assert "F1" in body and "F10" in body and "Annual conversation 2018" in body


def test_finding_refs_are_unique_in_a_plan(plan_world, admin_user, manager):
    with pytest.raises(ValidationError):
        services.finding_create(
            user=admin_user, plan=plan_world["plan"], ref="F1", source="", text="Again"
        )
    with pytest.raises(PermissionDenied):
        services.finding_create(
            user=manager, plan=plan_world["plan"], ref="F99", source="", text="Mine"
        )


# --- measures -------------------------------------------------------------------------------


def test_owner_records_values_with_the_date_rules(
    clock, plan_world, admin_user, manager, other_manager
):
    objective = plan_world["green"]
    with clock(date(2025, 9, 1)):
        measure = factories.make_measure(objective, user=admin_user)
        record = lambda user, day, value="55": value_services.measure_value_create(  # noqa: E731
            user=user, measure=measure, period_end=day, value=Decimal(value)
        )
        record(manager, date(2025, 8, 31))
        with pytest.raises(ValidationError, match="future"):
            record(manager, date(2025, 9, 2))
        with pytest.raises(ValidationError, match="plan starts"):
            record(manager, date(2024, 12, 31))
        with pytest.raises(ValidationError, match="already recorded"):
            record(manager, date(2025, 8, 31))
        with pytest.raises(PermissionDenied):
            record(other_manager, date(2025, 7, 31))
        record(admin_user, date(2025, 7, 31))
        with pytest.raises(PermissionDenied):
            factories.make_measure(objective, user=manager)
    assert MeasureValue.objects.count() == 2
    assert MeasureValue.history.filter(history_user=manager).count() == 1


def test_value_form_shows_errors_in_govuk_wording(client, clock, plan_world, admin_user, manager):
    with clock(date(2025, 9, 1)):
        measure = factories.make_measure(plan_world["green"], user=admin_user)
        client.force_login(manager)
        url = reverse("impact:measure_value_create", args=[measure.pk])
        response = client.post(
            url,
            {
                "period_end_day": "2",
                "period_end_month": "9",
                "period_end_year": "2025",
                "value": "lots",
            },
        )
        long = client.post(url, {"value": "9" * 5000, "note": "\x00" * 10})
    body = response.content.decode()
    assert response.status_code == 200
    assert "There is a problem" in body
    assert "End of the period cannot be in the future" in body
    assert "Value must be a number, like 42 or 12.5" in body
    assert long.status_code == 200
    assert MeasureValue.objects.count() == 0


@pytest.fixture
def measured(clock, plan_world, admin_user, manager):
    """Three measures of 1.2: one on track, one behind, one off track today; one with no data."""
    objective = plan_world["green"]
    with clock(date(2025, 1, 5)):
        up = factories.make_measure(
            objective,
            user=admin_user,
            name="A up",
            baseline_value=50,
            target_value=70,
            baseline_on=date(2025, 1, 1),
            target_on=date(2025, 12, 31),
        )
        down = factories.make_measure(
            objective,
            user=admin_user,
            name="B down",
            direction="down",
            baseline_value=100,
            target_value=60,
            baseline_on=date(2025, 1, 1),
            target_on=date(2025, 12, 31),
        )
        quiet = factories.make_measure(objective, user=admin_user, name="C quiet")
    values = [
        (up, date(2025, 3, 31), "54"),  # line at 31 March: 50 + 20*89/364 = 54.89: behind
        (up, date(2025, 7, 2), "61"),  # on track
        (down, date(2025, 7, 2), "85"),  # line 80: worse by 5 > 4: off track
        (quiet, date(2025, 2, 28), "52"),
    ]
    for measure, day, value in values:
        with clock(day):
            value_services.measure_value_create(
                user=manager, measure=measure, period_end=day, value=Decimal(value)
            )
    return {"up": up, "down": down, "quiet": quiet}


def test_measure_statuses_agree_on_page_dashboard_and_api(
    client, clock, plan_world, measured, leader
):
    plan, objective = plan_world["plan"], plan_world["green"]
    client.force_login(leader)
    for day, expected in (
        (date(2025, 7, 10), {"A up": "on_track", "B down": "off_track", "C quiet": "no_data"}),
        (date(2025, 4, 10), {"A up": "behind", "B down": "no_data", "C quiet": "on_track"}),
    ):
        with clock(date(2025, 7, 10)):
            found = {m.name: m.status for m in measure_selectors.objective_measures(objective, day)}
            api = client.get(
                reverse("tracking:drift_api"), {"plan": plan.pk, "as_of": day.isoformat()}
            )
            page = client.get(
                reverse("tracking:objective_detail", args=[objective.pk]),
                {"as_of": day.isoformat()},
                follow=True,
            )
            dashboard = client.get(
                reverse("dashboard:home"), {"plan": plan.pk, "as_of": day.isoformat()}
            )
        assert found == expected, day
        row = next(o for o in api.json()["objectives"] if o["id"] == objective.pk)
        assert {m["name"]: m["status"] for m in row["measures"]} == expected
        a_up = next(m for m in row["measures"] if m["name"] == "A up")
        assert set(a_up) >= {"name", "unit", "baseline", "target", "latest", "status"}
        body = page.content.decode()
        labels = {
            "on_track": "On track",
            "behind": "Behind",
            "off_track": "Off track",
            "no_data": "No recent data",
        }
        for name, status in expected.items():
            heading = body[body.index(f">{name}") : body.index("</h3>", body.index(f">{name}"))]
            assert labels[status] in heading
        dash = dashboard.content.decode()
        counts = {s: list(expected.values()).count(s) for s in labels}
        for status, count in counts.items():
            marker = f'id="measures-{status}"><span class="govuk-visually-hidden">'
            start = dash.index(marker)
            assert dash[start : dash.index("</p>", start)].endswith(f"</span>{count}")
        # delivery is unchanged by impact: the API's rag is the drift rag
        assert row["rag"] in ("green", "amber")


def test_measures_never_change_the_delivery_colour(clock, plan_world, measured, manager):
    from tracking.selectors import plan_drift

    def rag():
        rows = plan_drift(plan_world["plan"], date(2025, 7, 10)).objectives
        return next(r.rag for r in rows if r.id == plan_world["green"].pk)

    with clock(date(2025, 7, 10)):
        before = rag()
        value_services.measure_value_create(
            user=manager, measure=measured["up"], period_end=date(2025, 7, 9), value=Decimal(1)
        )
        after = rag()
        assert measure_selectors.objective_measures(plan_world["green"], date(2025, 7, 10))[
            0
        ].status == ("off_track")
    assert before == after


def test_history_of_every_new_table_is_consistent(plan_world, measured):
    impact_models = [m for m in tracked_models() if m._meta.app_label == "impact"]
    assert {m.__name__ for m in impact_models} >= {
        "Finding",
        "ObjectiveFinding",
        "Measure",
        "MeasureValue",
        "Evidence",
    }
    for model in impact_models:
        assert list(check_model(model)) == []


def test_the_migration_moves_source_text_into_the_register_without_loss(clock, admin_user):
    with clock(date(2025, 1, 2)):
        plan = factories.make_plan(user=admin_user)
        other = factories.make_plan(user=admin_user)
        text = "2016 inspection: too many changes of social worker."
        a = factories.make_objective(plan, user=admin_user, ref="2", source=text)
        b = factories.make_objective(plan, user=admin_user, ref="1", source=text + "  ")
        c = factories.make_objective(plan, user=admin_user, ref="3", source="A board review")
        factories.make_objective(plan, user=admin_user, ref="4", source="")
        d = factories.make_objective(other, user=admin_user, ref="1", source=text)
    migration = importlib.import_module("impact.migrations.0002_findings_from_objective_sources")
    migration.forwards(apps, None)
    findings = list(Finding.objects.filter(plan=plan).order_by("ref"))
    assert [(f.ref, f.source, f.text) for f in findings] == [
        ("F1", "2016 inspection", text),
        ("F2", "", "A board review"),
    ]
    assert set(findings[0].objectives.all()) == {a, b}
    assert list(findings[1].objectives.all()) == [c]
    assert Finding.objects.get(plan=other).objectives.get() == d
    a.refresh_from_db()
    assert a.source == text  # left as it was
    for model in tracked_models():
        if model._meta.app_label == "impact":
            assert list(check_model(model)) == []


def test_reads_take_a_fixed_number_of_queries(
    clock, plan_world, measured, admin_user, manager, django_assert_max_num_queries
):
    plan = plan_world["plan"]
    with clock(date(2025, 7, 10)):
        for objective in (plan_world["red"], plan_world["done"]):
            measure = factories.make_measure(objective, user=admin_user)
            value_services.measure_value_create(
                user=admin_user, measure=measure, period_end=date(2025, 7, 1), value=Decimal(60)
            )
        with django_assert_max_num_queries(3):
            measures = measure_selectors.plan_measures(plan, date(2025, 7, 10))
        assert sum(len(items) for items in measures.values()) == 5
        with django_assert_max_num_queries(9):
            selectors.findings_register(plan, date(2025, 7, 10))


def test_no_data_uses_the_plans_stale_after_days_as_it_stood_at_d(
    clock, plan_world, admin_user, manager
):
    plan, objective = plan_world["plan"], plan_world["green"]
    with clock(date(2025, 3, 1)):
        measure = factories.make_measure(objective, user=admin_user)
        value_services.measure_value_create(
            user=manager, measure=measure, period_end=date(2025, 2, 28), value=Decimal(70)
        )
    with clock(date(2025, 6, 1)):
        objective_services.plan_update(plan=plan, user=admin_user, stale_after_days=60)
        status = lambda day: measure_selectors.objective_measures(objective, day)[0].status  # noqa: E731
        # 42 days at D up to 31 May: 28 Feb + 42 = 11 April is the last day with data
        assert status(date(2025, 4, 11)) == "on_track"
        assert status(date(2025, 4, 12)) == "no_data"
        # from 1 June the plan allows 60 days: 29 April is the last
        assert status(date(2025, 6, 1)) == "no_data"
    with clock(date(2025, 6, 1)):
        value_services.measure_value_create(
            user=manager, measure=measure, period_end=date(2025, 4, 2), value=Decimal(70)
        )
        assert status(date(2025, 6, 1)) == "on_track"  # 60 days after 2 April


def test_a_withdrawn_objective_no_longer_answers_a_finding(clock, plan_world, admin_user):
    plan = plan_world["plan"]
    with clock(date(2025, 8, 1)):
        objective_services.objective_withdraw(
            objective=plan_world["red"], user=admin_user, reason="Merged", expected_version=None
        )
        today = {r.ref: r for r in selectors.findings_register(plan, date(2025, 8, 1))}
        before = {r.ref: r for r in selectors.findings_register(plan, date(2025, 7, 31))}
    assert [o.ref for o in today["F1"].objectives] == ["1.2"]
    assert today["F1"].status == "amber"
    assert before["F1"].status == "red"


def test_changing_a_target_needs_a_reason_and_leaves_past_days_as_they_were(
    client, clock, plan_world, measured, admin_user, manager
):
    up = measured["up"]
    with clock(date(2025, 7, 10)):
        with pytest.raises(PermissionDenied):
            services.measure_update(user=manager, measure=up, target_value=Decimal(61))
        with pytest.raises(ValidationError, match="reason"):
            services.measure_update(user=admin_user, measure=up, target_value=Decimal(90))
        services.measure_update(user=admin_user, measure=up, name="A up, renamed")
    with clock(date(2025, 7, 11)):
        client.force_login(admin_user)
        url = reverse("impact:measure_edit", args=[up.pk])
        form = client.get(url)
        assert form.status_code == 200
        data = {
            "expected_version": up.history.count(),
            "name": "A up, renamed",
            "unit": "%",
            "direction": "up",
            "baseline_value": "50",
            "baseline_on_day": "1",
            "baseline_on_month": "1",
            "baseline_on_year": "2025",
            "target_value": "90",
            "target_on_day": "31",
            "target_on_month": "12",
            "target_on_year": "2025",
            "reason": "",
        }
        refused = client.post(url, data)
        assert "Give a reason for changing the baseline, target or direction" in (
            refused.content.decode()
        )
        stale = client.post(url, {**data, "expected_version": 1, "reason": "Board raised it"})
        assert stale.status_code == 409
        saved = client.post(url, {**data, "reason": "Board raised the target"})
        assert saved.status_code == 302
        today = measure_selectors.objective_measures(plan_world["green"], date(2025, 7, 11))
        before = measure_selectors.objective_measures(plan_world["green"], date(2025, 7, 10))
    by_name = {m.name: m for m in today}
    assert by_name["A up, renamed"].status == "off_track"  # 61 against a steeper line
    assert {m.name: m.status for m in before}["A up, renamed"] == "on_track"
    assert up.history.latest().history_change_reason == "Board raised the target"


def test_the_findings_register_takes_the_date_in_day_month_and_year_boxes(
    client, clock, plan_world, leader
):
    plan = plan_world["plan"]
    client.force_login(leader)
    url = reverse("impact:findings")
    with clock(date(2025, 9, 1)):
        boxes = {"plan": plan.pk, "as_of_day": "28", "as_of_month": "2", "as_of_year": "2025"}
        moved = client.get(url, boxes)
        assert moved.status_code == 302
        assert moved.url == f"{url}?plan={plan.pk}&as_of=2025-02-28"
        past = client.get(moved.url).content.decode()
        today = client.get(url, {**boxes, "as_of_day": "1", "as_of_month": "9"})
        missing = client.get(url, {**boxes, "as_of_month": ""})
        unreal = client.get(url, {**boxes, "as_of_day": "30"})
        future = client.get(url, {**boxes, "as_of_month": "10"})
        words = client.get(url, {"plan": plan.pk, "as_of": "yesterday"})
    assert "as it stood on 28 February 2025" in past
    # the address's date fills the boxes
    assert 'name="as_of_day" type="text" value="28"' in past.replace(' inputmode="numeric"', "")
    assert today.status_code == 302 and today.url == f"{url}?plan={plan.pk}"
    for response, message in (
        (missing, "Date to show must include a month"),
        (unreal, "Date to show must be a real date"),
        (future, "Date to show must be today or in the past"),
        (words, "The date in the address is not a date: write it like 2026-03-31"),
    ):
        html = response.content.decode()
        assert response.status_code == 400
        assert "<title>Error: Findings register" in html
        assert 'class="govuk-error-summary"' in html and message in html
        assert 'name="as_of_day"' in html and "govuk-input--error" in html


def test_with_two_plans_and_none_chosen_the_register_asks_which(
    client, clock, plan_world, leader, admin_user
):
    plan = plan_world["plan"]
    with clock(date(2025, 9, 1)):
        other = factories.make_plan(user=admin_user, name="Another plan")
        client.force_login(leader)
        response = client.get(reverse("impact:findings"))
        dated = client.get(reverse("impact:findings"), {"as_of": "2025-02-28"})
        chosen = client.get(
            reverse("impact:findings"),
            {"plan": other.pk, "as_of_day": "", "as_of_month": "", "as_of_year": ""},
        )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Choose a plan" in html and "There is a problem" not in html
    for choice in (plan, other):
        assert f'type="radio" value="{choice.pk}"' in html and choice.name in html
    assert "Nothing answers this finding" not in html  # no register until a plan is chosen
    assert dated.status_code == 200 and 'value="28"' in dated.content.decode()
    assert chosen.status_code == 200 and chosen.context["plan"] == other


@pytest.mark.parametrize(
    "query",
    [
        {"plan": "x" * 5000},
        {"plan": "\x00"},
        {"as_of_day": "\u202e", "as_of_month": "é" * 300, "as_of_year": "99999"},
        {"as_of": "2025-02-28\n"},
    ],
)
def test_no_query_breaks_the_findings_register(client, clock, plan_world, leader, query):
    client.force_login(leader)
    with clock(date(2025, 9, 1)):
        response = client.get(reverse("impact:findings"), query)
    assert response.status_code in (200, 302, 400)
