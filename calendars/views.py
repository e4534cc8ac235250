"""The calendar feed (no sign-in: the token in the address is the key) and replacing a link.

The token is never logged: the logging settings hide everything after ``/calendar/`` in every
request log line (kit.security.HideSecretPaths).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.views.decorators.http import require_http_methods, require_POST

from . import feed, selectors, services


def feed_url(token: str) -> str:
    return feed.absolute_url(reverse("calendars:feed", args=[token]))


@login_not_required
@require_http_methods(["GET", "HEAD"])
def calendar_feed(request, token):
    person = selectors.feed_owner(token)
    if person is None:
        raise Http404("There is no calendar at this address.")
    body = feed.calendar_for(
        person,
        milestones=selectors.open_milestones(person),
        meetings=selectors.board_meetings(person),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="improvement-plan.ics"'
    response["Cache-Control"] = "private, no-store"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_POST
def calendar_feed_replace(request):
    services.calendar_feed_replace(user=request.user)
    messages.success(
        request, "Your calendar link has been replaced. The old link has stopped working."
    )
    return redirect(reverse("reminders:account") + "#calendar")


def account_calendar(request) -> dict:
    """What the account page shows about the person's calendar link, making the first one."""
    link = services.calendar_feed_start(user=request.user)
    return {
        "calendar_link": feed_url(link.token) if link.works else None,
        "calendar_made_at": link.created_at,
    }
