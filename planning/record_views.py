"""Administrators' corrections and withdrawals under /manage/, each with a reason and an
"Are you sure?" page (GOV.UK confirmation pattern) that sums up what will change.

The first POST checks the form and tries the change in a transaction that is rolled back, so
the confirmation page is shown only for a change the service would accept. The second POST
(with ``confirm``) makes it. Nothing is ever deleted.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from kit.form_pages import administrators_only, posted, run_service
from kit.formatting import long_date
from kit.stale_edits import render_form
from milestones import services as milestone_services
from objectives import services as objective_services
from objectives.models import Objective

from . import record_forms
from .objective_views import back_to, milestone_or_404, safe_next


class _TryOnly(Exception):
    """Raised to roll back a change that was only being tried."""


def _attempt(form, action: Callable[[], object], *, confirm: bool, what: str):
    """Run (or, before confirmation, only try) one service. Returns the saved row, True when a
    try succeeded, or None with the problem shown on the form."""
    if confirm:
        return run_service(form, action, what=what)

    def try_only():
        with transaction.atomic():
            action()
            raise _TryOnly

    try:
        return run_service(form, try_only, what=what)
    except _TryOnly:
        return True


def _page(request, *, objective, milestone, what: str, heading: str, button: str, url: str):
    """What every correction and withdrawal page shows around its form."""
    back = back_to(request, objective.pk)
    return {
        "milestone": milestone,
        "objective": objective,
        "plan": objective.plan,
        "next": safe_next(request),
        "back_url": back if milestone else back.removesuffix("#milestones"),
        "what": what,
        "heading": heading,
        "action_url": url,
        "button": button,
    }


def _confirm_or_form(request, form, *, run, context, form_template, summary, saved_message):
    """The shared flow: form -> "Are you sure?" -> change, for one row."""
    confirm = request.method == "POST" and request.POST.get("confirm") == "yes"
    if request.method == "POST" and form.is_valid():
        result = _attempt(form, run, confirm=confirm, what=context["what"])
        if result is not None and confirm:
            messages.success(request, saved_message(result))
            return redirect(context["back_url"])
        if result is not None:
            return render(
                request,
                "planning/record_confirm.html",
                {**context, "form": form, "summary": summary(form.cleaned_data)},
            )
    return render_form(request, form_template, {**context, "form": form})


@administrators_only
@require_http_methods(["GET", "POST"])
def milestone_correct_completion(request, pk: int):
    milestone = milestone_or_404(pk)
    objective = milestone.objective
    form = record_forms.CorrectCompletionForm(posted(request), milestone=milestone)
    context = _page(
        request,
        objective=objective,
        milestone=milestone,
        what="milestone",
        heading="Correct the recorded completion",
        button="Correct the completion",
        url=reverse("planning:milestone_correct_completion", args=[pk]),
    )

    def summary(data):
        new = long_date(data["completed_on"]) if data["completed_on"] else "Not complete (reopened)"
        return [
            ("Milestone", milestone.title),
            ("Recorded completion", long_date(milestone.completed_on) or "Not complete"),
            ("After the correction", new),
            ("Reason", data["reason"]),
        ]

    def run():
        data = form.cleaned_data
        return milestone_services.milestone_correct_completion(
            milestone=milestone,
            user=request.user,
            completed_on=data["completed_on"],
            reason=data["reason"],
            expected_version=data["version"],
        )

    def saved(result):
        if result.completed_on is None:
            return f"‘{result.title}’ has been reopened: it is no longer complete."
        return f"‘{result.title}’ is now recorded as completed on {long_date(result.completed_on)}."

    return _confirm_or_form(
        request,
        form,
        run=run,
        context=context,
        form_template="planning/milestone_correct_completion.html",
        summary=summary,
        saved_message=saved,
    )


def _milestone_withdrawal(request, pk: int) -> dict:
    milestone = milestone_or_404(pk)
    return {
        "row": milestone,
        "objective": milestone.objective,
        "milestone": milestone,
        "summary": [
            ("Milestone", milestone.title),
            ("Forecast date", long_date(milestone.due_date)),
            ("Withdrawn from", "Today: it leaves the drift picture from today, not before"),
        ],
        "run": lambda **kwargs: milestone_services.milestone_withdraw(
            milestone=milestone, **kwargs
        ),
        "saved": lambda result: (
            f"‘{result.title}’ has been withdrawn. It stays on the objective’s page and in "
            "its history."
        ),
    }


def _objective_withdrawal(request, pk: int) -> dict:
    objective = get_object_or_404(Objective.objects.select_related("plan", "owner"), pk=pk)
    return {
        "row": objective,
        "objective": objective,
        "milestone": None,
        "summary": [
            ("Objective", f"{objective.ref} {objective.title}"),
            ("Status now", objective.get_status_display()),
            ("After withdrawal", "Withdrawn: it leaves the drift picture from today, not before"),
        ],
        "run": lambda **kwargs: objective_services.objective_withdraw(
            objective=objective, **kwargs
        ),
        "saved": lambda result: (
            f"Objective {result.ref} has been withdrawn. It stays on its page and in its history."
        ),
    }


WITHDRAWALS = {"milestone": _milestone_withdrawal, "objective": _objective_withdrawal}


@administrators_only
@require_http_methods(["GET", "POST"])
def withdraw(request, pk: int, what: str):
    """Withdraw a milestone or an objective (``what``): one page, one flow, with a reason."""
    row = WITHDRAWALS[what](request, pk)
    form = record_forms.WithdrawForm(posted(request), row=row["row"])
    context = _page(
        request,
        objective=row["objective"],
        milestone=row["milestone"],
        what=what,
        heading=f"Withdraw the {what}",
        button=f"Withdraw the {what}",
        url=reverse(f"planning:{what}_withdraw", args=[pk]),
    )
    return _confirm_or_form(
        request,
        form,
        run=lambda: row["run"](
            user=request.user,
            reason=form.cleaned_data["reason"],
            expected_version=form.cleaned_data["version"],
        ),
        context=context,
        form_template="planning/record_withdraw.html",
        summary=lambda data: [*row["summary"], ("Reason", data["reason"])],
        saved_message=row["saved"],
    )
