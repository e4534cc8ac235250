"""The two steps of signing in with the organisation's account, and the refusal page.

Both answer 404 while single sign-on is not configured. Whatever goes wrong at the provider
or with its answer (a wrong state or nonce, an expired token, an unknown person, a leaver) ends
on a clear refusal page, never a 500, and is written to the security log.
"""

from __future__ import annotations

from django.core.exceptions import SuspiciousOperation
from django.http import Http404
from django.shortcuts import render
from mozilla_django_oidc.views import OIDCAuthenticationCallbackView, OIDCAuthenticationRequestView
from requests import RequestException

from kit.security import client_address, log

from . import backends
from .config import is_configured

REASONS = {
    backends.UNKNOWN: "There is no account in this service for your email address.",
    backends.LEFT: "The account for your email address has been closed.",
    backends.UNVERIFIED: "Your organisation's account did not confirm your email address.",
    backends.SEVERAL: "More than one account in this service has your email address.",
    backends.BAD_TOKEN: "The answer from your organisation's sign-in service could not be "
    "trusted (it may have expired).",
    "state": "The sign-in did not match the one started from this browser. It may have "
    "expired, or been started in another tab.",
    "provider": "Your organisation's sign-in service did not sign you in.",
    "unreachable": "Your organisation's sign-in service could not be reached.",
}


class StartView(OIDCAuthenticationRequestView):
    def dispatch(self, request, *args, **kwargs):
        if not is_configured():
            raise Http404("Single sign-on is not set up.")
        return super().dispatch(request, *args, **kwargs)

    def __init__(self, *args, **kwargs):
        if is_configured():
            super().__init__(*args, **kwargs)
        else:
            super(OIDCAuthenticationRequestView, self).__init__(*args, **kwargs)


class CallbackView(OIDCAuthenticationCallbackView):
    def dispatch(self, request, *args, **kwargs):
        if not is_configured():
            raise Http404("Single sign-on is not set up.")
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        if request.GET.get("error"):
            request.sso_refusal = "provider"
        try:
            return super().get(request)
        except SuspiciousOperation:
            request.sso_refusal = getattr(request, "sso_refusal", None) or "state"
            return self.login_failure()
        except (RequestException, ValueError, KeyError, TypeError):
            # The provider could not be reached, or answered with something unreadable.
            request.sso_refusal = "unreachable"
            return self.login_failure()

    def login_failure(self):
        request = self.request
        reason = getattr(request, "sso_refusal", None) or "state"
        log.warning("sso-refused reason=%s ip=%s", reason, client_address(request))
        return render(
            request,
            "sso/refused.html",
            {"reason": REASONS.get(reason, REASONS["state"])},
            status=403,
        )

    def login_success(self):
        response = super().login_success()
        log.info(
            "sso-sign-in user=%s ip=%s", self.user.get_username(), client_address(self.request)
        )
        return response
