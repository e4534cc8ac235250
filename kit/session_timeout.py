"""Staying signed in: the warning before the idle sign-out (WCAG 2.2.1) and its one action.

Every signed-in page carries the warning (``templates/includes/_timeout_warning.html``), which
``timeout-warning.mjs`` opens ``SESSION_WARNING_SECONDS`` before ``SESSION_IDLE_SECONDS`` run out.
Its "Stay signed in" button posts here: with JavaScript the page stays as it is (and whatever
was typed into it); without, the form posts and comes back to the same page.
"""

import time

from django.conf import settings
from django.http import HttpResponse
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods

from .security import client_address, log


def timeout_settings(request) -> dict:
    """Context processor: the numbers the warning needs, for signed-in pages."""
    if not getattr(request, "user", None) or not request.user.is_authenticated:
        return {}
    idle = settings.SESSION_IDLE_SECONDS
    warning = min(settings.SESSION_WARNING_SECONDS, idle)
    return {
        "session_timeout": {
            "idle_seconds": idle,
            "warning_seconds": warning,
            "idle_minutes": max(1, idle // 60),
            "warning_minutes": max(1, warning // 60),
        }
    }


@require_http_methods(["POST"])
def stay_signed_in(request):
    """Start the idle time again. Signed-out people never get here: the sign-in page answers."""
    request.session["last_seen"] = int(time.time())
    log.info("stayed-signed-in user=%s ip=%s", request.user.get_username(), client_address(request))
    if request.headers.get("Accept", "").startswith("application/json"):
        return HttpResponse(status=204)
    back = request.POST.get("next", "")
    if back and url_has_allowed_host_and_scheme(
        back, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(back)
    return redirect("tracking:home")
