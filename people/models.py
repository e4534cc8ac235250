"""People: the accounts of everyone who uses the plan, with their own history.

The user model is Django's; registering it here gives ``User.history``, so names, email, the
active flag and group membership are recorded with who and when, and drift can read an owner's
account as it stood on any past day. Password hashes and sign-in times are left out of it.
"""

import simple_history
from django.contrib.auth.models import User
from django.db import models

from objectives.history import unique_message
from objectives.models import HistoryRecord, KeptHistoryManager

USER_HISTORY_EXCLUDED = ["password", "last_login"]

simple_history.register(
    User,
    app="people",
    bases=[HistoryRecord],
    history_change_reason_field=models.TextField(null=True),
    excluded_fields=USER_HISTORY_EXCLUDED,
    m2m_fields=["groups"],
    history_manager=KeptHistoryManager,
)

USERNAME_TAKEN = "That username is taken; choose another"
unique_message(User, ("username",), field="username", message=USERNAME_TAKEN)
