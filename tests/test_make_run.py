"""`make run PORT=...` serves on that port, and the links in emails follow it (SITE_URL)."""

import os
import shutil
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
MAKE = shutil.which("make") or "/usr/bin/make"


def _dry_run(*args: str, env_site_url: str | None = None) -> str:
    env = {k: v for k, v in os.environ.items() if k != "SITE_URL"}
    if env_site_url:
        env["SITE_URL"] = env_site_url
    result = subprocess.run(  # noqa: S603 (the project's own Makefile, a fixed program)
        [MAKE, "--no-print-directory", "-n", "run", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return next(line for line in result.stdout.splitlines() if "runserver" in line)


def test_site_url_follows_the_port_make_run_serves_on():
    assert _dry_run("PORT=8123") == (
        "SITE_URL=http://127.0.0.1:8123 DEBUG=1 .venv/bin/python manage.py runserver 127.0.0.1:8123"
    )
    assert "SITE_URL=http://127.0.0.1:8000 " in _dry_run()
    given = _dry_run("PORT=8123", env_site_url="https://improve.example.org")
    assert given.startswith("SITE_URL=https://improve.example.org ")
