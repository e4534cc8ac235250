"""Each person's private calendar link (``/calendar/<token>.ics``).

The link's token is the only key to the feed, so only a hash of it is kept: nobody who reads
the database, a backup or the admin can rebuild a working link. A link is the person's own
setting, not part of the plan's record, so it has no history; making or replacing one is
written to the security log (without the token).
"""

import hashlib
import re
import secrets

from django.conf import settings
from django.db import models
from django.utils import timezone

TOKEN_BYTES = 32
# secrets.token_urlsafe(32): 43 characters of the URL-safe base64 alphabet.
TOKEN_PATTERN = re.compile(r"[A-Za-z0-9_-]{43}")


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def token_hash(token: str) -> str:
    """The SHA-256 of a token, as kept in the database. A token has 256 random bits, so a
    plain hash cannot be reversed or guessed."""
    return hashlib.sha256(token.encode("ascii")).hexdigest()


class CalendarFeed(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "calendar link"

    def __str__(self) -> str:
        return f"Calendar link of {self.user}"

    def matches(self, token: str | None) -> bool:
        """Whether ``token`` is this link's, compared in constant time."""
        if not token or not TOKEN_PATTERN.fullmatch(token):
            return False
        return secrets.compare_digest(self.token_hash, token_hash(token))
