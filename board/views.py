"""The board pack (HTML, PDF, workbook), board meetings and challenges (thin views).

Anonymous visitors never reach these (LoginRequiredMiddleware); people with no role get 403,
drafts are for administrators only (404 for anyone else), and every change is a POST that
calls one service.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.views.decorators.http import require_GET, require_http_methods

from dashboard import charts
from dashboard import selectors as dashboard_selectors
from dashboard.forms import DashboardForm
from kit.form_pages import FormPage, edit_fields
from kit.formatting import long_date, person_name
from objectives import drafts, permissions
from objectives.models import Objective, Plan

from . import forms, pack_selectors, pdf, selectors, services, workbook
from .models import BoardMeeting, Challenge


def _site_url(request) -> str:
    return request.build_absolute_uri("/").rstrip("/")


def _pack_request(request):
    """(pack, None) for a good query string, or (None, (forms, message)) when it is wrong."""
    if not permissions.can_view_plan(request.user):
        raise PermissionDenied("Your account has no role in this service.")
    plans = drafts.visible_plans(request.user, dashboard_selectors.plans(request.GET.get("plan")))
    form = DashboardForm(request.GET, plans=plans)
    if not form.is_valid():
        return None, form, None
    plan, as_of = form.cleaned_data["plan"], form.cleaned_data["as_of"]
    since_form = forms.SinceForm.from_request(request.GET, as_of=as_of)
    if since_form.is_bound and not since_form.is_valid():
        return None, form, since_form
    pack = pack_selectors.board_pack(plan, as_of, since_form.since())
    return pack, form, since_form


def _query(pack) -> str:
    return urlencode(
        {"plan": pack.plan.pk, "as_of": pack.as_of.isoformat(), "since": pack.since.isoformat()}
    )


def _filename(pack, ext: str) -> str:
    return f"board-pack-plan-{pack.plan.pk}-{pack.as_of:%Y-%m-%d}.{ext}"


def _errors_text(*forms_) -> str:
    return " ".join(
        str(m) for f in forms_ if f is not None for errors in f.errors.values() for m in errors
    )


@require_GET
def report(request):
    pack, form, since_form = _pack_request(request)
    if pack is None:
        context = {"form": form, "since_form": since_form, "errors": _errors_text(form, since_form)}
        return render(request, "board/report_error.html", context, status=400)
    context = {
        "pack": pack,
        "query": _query(pack),
        "today": timezone.localdate(),
        "pdf": False,
        "chart": charts.rag_trend(pack.trend, prefix="pack-trend"),
    }
    return render(request, "board/report.html", context)


@require_GET
def report_pdf(request):
    pack, form, since_form = _pack_request(request)
    if pack is None:
        return HttpResponse(
            _errors_text(form, since_form), status=400, content_type="text/plain; charset=utf-8"
        )
    body, _ = pdf.pack_pdf(pack, base_url=request.build_absolute_uri("/"), request=request)
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{_filename(pack, "pdf")}"'
    return response


@require_GET
def report_xlsx(request):
    pack, form, since_form = _pack_request(request)
    if pack is None:
        return HttpResponse(
            _errors_text(form, since_form), status=400, content_type="text/plain; charset=utf-8"
        )
    response = HttpResponse(workbook.build(pack), content_type=workbook.CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{_filename(pack, "xlsx")}"'
    return response


# --- board meetings ------------------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def meetings(request, pk: int):
    page = FormPage(
        request, permissions.can_manage_plan, refusal="Only administrators can manage the plan."
    )
    plan = get_object_or_404(Plan, pk=pk)
    page.bind(forms.BoardMeetingForm)
    if page.submit(
        lambda data: services.board_meeting_create(
            user=request.user, plan=plan, held_on=data["held_on"], name=data["name"]
        )
    ):
        meeting = page.result
        messages.success(
            request, f"Board meeting “{meeting.name}” on {meeting.held_on:%-d %B %Y} added."
        )
        return redirect("board:meetings", pk=plan.pk)
    return page.render("board/meetings.html", {"plan": plan, "meetings": selectors.meetings(plan)})


def _meeting_page(request, pk: int, form_class, template: str, run, saved_message):
    """Move or cancel one meeting (administrators only): a form with a reason, one service."""
    page = FormPage(
        request,
        permissions.can_manage_plan,
        refusal="Only administrators can manage the plan.",
        what="meeting",
    )
    meeting = get_object_or_404(BoardMeeting.objects.select_related("plan"), pk=pk)
    page.bind(form_class, meeting=meeting)
    if page.submit(lambda data: run(meeting, data), when=not meeting.is_cancelled):
        messages.success(request, saved_message(page.result))
        return redirect("board:meetings", pk=meeting.plan_id)
    return page.render(template, {"meeting": meeting, "plan": meeting.plan})


@require_http_methods(["GET", "POST"])
def meeting_move(request, pk: int):
    return _meeting_page(
        request,
        pk,
        forms.MeetingMoveForm,
        "board/meeting_move.html",
        run=lambda meeting, data: services.board_meeting_move(
            user=request.user, meeting=meeting, **edit_fields(data, "held_on")
        ),
        saved_message=lambda saved: (
            f"Board meeting “{saved.name}” moved to {long_date(saved.held_on)}."
        ),
    )


@require_http_methods(["GET", "POST"])
def meeting_cancel(request, pk: int):
    return _meeting_page(
        request,
        pk,
        forms.MeetingCancelForm,
        "board/meeting_cancel.html",
        run=lambda meeting, data: services.board_meeting_cancel(
            user=request.user, meeting=meeting, **edit_fields(data)
        ),
        saved_message=lambda saved: (
            f"Board meeting “{saved.name}” on {long_date(saved.held_on)} cancelled. It stays "
            "in the list and in its history."
        ),
    )


# --- challenges ----------------------------------------------------------------------------------


def _objective_url(objective_id: int) -> str:
    return reverse("tracking:objective_detail", args=[objective_id]) + "#challenges"


def _viewable_objective(request, pk: int) -> Objective:
    objective = get_object_or_404(Objective.objects.select_related("plan", "owner"), pk=pk)
    return drafts.require_visible(request.user, objective)


@require_http_methods(["GET", "POST"])
def challenge_raise(request, pk: int):
    page = FormPage(
        request,
        services.can_raise_challenge,
        refusal="Only leadership and administrators can raise a challenge.",
    )
    objective = _viewable_objective(request, pk)
    page.bind(forms.ChallengeForm)
    if page.submit(
        lambda data: services.challenge_raise(
            user=request.user,
            objective=objective,
            question=data["question"],
            site_url=_site_url(request),
        ),
        field="question",
    ):
        owner = objective.owner
        if owner is None:
            told = "The objective has no named owner to answer it yet."
        elif drafts.objective_visible(owner, objective):
            told = f"{owner.get_full_name()} has been emailed."
        else:
            told = f"The plan is a draft, so {owner.get_full_name()} has not been emailed."
        messages.success(request, f"Challenge raised. {told}")
        return redirect(_objective_url(objective.pk))
    return page.render("board/challenge_raise.html", {"objective": objective})


def _challenge(request, pk: int) -> Challenge:
    challenge = get_object_or_404(
        Challenge.objects.select_related("objective", "objective__plan", "raised_by"), pk=pk
    )
    drafts.require_visible(request.user, challenge.objective)
    return challenge


@require_http_methods(["GET", "POST"])
def challenge_answer(request, pk: int):
    challenge = _challenge(request, pk)
    page = FormPage(
        request,
        lambda user: services.can_answer_challenge(user, challenge),
        refusal="Only the owner of the objective can answer this challenge.",
    )
    if challenge.status != Challenge.Status.OPEN:
        messages.info(request, "This challenge has already been answered.")
        return redirect(_objective_url(challenge.objective_id))
    page.bind(forms.AnswerForm)
    if page.submit(
        lambda data: services.challenge_answer(
            user=request.user,
            challenge=challenge,
            answer=data["answer"],
            site_url=_site_url(request),
        ),
        field="answer",
    ):
        raiser = challenge.raised_by
        emailed = drafts.objective_visible(raiser, challenge.objective)
        messages.success(
            request,
            f"Answer sent. {person_name(raiser)} has been emailed." if emailed else "Answer sent.",
        )
        return redirect(_objective_url(challenge.objective_id))
    context = {"challenge": challenge, "objective": challenge.objective}
    return page.render("board/challenge_answer.html", context)


@require_http_methods(["GET", "POST"])
def challenge_close(request, pk: int):
    challenge = _challenge(request, pk)
    if challenge.is_closed:
        if not services.can_raise_challenge(request.user) and not (
            challenge.raised_by_id == request.user.pk
        ):
            raise PermissionDenied
        messages.info(request, "This challenge is already closed.")
        return redirect(_objective_url(challenge.objective_id))
    if not services.can_close_challenge(request.user, challenge):
        raise PermissionDenied(
            "Only the person who raised this challenge, or an administrator, can close it."
        )
    if request.method == "POST":
        services.challenge_close(user=request.user, challenge=challenge)
        messages.success(request, "Challenge closed.")
        return redirect(_objective_url(challenge.objective_id))
    context = {"challenge": challenge, "objective": challenge.objective}
    return render(request, "board/challenge_close.html", context)
