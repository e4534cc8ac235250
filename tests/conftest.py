import shutil
from datetime import datetime

import pytest
import time_machine
from django.conf import settings
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def _empty_cache():
    """Each test starts with nothing kept (the kept past days live in Django's cache)."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def admin_user(db):
    return factories.make_admin("alice_admin")


@pytest.fixture
def leader(db):
    return factories.make_leader("lee_leader")


@pytest.fixture
def manager(db):
    return factories.make_manager("mo_manager")


@pytest.fixture
def other_manager(db):
    return factories.make_manager("nat_manager")


@pytest.fixture
def clock():
    """``with clock(date(2026, 3, 1)):`` freezes time at noon London time on that day.

    Pass ``hour`` and ``minute`` for another time of day, or an aware datetime instead of a date.
    """

    def at(when, hour: int = 12, minute: int = 0):
        moment = when if isinstance(when, datetime) else factories.london(when, hour, minute)
        assert moment.tzinfo is not None
        return time_machine.travel(moment, tick=False)

    return at


def pytest_sessionfinish(session, exitstatus):
    """Remove the throw-away folder the tests' evidence files were written to."""
    location = settings.STORAGES["evidence"].get("OPTIONS", {}).get("location")
    if location and "improve-test-evidence-" in str(location):
        shutil.rmtree(location, ignore_errors=True)


@pytest.fixture
def evidence_folder(settings, tmp_path):
    """Evidence files go to a fresh private folder for the test."""
    folder = tmp_path / "evidence"
    settings.STORAGES = {
        **settings.STORAGES,
        "evidence": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(folder)},
        },
    }
    return folder
