"""Two hosts sending the same morning at once: each person still gets each email once."""

import threading
from collections import Counter

import pytest
from django.core import mail
from django.core.management import call_command
from django.db import connection

from reminders.models import SentEmail

from .conftest import T

RUNS = 4


@pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="concurrent writers need PostgreSQL; SQLite serialises them and runs the rest",
)
@pytest.mark.django_db(transaction=True)
def test_runs_at_the_same_moment_send_each_email_once(morning, clock):
    start = threading.Barrier(RUNS)
    errors: list[str] = []
    mail.outbox.clear()  # the owners were told of their objectives when the morning was built

    def send():
        try:
            start.wait()
            call_command("send_reminders", "--date", T.isoformat())
        except Exception as error:  # noqa: BLE001 - reported in the assertion below
            errors.append(repr(error))
        finally:
            connection.close()

    with clock(T, hour=7):
        threads = [threading.Thread(target=send) for _ in range(RUNS)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=60)
    assert errors == []
    per_person = Counter(m.to[0] for m in mail.outbox)
    assert per_person == {
        "mo@example.org": 1,
        "nat@example.org": 1,
        "lee@example.org": 1,
        "ada@example.org": 1,
    }
    assert SentEmail.objects.filter(status="sent").exclude(kind="owner_assigned").count() == 4
    assert SentEmail.objects.exclude(status="sent").count() == 0
