"""The demo has enough finished milestones for a likely finish today, a few objectives likely
to finish after their target, and a year of history for the backtest."""

import io
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.management import call_command

from objectives.models import Plan
from tracking import backtest, forecasts, selectors

pytestmark = pytest.mark.django_db
NOW = datetime(2026, 3, 10, 10, 30, tzinfo=ZoneInfo("Europe/London"))


def test_demo_has_a_forecast_and_objectives_likely_after_target():
    with time_machine.travel(NOW, tick=False):
        call_command("seed_demo", "--force", stdout=io.StringIO())
        plan = Plan.objects.get()
        today = NOW.date()
        likely = forecasts.plan_forecast(plan, today, selectors.plan_drift(plan).objectives)
        result = backtest.backtest(plan, today)
    assert likely.enough and likely.stats.class_size >= 10
    assert len(likely.late) >= 2
    assert all(h.compared >= 10 for h in result.horizons)
