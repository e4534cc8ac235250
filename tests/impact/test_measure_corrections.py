"""Measure values corrected or withdrawn with a reason: the owner their own recent value, an
administrator any value. Nothing is deleted; every surface uses the corrected figure from the
day it was corrected and leaves a withdrawn value out from the day it was withdrawn."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from impact import measure_selectors, value_services
from impact.models import MeasureValue
from kit.stale_edits import STALE_MESSAGE
from objectives.history import StaleEditError
from tests import factories
from tracking.integrity import check_model

pytestmark = pytest.mark.django_db

RECORDED = date(2025, 7, 2)
FIXED = date(2025, 7, 10)


@pytest.fixture
def world(clock, admin_user, manager):
    """A published plan; objective 1.1 owned by mo_manager with one measure (50 to 70 over
    2025) and a value of 61 for the period ending 2 July (on track), recorded by the owner."""
    with clock(date(2025, 1, 2)):
        plan = factories.make_plan(user=admin_user)
        factories.publish_plan(plan, user=admin_user)
        objective = factories.make_objective(plan, user=admin_user, owner=manager, ref="1.1")
        measure = factories.make_measure(
            objective,
            user=admin_user,
            name="Visits on time",
            baseline_value=50,
            target_value=70,
            baseline_on=date(2025, 1, 1),
            target_on=date(2025, 12, 31),
        )
    with clock(RECORDED):
        value = value_services.measure_value_create(
            user=manager, measure=measure, period_end=RECORDED, value=Decimal("61")
        )
    return {"plan": plan, "objective": objective, "measure": measure, "value": value}


def _status(world, day):
    return measure_selectors.objective_measures(world["objective"], day)[0]


def _api_measure(client, world, day):
    response = client.get(
        reverse("tracking:drift_api"), {"plan": world["plan"].pk, "as_of": day.isoformat()}
    )
    row = next(o for o in response.json()["objectives"] if o["id"] == world["objective"].pk)
    return row["measures"][0]


def test_the_owner_corrects_their_recent_value_and_it_counts_from_that_day(
    client, clock, world, manager, leader
):
    value = world["value"]
    client.force_login(manager)
    url = f"/measure-values/{value.pk}/correct/"
    with clock(FIXED):
        assert client.get(url).status_code == 200
        refused = client.post(url, {"value": "40", "reason": "", "version": value.version})
        assert "Give a reason for correcting the value" in refused.content.decode()
        response = client.post(
            url, {"value": "40", "reason": "Typed from June's report", "version": value.version}
        )
        assert response.status_code == 302
    value.refresh_from_db()
    assert value.value == Decimal("40")
    record = value.history.latest("history_date")
    assert record.history_change_reason == "Typed from June's report"
    assert record.history_user == manager
    assert MeasureValue.objects.count() == 1
    # the day before the correction, the value as recorded then; from that day, the correction
    before, after = _status(world, date(2025, 7, 9)), _status(world, FIXED)
    assert (before.latest.value, before.status) == (Decimal("61"), "on_track")
    assert (after.latest.value, after.status) == (Decimal("40"), "off_track")
    assert [v.value for v in after.values] == [Decimal("40")]
    client.force_login(leader)
    with clock(FIXED):
        assert _api_measure(client, world, date(2025, 7, 9))["latest"]["value"] == 61.0
        assert _api_measure(client, world, FIXED)["latest"]["value"] == 40.0
        page = client.get(f"/objectives/{world['objective'].pk}/").content.decode()
    assert "Off track" in page


def test_a_withdrawn_value_counts_nowhere_from_the_day_it_was_withdrawn(
    client, clock, world, manager, leader
):
    value = world["value"]
    client.force_login(manager)
    url = f"/measure-values/{value.pk}/withdraw/"
    with clock(FIXED):
        refused = client.post(url, {"reason": " ", "version": value.version})
        assert "Give a reason for withdrawing the value" in refused.content.decode()
        response = client.post(url, {"reason": "Wrong measure", "version": value.version})
        assert response.status_code == 302
    value.refresh_from_db()
    assert value.withdrawn_on == FIXED
    assert MeasureValue.objects.filter(pk=value.pk).exists()
    assert value.history.latest("history_date").history_change_reason == "Wrong measure"
    assert _status(world, date(2025, 7, 9)).latest.value == Decimal("61")
    after = _status(world, FIXED)
    assert after.latest is None and after.values == () and after.status == "no_data"
    client.force_login(leader)
    with clock(FIXED):
        assert _api_measure(client, world, FIXED)["latest"] is None
        pack = client.get(f"/dashboard/report/?plan={world['plan'].pk}")
        assert pack.status_code == 200
        page = client.get(f"/objectives/{world['objective'].pk}/").content.decode()
    assert "values and trajectory" not in page  # no values left in the table
    # a new value can be recorded for the same period
    with clock(FIXED):
        again = value_services.measure_value_create(
            user=manager, measure=world["measure"], period_end=RECORDED, value=Decimal("58")
        )
    assert _status(world, FIXED).latest.value == Decimal("58")
    assert again.pk != value.pk


def test_an_owner_may_not_change_an_old_value_or_someone_elses(
    client, clock, world, manager, other_manager, admin_user, leader
):
    value = world["value"]
    with clock(date(2025, 7, 17)):  # fifteen days after it was recorded
        with pytest.raises(PermissionDenied):
            value_services.measure_value_correct(
                user=manager, value=value, new_value=Decimal("1"), reason="x", expected_version=1
            )
        client.force_login(manager)
        assert client.get(f"/measure-values/{value.pk}/correct/").status_code == 403
        assert client.post(f"/measure-values/{value.pk}/withdraw/", {}).status_code == 403
        for person in (other_manager, leader):
            client.force_login(person)
            for action in ("correct", "withdraw"):
                url = f"/measure-values/{value.pk}/{action}/"
                assert client.get(url).status_code == 403
                assert client.post(
                    url, {"value": "1", "reason": "x", "version": 1}
                ).status_code == (403)
        # an administrator may correct any value, at any time
        saved = value_services.measure_value_correct(
            user=admin_user,
            value=value,
            new_value=Decimal("62"),
            reason="Audited figure",
            expected_version=1,
        )
    assert saved.value == Decimal("62")


def test_an_owner_may_not_change_a_value_an_administrator_recorded(
    clock, world, manager, admin_user
):
    with clock(FIXED):
        value = value_services.measure_value_create(
            user=admin_user, measure=world["measure"], period_end=FIXED, value=Decimal("63")
        )
        assert not value_services.can_change_value(manager, value)
        assert value_services.can_change_value(admin_user, value)
        assert value_services.values_changeable_by(manager, world["objective"]) == {
            world["value"].pk
        }
        assert value_services.values_changeable_by(admin_user, world["objective"]) == {
            world["value"].pk,
            value.pk,
        }


def test_the_objective_page_links_correct_and_withdraw_for_those_allowed(
    client, clock, world, manager, admin_user, leader
):
    value = world["value"]
    links = (f"/measure-values/{value.pk}/correct/", f"/measure-values/{value.pk}/withdraw/")
    url = f"/objectives/{world['objective'].pk}/"
    with clock(FIXED):
        for person, shown in ((manager, True), (admin_user, True), (leader, False)):
            client.force_login(person)
            page = client.get(url).content.decode()
            assert all((link in page) == shown for link in links), person
    with clock(date(2025, 7, 20)):
        client.force_login(manager)
        assert links[0] not in client.get(url).content.decode()
        client.force_login(admin_user)
        assert links[0] in client.get(url).content.decode()
        past = client.get(url, {"as_of": "2025-07-05"}, follow=True).content.decode()
        assert links[0] not in past


def test_a_stale_or_missing_version_gets_the_one_stale_answer(client, clock, world, admin_user):
    value = world["value"]
    with clock(FIXED):
        value_services.measure_value_correct(
            user=admin_user, value=value, new_value=Decimal("60"), reason="x", expected_version=1
        )
        client.force_login(admin_user)
        for version in ("1", ""):
            response = client.post(
                f"/measure-values/{value.pk}/correct/",
                {"value": "45", "reason": "Mine", "version": version},
            )
            assert response.status_code == 409
            assert STALE_MESSAGE.format(what="value") in response.content.decode()
            assert 'name="version" value="2"' in response.content.decode()
        with pytest.raises(StaleEditError):
            value_services.measure_value_withdraw(
                user=admin_user, value=value, reason="x", expected_version=1
            )
    value.refresh_from_db()
    assert value.value == Decimal("60") and value.withdrawn_on is None


def test_a_withdrawn_value_cannot_be_changed_again(clock, world, admin_user):
    value = world["value"]
    with clock(FIXED):
        value_services.measure_value_withdraw(
            user=admin_user, value=value, reason="x", expected_version=1
        )
        value.refresh_from_db()
        with pytest.raises(ValidationError):
            value_services.measure_value_correct(
                user=admin_user,
                value=value,
                new_value=Decimal("1"),
                reason="x",
                expected_version=value.version,
            )


def test_history_stays_consistent(clock, world, admin_user):
    with clock(FIXED):
        value_services.measure_value_correct(
            user=admin_user,
            value=world["value"],
            new_value=Decimal("60"),
            reason="x",
            expected_version=1,
        )
        value_services.measure_value_withdraw(
            user=admin_user, value=world["value"], reason="y", expected_version=2
        )
    assert list(check_model(MeasureValue)) == []
