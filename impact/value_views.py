"""Pages for a measure's values: record one, correct one, withdraw one (thin views)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.views.decorators.http import require_http_methods

from kit.form_pages import FormPage, edit_fields, fields
from kit.formatting import number
from objectives import drafts

from . import value_services
from .forms import MeasureValueCorrectForm, MeasureValueForm, MeasureValueWithdrawForm
from .models import Measure, MeasureValue
from .page_access import objective_url, require_editor

# --- owners and administrators: values ------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def measure_value_create(request, pk: int):
    measure = get_object_or_404(
        Measure.objects.select_related("objective__plan", "objective__owner"), pk=pk
    )
    objective = measure.objective
    require_editor(request, objective)
    page = FormPage(request)
    page.bind(MeasureValueForm)
    if page.submit(
        lambda data: value_services.measure_value_create(
            user=request.user, measure=measure, **fields(data, "period_end", "value", "note")
        )
    ):
        messages.success(
            request,
            f"{measure.name}: value for the period ending "
            f"{page.result.period_end:%-d %B %Y} recorded",
        )
        return redirect(objective_url(objective, "#measures"))
    context = {"objective": objective, "measure": measure, "back_url": objective_url(objective)}
    return page.render("impact/measure_value_form.html", context)


def _value_page(request, pk: int, form_class, template: str, run, saved_message):
    """Correct or withdraw one value: for an administrator, or the owner who recorded it
    recently (403 for anyone else, before anything is validated)."""
    value = get_object_or_404(
        MeasureValue.objects.select_related(
            "measure__objective__plan", "measure__objective__owner", "recorded_by"
        ),
        pk=pk,
    )
    objective = value.measure.objective
    drafts.require_visible(request.user, objective)
    require_editor(request, objective)
    if value.withdrawn_on is not None:
        messages.info(request, "This value was already withdrawn")
        return redirect(objective_url(objective, "#measures"))
    if not value_services.can_change_value(request.user, value):
        raise PermissionDenied
    page = FormPage(request, what="value")
    page.bind(form_class, value=value)
    if page.submit(lambda data: run(value, data)):
        messages.success(request, saved_message(page.result))
        return redirect(objective_url(objective, "#measures"))
    context = {
        "objective": objective,
        "measure": value.measure,
        "value": value,
        "back_url": objective_url(objective, "#measures"),
    }
    return page.render(template, context)


@require_http_methods(["GET", "POST"])
def measure_value_correct(request, pk: int):
    return _value_page(
        request,
        pk,
        MeasureValueCorrectForm,
        "impact/measure_value_correct.html",
        run=lambda value, data: value_services.measure_value_correct(
            user=request.user,
            value=value,
            new_value=data["value"],
            note=data["note"],
            **edit_fields(data),
        ),
        saved_message=lambda saved: (
            f"{saved.measure.name}: value for the period ending "
            f"{saved.period_end:%-d %B %Y} corrected to {number(saved.value)}"
        ),
    )


@require_http_methods(["GET", "POST"])
def measure_value_withdraw(request, pk: int):
    return _value_page(
        request,
        pk,
        MeasureValueWithdrawForm,
        "impact/measure_value_withdraw.html",
        run=lambda value, data: value_services.measure_value_withdraw(
            user=request.user, value=value, **edit_fields(data)
        ),
        saved_message=lambda saved: (
            f"{saved.measure.name}: value for the period ending "
            f"{saved.period_end:%-d %B %Y} withdrawn. It stays in its history."
        ),
    )
