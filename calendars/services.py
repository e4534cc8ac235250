"""Making and replacing a person's calendar link.

The security log records that a link was made or replaced, never the token.
"""

from __future__ import annotations

import logging

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from .models import CalendarFeed, new_token

log = logging.getLogger("improve.security")


def _require_active(user) -> None:
    if user is None or not user.is_authenticated or not user.is_active:
        raise PermissionDenied("Sign in to get a calendar link.")


@transaction.atomic
def calendar_feed_start(*, user) -> CalendarFeed:
    """The person's calendar link, made the first time they ask for it. A link made before
    tokens were kept is returned as it is (with no token): the person makes a new one."""
    _require_active(user)
    feed, created = CalendarFeed.objects.get_or_create(user=user, defaults={"token": new_token()})
    if created:
        log.info("calendar-link-made user=%s", user.get_username())
    return feed


@transaction.atomic
def calendar_feed_replace(*, user) -> str:
    """A new calendar link for the person, returning its token; the old one stops working at
    once."""
    _require_active(user)
    feed = CalendarFeed.objects.select_for_update().filter(user=user).first()
    replaced = feed is not None
    if feed is None:
        feed = CalendarFeed(user=user)
    feed.token = new_token()
    feed.created_at = timezone.now()
    feed.full_clean(validate_unique=False)
    feed.save()
    log.info("calendar-link-%s user=%s", "replaced" if replaced else "made", user.get_username())
    return feed.token
