"""The pages a public body publishes: the accessibility statement, the privacy notice and the
cookies page. Anyone may read them, signed in or not, so they read nothing from the plan."""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import render
from django.views.decorators.http import require_http_methods


def _context() -> dict:
    return {
        "contact_email": settings.SERVICE_CONTACT_EMAIL,
        "idle_minutes": settings.SESSION_IDLE_SECONDS // 60,
    }


@login_not_required
@require_http_methods(["GET", "HEAD"])
def accessibility(request):
    return render(request, "kit/accessibility.html", _context())


@login_not_required
@require_http_methods(["GET", "HEAD"])
def privacy(request):
    return render(request, "kit/privacy.html", _context())


@login_not_required
@require_http_methods(["GET", "HEAD"])
def cookies(request):
    return render(request, "kit/cookies.html", _context())
