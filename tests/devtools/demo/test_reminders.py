"""The demo data gives a believable morning of reminders (seed_demo, then a dry run)."""

import io
from datetime import date

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.management import call_command

from objectives.models import Plan

User = get_user_model()
MONDAY = date(2026, 3, 9)


def _call(*args) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_the_demo_morning(clock):
    with clock(MONDAY, hour=6):
        _call("seed_demo", "--force")
        _call("seed_demo", "--force")  # twice: nothing changes, nothing is duplicated
    plan = Plan.objects.get()
    assert plan.published_on is not None
    owners = User.objects.filter(owned_objectives__plan=plan).distinct()
    assert all(owner.email for owner in owners)
    with clock(MONDAY, hour=7):
        output = _call("send_reminders", "--dry-run")
    assert mail.outbox == []
    reminders = output.count("would send: Daily reminder to ")
    assert reminders >= 3, output
    assert "would send: Weekly digest for Leadership to Lesley Grant" in output
    assert "would send: Weekly digest for Administrators to Alex Morgan" in output
    assert "kestrelford.example.org" in output
