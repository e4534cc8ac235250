"""Test settings: fast hashing, email kept in memory, same database rules as development."""

from .development import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"

# Sign-in limits are tested on their own (tests/test_security.py) with the Axes backend enabled.
AXES_ENABLED = False
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "sso.backends.OrganisationAccountBackend",
]
