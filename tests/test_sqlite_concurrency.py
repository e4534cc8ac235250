"""On an SQLite file (what `make run` uses), concurrent writers wait for each other.

WAL mode and immediate transactions (settings.base) mean a second writer waits for the lock
instead of failing with "database is locked". The suite's own SQLite database is in memory, so
this runs a small script against a fresh file database in a separate process.
"""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent

SCRIPT = r"""
import json, threading
import django
django.setup()
from datetime import date
from django.core.management import call_command
from django.db import connection, connections
from django.contrib.auth import get_user_model
from objectives import services
from milestones import services as milestone_services
from milestones.models import Milestone

call_command("migrate", verbosity=0)
user = get_user_model().objects.create_user("writer", is_superuser=True)  # sets up past dates
plan = services.plan_create(user=user, name="P", organisation="O",
                            starts_on=date(2025, 1, 1), ends_on=date(2027, 1, 1))
objective = services.objective_create(user=user, plan=plan, ref="1.1", title="T",
                                      starts_on=date(2025, 1, 1), target_date=date(2026, 12, 31))
milestones = [milestone_services.milestone_create(user=user, objective=objective, title=f"M{i}",
              due_date=date(2026, 6, 1)) for i in range(8)]
errors, done = [], []

def work(milestone):
    try:
        for step in range(1, 16):
            services.progress_update_create(user=user, objective=objective,
                reported_on=date(2025, 6, 1), rag="green", summary=f"{milestone.pk}-{step}")
            milestone_services.milestone_reschedule(milestone=milestone, user=user,
                due_date=date(2026, 6, 1 + step), reason="later")
            done.append(1)
    except Exception as error:
        errors.append(repr(error))
    finally:
        connections.close_all()

threads = [threading.Thread(target=work, args=(m,)) for m in milestones]
for t in threads: t.start()
for t in threads: t.join()
mode = connection.cursor().execute("PRAGMA journal_mode").fetchone()[0]
histories = sum(m.history.count() for m in Milestone.objects.all())
print(json.dumps({"errors": errors, "done": len(done), "journal": mode, "histories": histories}))
"""


def test_concurrent_writers_on_an_sqlite_file_wait_instead_of_failing(tmp_path):
    env = dict(os.environ)
    env.update(
        DJANGO_SETTINGS_MODULE="stockton_improve.settings.development",
        DATABASE_URL=f"sqlite:///{tmp_path / 'concurrent.sqlite3'}",
        DEBUG="0",
    )
    result = subprocess.run(  # noqa: S603 (our own interpreter and script)
        [sys.executable, "-c", SCRIPT],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    outcome = json.loads(result.stdout.strip().splitlines()[-1])
    assert outcome["errors"] == []
    assert outcome["journal"] == "wal"
    assert outcome["done"] == 8 * 15
    # Each milestone: its creation and 15 re-forecasts, every one recorded.
    assert outcome["histories"] == 8 * 16
