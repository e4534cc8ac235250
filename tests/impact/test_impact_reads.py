"""The plan-level reads behind the dashboard's Impact column and the board pack's Impact
section: measures by status in words, evidence counts at D, measures needing attention."""

from datetime import date
from decimal import Decimal

import pytest

from impact import evidence_services, selectors, summary_selectors, value_services
from tests import factories
from tracking.selectors import plan_drift

pytestmark = pytest.mark.django_db

START, END = date(2026, 1, 1), date(2026, 12, 31)  # 50 to 70: the line is 54.95 on 1 April


@pytest.fixture
def world(clock, admin_user, manager):
    with clock(date(2026, 1, 5)):
        plan = factories.make_plan(user=admin_user)
        common = {"owner": manager, "starts_on": START, "target_date": END}
        a = factories.make_objective(plan, user=admin_user, ref="2", **common)
        b = factories.make_objective(plan, user=admin_user, ref="10", **common)
        c = factories.make_objective(plan, user=admin_user, ref="3", **common)
        line = {"baseline_on": START, "target_on": END, "unit": "children"}
        a_on = factories.make_measure(a, user=admin_user, name="A on", **line)
        a_behind = factories.make_measure(a, user=admin_user, name="A behind", **line)
        a_off = factories.make_measure(a, user=admin_user, name="A off", **line)
        b_behind = factories.make_measure(b, user=admin_user, name="B behind", **line)
    with clock(date(2026, 4, 2)):
        for measure, value in ((a_on, "56"), (a_behind, "54"), (a_off, "50"), (b_behind, "54.5")):
            value_services.measure_value_create(
                user=manager, measure=measure, period_end=date(2026, 4, 1), value=Decimal(value)
            )
    with clock(date(2026, 2, 1)):
        kept = evidence_services.evidence_add_link(
            user=manager, objective=a, title="Audit", url="https://example.org/audit"
        )
        withdrawn = evidence_services.evidence_add_link(
            user=manager, objective=a, title="Draft", url="https://example.org/draft"
        )
    with clock(date(2026, 3, 1)):
        evidence_services.evidence_withdraw(user=manager, evidence=withdrawn, reason="Superseded")
    with clock(date(2026, 4, 5)):
        evidence_services.evidence_add_link(
            user=admin_user, objective=b, title="Minutes", url="https://example.org/minutes"
        )
    return {"plan": plan, "a": a, "b": b, "c": c, "kept": kept}


def test_measures_in_words():
    assert summary_selectors.impact_words([]) == "No measures"


def test_impact_by_objective_counts_each_objectives_measures_by_status(clock, world):
    plan = world["plan"]
    with clock(date(2026, 4, 10)):
        today = summary_selectors.impact_by_objective(plan, date(2026, 4, 10))
        before_values = summary_selectors.impact_by_objective(plan, date(2026, 3, 31))
    assert today == {
        world["a"].pk: "1 on track, 1 behind, 1 off track",
        world["b"].pk: "1 behind",
    }
    assert world["c"].pk not in today  # shown as "No measures"
    # before any value was recorded each measure had no data
    assert before_values[world["a"].pk] == "3 no recent data"


def test_evidence_counts_at_d_leave_out_withdrawn_and_later_items(clock, world):
    plan, a, b = world["plan"], world["a"], world["b"]
    with clock(date(2026, 4, 10)):
        assert summary_selectors.evidence_counts(plan, date(2026, 4, 10)) == {a.pk: 1, b.pk: 1}
        assert summary_selectors.evidence_counts(plan, date(2026, 2, 15)) == {
            a.pk: 2
        }  # not yet withdrawn
        assert summary_selectors.evidence_counts(plan, date(2026, 1, 31)) == {}
        # the same as the objective page's count
        for objective in (a, b):
            found = selectors.evidence_for_objective(objective, date(2026, 4, 10))["count"]
            assert found == summary_selectors.evidence_counts(plan, date(2026, 4, 10))[objective.pk]


def test_pack_impact_lists_off_track_then_behind_by_ref(clock, world):
    plan = world["plan"]
    with clock(date(2026, 4, 10)):
        drift = plan_drift(plan, date(2026, 4, 10))
        impact = summary_selectors.pack_impact(plan, date(2026, 4, 10), drift=drift)
    assert impact.total == 4
    assert impact.counts == {"on_track": 1, "behind": 2, "off_track": 1, "no_data": 0}
    assert [(p.objective_ref, p.measure.name) for p in impact.attention] == [
        ("2", "A off"),
        ("2", "A behind"),
        ("10", "B behind"),
    ]
    off = impact.attention[0].measure
    assert (off.latest.value, off.latest.period_end) == (Decimal("50"), date(2026, 4, 1))
    assert impact.evidence == {world["a"].pk: 1, world["b"].pk: 1}


def test_the_reads_take_a_fixed_number_of_queries(
    clock, world, admin_user, django_assert_max_num_queries
):
    plan = world["plan"]
    with clock(date(2026, 4, 10)):
        drift = plan_drift(plan, date(2026, 4, 10))
        with django_assert_max_num_queries(3):
            summary_selectors.pack_impact(plan, date(2026, 4, 10), drift=drift)
        for n in range(5):  # more objectives, measures and evidence: still the same reads
            objective = factories.make_objective(plan, user=admin_user, ref=f"9.{n}")
            factories.make_measure(objective, user=admin_user, baseline_on=START, target_on=END)
            evidence_services.evidence_add_link(
                user=admin_user, objective=objective, title="Note", url="https://example.org/n"
            )
        drift = plan_drift(plan, date(2026, 4, 10))
        with django_assert_max_num_queries(3):
            impact = summary_selectors.pack_impact(plan, date(2026, 4, 10), drift=drift)
        with django_assert_max_num_queries(2):
            summary_selectors.impact_by_objective(plan, date(2026, 4, 10), drift=drift)
    assert impact.total == 9
