"""Each person's private calendar link (``/calendar/<token>.ics``).

The token is kept as it is, so the account page can always show the person their current link
(as large calendar services do); replacing it makes a new one and the old one stops at once. A
link is the person's own setting, not part of the plan's record, so it has no history; making
or replacing one is written to the security log (without the token), and request logs hide
everything after ``/calendar/`` (``kit.security.HideSecretPaths``). The admin never shows it.

Links made before tokens were kept have no token (only a hash was kept then, now dropped):
they no longer work, and the account page asks the person to make a new one.
"""

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


class CalendarFeed(models.Model):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed"
    )
    # Null (not "", which would clash as unique) for a link made when only a hash was kept.
    token = models.CharField(max_length=43, unique=True, null=True, editable=False)  # noqa: DJ001
    created_at = models.DateTimeField(default=timezone.now, editable=False)

    class Meta:
        verbose_name = "calendar link"

    def __str__(self) -> str:
        return f"Calendar link of {self.user}"

    @property
    def works(self) -> bool:
        return bool(self.token)

    def matches(self, token: str | None) -> bool:
        """Whether ``token`` is this link's, compared in constant time."""
        if not self.token or not token or not TOKEN_PATTERN.fullmatch(token):
            return False
        return secrets.compare_digest(self.token, token)
