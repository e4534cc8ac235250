"""The administrators' "Remind the missing owners" button (on the dashboard and /manage/)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseBadRequest
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST

from kit.form_pages import administrators_only
from objectives.models import Plan

from .board_reminders import board_reminders_send


def _back(request, plan: Plan) -> str:
    """Where the button was pressed (a page of this site), else the plan's dashboard."""
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) and target.startswith("/"):
        return target
    return f"{reverse('dashboard:home')}?plan={plan.pk}"


@administrators_only
@require_POST
def board_remind(request, pk: int):
    """Remind the owners whose update for the plan's next board is missing (the meeting the
    page showed), each once per meeting, and say who was reminded and who was not."""
    plan = get_object_or_404(Plan, pk=pk)
    text = request.POST.get("meeting", "")
    if not (text.isascii() and text.isdigit() and len(text) <= 18):
        return HttpResponseBadRequest("Choose the board meeting from the page.")
    try:
        outcome = board_reminders_send(user=request.user, plan=plan, meeting_id=int(text))
    except ValidationError as error:
        messages.info(request, " ".join(error.messages))
    else:
        if outcome.sent:
            messages.success(request, outcome.message)
        else:
            messages.info(request, outcome.message)
    return redirect(_back(request, plan))
