"""The demo's findings register, measures and evidence: what a leader should see."""

import io
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from impact import measure_selectors, selectors
from impact.models import Evidence, Finding, MeasureValue
from objectives.models import Plan
from tracking.integrity import check_model, tracked_models

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 10, 10, 30, tzinfo=ZoneInfo("Europe/London"))


def test_demo_register_measures_and_evidence(evidence_folder):
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", "--force", stdout=io.StringIO())
        counts = (Finding.objects.count(), MeasureValue.objects.count(), Evidence.objects.count())
        call_command("seed_demo", "--force", stdout=io.StringIO())
        assert (
            Finding.objects.count(),
            MeasureValue.objects.count(),
            Evidence.objects.count(),
        ) == counts
        plan = Plan.objects.get()
        today = NOW.date()
        register = selectors.findings_register(plan, today)
        measures = [
            m for items in measure_selectors.plan_measures(plan, today).values() for m in items
        ]
        earlier = selectors.findings_register(plan, date(2025, 6, 30))
    assert len(register) == 18
    assert register[0].ref == "F18" and register[0].status == "unanswered"
    assert all(f.objectives for f in register[1:])
    assert {f.source for f in register} == {
        "SIF 2016",
        "JTAI neglect 2017",
        "Peer challenge 2018",
        "Annual conversation 2018",
    }
    statuses = [m.status for m in measures]
    assert statuses.count("off_track") == 1 and statuses.count("no_data") == 1
    assert "on_track" in statuses and "behind" in statuses
    assert all(len(m.values) >= 12 for m in measures if m.status != "no_data")
    assert [f.status for f in earlier] != [f.status for f in register]
    assert Evidence.objects.filter(kind="file").count() == 1
    assert len([p for p in evidence_folder.rglob("*") if p.is_file()]) == 1
    for model in tracked_models():
        assert list(check_model(model)) == [], model
