"""The account page, the administrators' email log, and Django's password-reset views.

Password reset: responses never say whether an account exists, in their words or their
timing: the account is looked up and the email built and sent only after the answer has gone,
so an address with an account and one without do the same work before it. Requests are limited
per address and per network address (counted in the database, so the limits hold across
processes and hosts); leavers are never sent a link and a link sent before someone left no
longer works.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable
from datetime import timedelta
from functools import partial

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_http_methods

from calendars.views import account_calendar
from kit.form_pages import FormPage
from kit.formatting import person_name
from kit.security import client_address
from objectives import permissions

from . import digest_selectors, forms, selectors, services

User = get_user_model()
log = logging.getLogger("improve.security")
errors = logging.getLogger(__name__)
LIMIT_WINDOW = timedelta(hours=1)


@require_http_methods(["GET", "POST"])
def account(request):
    """Every signed-in person: their own details, the emails they choose to get and their
    calendar link (made the first time they open the page)."""
    person = request.user
    preference = selectors.preference_for(person)
    initial = {
        "daily_reminder": preference.daily_reminder,
        "weekly_digest": preference.weekly_digest,
    }
    page = FormPage(request)
    form = page.bind(
        forms.PreferenceForm, initial=initial, offer_digest=digest_selectors.gets_digest(person)
    )
    if page.submit(
        lambda data: services.preference_update(
            user=request.user,
            person=person,
            daily_reminder=data["daily_reminder"],
            weekly_digest=data.get("weekly_digest", preference.weekly_digest),
        )
    ):
        messages.success(request, "Your email choices have been saved.")
        return redirect("reminders:account")
    roles = sorted(permissions.group_names(person) & set(permissions.ROLES))
    response = render(
        request,
        "reminders/account.html",
        {"form": form, "person": person, "roles": roles, **account_calendar(request)},
    )
    # The page may show the private calendar link: no copy is kept by the browser or a proxy.
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_http_methods(["GET", "POST"])
def password_change(request):
    """Every signed-in person with a password: change it (current password, new one twice).
    They stay signed in here; their other sessions end."""
    person = request.user
    page = FormPage(request)
    form = page.bind(forms.ChangePasswordForm, user=person)
    if person.has_usable_password() and page.submit(
        lambda data: services.password_change(
            user=person, new_password=data["new_password1"], ip=client_address(request)
        )
    ):
        update_session_auth_hash(request, page.result)
        messages.success(request, "Your password has been changed.")
        return redirect("reminders:account")
    response = render(request, "reminders/password_change.html", {"form": form, "person": person})
    patch_cache_control(response, private=True, no_store=True)
    return response


@require_http_methods(["GET"])
def email_log(request):
    """Administrators: every email the service sent or tried to send, latest first."""
    if not permissions.can_manage_plan(request.user):
        raise PermissionDenied("Only administrators can see the email log.")
    return render(request, "reminders/email_log.html", {"rows": selectors.email_log()})


def _client_ip(request) -> str:
    return client_address(request)


def _over_limit(key: str, limit: int) -> bool:
    """Count one request under ``key``; True once the hour's ``limit`` is passed."""
    digest = hashlib.sha256(key.encode("utf-8", "surrogatepass")).hexdigest()
    count = services.request_count_add(key=f"password-reset:{digest}", window=LIMIT_WINDOW)
    return count > limit


class RedirectThenRun(HttpResponseRedirect):
    """A redirect that runs ``after`` once it has been sent.

    The WSGI server calls ``close()`` after writing the response (and Django's test client
    calls it before returning), so the person has the answer before ``after`` starts. It runs
    before the rest of ``close()``, while the request's database connection is still open.
    """

    def __init__(self, redirect_to: str, after: Callable[[], object]):
        super().__init__(redirect_to)
        self._after: Callable[[], object] | None = after

    def close(self):
        after, self._after = self._after, None
        try:
            if after is not None:
                after()
        except Exception:  # the answer has gone: nobody to tell but the log
            errors.exception("The password reset email could not be prepared or sent")
        finally:
            super().close()


class PasswordResetView(auth_views.PasswordResetView):
    form_class = forms.ResetRequestForm
    template_name = "registration/password_reset_form.html"
    email_template_name = "registration/password_reset_email.txt"
    html_email_template_name = "registration/password_reset_email.html"
    subject_template_name = "registration/password_reset_subject.txt"

    def get_extra_email_context(self):
        return {"site_url": settings.SITE_URL}

    def form_valid(self, form):
        email = form.cleaned_data["email"].strip().casefold()
        # Both are counted on every request, so one cannot be used to hide from the other.
        by_address = _over_limit(f"address:{email}", settings.PASSWORD_RESET_LIMIT)
        by_ip = _over_limit(f"ip:{_client_ip(self.request)}", settings.PASSWORD_RESET_IP_LIMIT)
        if by_address or by_ip:
            log.info("password-reset-limited by_address=%s by_ip=%s", by_address, by_ip)
            return HttpResponseRedirect(self.get_success_url())
        # Finding the account, making its link and sending the email all wait until the
        # answer has gone, so the answer takes as long whether the address has an account.
        send = partial(
            form.save,
            use_https=self.request.is_secure(),
            token_generator=self.token_generator,
            from_email=self.from_email,
            email_template_name=self.email_template_name,
            subject_template_name=self.subject_template_name,
            request=self.request,
            html_email_template_name=self.html_email_template_name,
            extra_email_context=self.get_extra_email_context(),
        )
        return RedirectThenRun(self.get_success_url(), send)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = forms.ChoosePasswordForm
    template_name = "registration/password_reset_confirm.html"

    def get_user(self, uidb64):
        if len(uidb64) > 64:
            return None
        user = super().get_user(uidb64)
        if user is None or not user.is_active:
            return None
        return user


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "registration/password_reset_done.html"


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "registration/password_reset_complete.html"


@require_http_methods(["POST"])
def person_invite(request, pk: int):
    """Administrators: email someone a new link to choose their password."""
    if not permissions.can_manage_plan(request.user):
        raise PermissionDenied("Only administrators can invite people.")
    person = get_object_or_404(User, pk=pk)
    name = person_name(person)
    if not person.is_active:
        messages.info(request, f"{name} has left, so no link was sent.")
    elif services.invitation_send(user=request.user, person=person):
        messages.success(request, f"We have emailed {person.email} a link to choose a password.")
    else:
        messages.info(request, f"The email to {name} could not be sent. Try again later.")
    return redirect("people:person_detail", pk=person.pk)
