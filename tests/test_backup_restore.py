"""The README's backup and restore, for real: the demo plan (and an evidence file) dumped with
``pg_dump -Fc``, restored with ``pg_restore`` into a fresh database, the evidence folder copied
back; ``/api/drift/`` then answers byte for byte as before at several dates, every evidence file
downloads the same, and ``check_history`` is clean on the restored database."""

import json
import os
import shutil
import subprocess
from datetime import timedelta
from pathlib import Path

import psycopg
import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from impact import evidence_services
from objectives.models import Objective

pytestmark = [
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="pg_dump and pg_restore: PostgreSQL",
    ),
    pytest.mark.django_db(transaction=True),
]

ROOT = Path(__file__).resolve().parent.parent
PYTHON = ROOT / ".venv" / "bin" / "python"

# Run in a separate process against one database: each plan's /api/drift/ at each date, and
# each evidence file, as a leader and an administrator see them (bytes, hex-encoded).
READ_EVERYTHING = """
import json, sys
import django
django.setup()
from django.test.utils import setup_test_environment
setup_test_environment()  # the test client's host name; emails kept in memory
from django.contrib.auth import get_user_model
from django.test import Client
from impact.models import Evidence
from objectives.models import Plan

days = json.loads(sys.argv[1])
users = get_user_model().objects
answers = {}
for username in ("leader", "admin"):
    client = Client()
    client.force_login(users.get(username=username))
    for plan in Plan.objects.order_by("pk"):
        for day in days:
            url = f"/api/drift/?plan={plan.pk}&as_of={day}"
            response = client.get(url)
            answers[f"{username} {url}"] = [response.status_code, response.content.hex()]
    for evidence in Evidence.objects.filter(kind=Evidence.Kind.FILE).order_by("pk"):
        url = f"/evidence/{evidence.pk}/download/"
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        answers[f"{username} {url}"] = [response.status_code, body.hex()]
print(json.dumps(answers))
"""


def _url(name: str) -> str:
    db = connection.settings_dict
    return (
        f"postgres://{db['USER']}:{db['PASSWORD']}@{db.get('HOST') or '127.0.0.1'}:"
        f"{db.get('PORT') or 5432}/{name}"
    )


def _pg_env() -> dict[str, str]:
    db = connection.settings_dict
    return {
        **os.environ,
        "PGHOST": db.get("HOST") or "127.0.0.1",
        "PGPORT": str(db.get("PORT") or 5432),
        "PGUSER": db["USER"],
        "PGPASSWORD": db["PASSWORD"],
    }


def _django_env(database: str, evidence: Path) -> dict[str, str]:
    return {
        **os.environ,
        # Development settings read EVIDENCE_ROOT (the test settings use a folder of their own).
        "DJANGO_SETTINGS_MODULE": "stockton_improve.settings.development",
        "DATABASE_URL": _url(database),
        "EVIDENCE_ROOT": str(evidence),
    }


def _read_everything(database: str, evidence: Path, days: list[str]) -> dict:
    result = subprocess.run(  # noqa: S603 (the project's own Python)
        [str(PYTHON), "-c", READ_EVERYTHING, json.dumps(days)],
        cwd=ROOT,
        env=_django_env(database, evidence),
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout.strip().splitlines()[-1])


@pytest.fixture
def fresh_database():
    """A database that does not exist yet, dropped again afterwards."""
    name = f"{connection.settings_dict['NAME']}_restored"
    admin = _url("postgres")

    def drop():
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')

    drop()
    yield name
    drop()


def test_the_demo_restored_from_a_dump_answers_byte_for_byte(
    evidence_folder, settings, tmp_path, fresh_database, monkeypatch
):
    monkeypatch.setenv("DEMO_PASSWORD", "restore-test-Password-2026")
    call_command("seed_demo", "--force", stdout=open(os.devnull, "w"))  # noqa: SIM115
    evidence_services.evidence_add_file(
        user=get_user_model().objects.get(username="admin"),
        objective=Objective.objects.order_by("pk").first(),
        title="Board minutes",
        name="minutes.txt",
        data="Minutes of the improvement board. Café, naïve: not ASCII.".encode(),
    )
    assert any(evidence_folder.rglob("*")), "the evidence file was written"

    source = connection.settings_dict["NAME"]
    today = timezone.localdate()
    days = [(today - timedelta(days=n)).isoformat() for n in (0, 1, 30, 120, 365)]
    before = _read_everything(source, evidence_folder, days)
    assert len([url for url in before if "/evidence/" in url]) >= 2  # ours, as each sees it
    refused = {url: status for url, (status, _) in before.items() if status != 200}
    assert refused == {}

    # Backup: a custom-format dump of the database and a copy of the evidence folder.
    dump = tmp_path / "improve.dump"
    backup_folder = tmp_path / "backup-evidence"
    subprocess.run(  # noqa: S603
        ["pg_dump", "-Fc", "--no-owner", "-f", str(dump), source],  # noqa: S607
        env=_pg_env(),
        check=True,
        capture_output=True,
    )
    shutil.copytree(evidence_folder, backup_folder)

    # Restore: a fresh database, pg_restore, the evidence folder copied back to a new place.
    with psycopg.connect(_url("postgres"), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{fresh_database}"')
    restored = subprocess.run(  # noqa: S603
        [  # noqa: S607
            "pg_restore",
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "-d",
            fresh_database,
            str(dump),
        ],
        env=_pg_env(),
        capture_output=True,
        text=True,
    )
    assert restored.returncode == 0, restored.stderr
    restored_folder = tmp_path / "restored-evidence"
    shutil.copytree(backup_folder, restored_folder)

    after = _read_everything(fresh_database, restored_folder, days)
    assert after.keys() == before.keys()
    different = [url for url in before if after[url] != before[url]]
    assert different == [], different

    history = subprocess.run(  # noqa: S603
        [str(PYTHON), "manage.py", "check_history"],
        cwd=ROOT,
        env=_django_env(fresh_database, restored_folder),
        capture_output=True,
        text=True,
    )
    assert history.returncode == 0, history.stdout + history.stderr
    assert "History is complete and consistent." in history.stdout
