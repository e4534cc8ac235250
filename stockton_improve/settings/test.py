"""Test settings: fast hashing, email kept in memory, same database rules as development."""

import os
import tempfile
from pathlib import Path

from .development import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Sign-in limits are tested on their own (tests/test_security.py) with the Axes backend enabled.
AXES_ENABLED = False
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "sso.backends.OrganisationAccountBackend",
]

# Evidence files written by tests go to a throw-away folder, never the project's private one.
STORAGES["evidence"]["OPTIONS"] = {  # noqa: F405
    "location": str(Path(tempfile.gettempdir()) / f"improve-test-evidence-{os.getpid()}")
}

# Evidence packs are built at once in the request, through the same code the thread runs
# (one test starts the thread itself).
EVIDENCE_PACK_THREADS = False
