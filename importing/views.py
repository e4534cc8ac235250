"""Import an existing plan from Excel: upload, map the columns, preview, import.

Administrators only (403 for anyone else). Nothing is written until "Import" on the preview;
then one service call writes everything in one transaction.
"""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.forms.utils import ErrorDict
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from kit.form_pages import administrators_only

from . import store
from .columns import COLUMNS, MILESTONES, OBJECTIVES, guess_mapping, headings_match_template
from .forms import NEW_PLAN, TOO_BIG, MappingForm, UploadForm
from .parsing import read_workbook
from .preview import build_preview, describe_changes
from .preview_rows import PlanChoice
from .selectors import plans_for_import
from .services import ImportRefused, plan_import
from .template import template_workbook
from .workbook import MAX_UPLOAD_BYTES, WorkbookRefused

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
UPLOAD_ROOM = 64 * 1024  # the form's other fields and the multipart framing


def _content_length(request) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@administrators_only
@require_http_methods(["GET", "POST"])
def upload(request):
    if request.method == "POST" and _content_length(request) > MAX_UPLOAD_BYTES + UPLOAD_ROOM:
        # Refused before the body is read, so a huge upload costs nothing.
        form = UploadForm()
        form.cleaned_data, form._errors = {}, ErrorDict()
        form.add_error("workbook", TOO_BIG)
        return render(request, "importing/upload.html", {"form": form}, status=413)
    posted = request.method == "POST"
    form = UploadForm(request.POST if posted else None, request.FILES if posted else None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["workbook"]
        data = upload.read(MAX_UPLOAD_BYTES + 1)
        try:
            workbook = read_workbook(data)
        except WorkbookRefused as refused:
            for problem in refused.problems:
                form.add_error("workbook", str(problem))
        else:
            if form.cleaned_data["plan"] == NEW_PLAN:
                choice = PlanChoice(
                    name=form.cleaned_data["name"].strip(),
                    organisation=form.cleaned_data["organisation"].strip(),
                    starts_on=form.cleaned_data["starts_on"],
                    ends_on=form.cleaned_data["ends_on"],
                )
            else:
                choice = PlanChoice(plan=plans_for_import().get(pk=form.cleaned_data["plan"]))
            mapping = {
                name: guess_mapping(workbook.sheet(name), name) for name in (OBJECTIVES, MILESTONES)
            }
            store.save_upload(
                request.session,
                file_name=upload.name,
                data=data,
                choice=choice,
                mapping=mapping,
            )
            if all(
                headings_match_template(workbook.sheet(name), name)
                for name in (OBJECTIVES, MILESTONES)
            ) and workbook.sheet(OBJECTIVES):
                return redirect("importing:preview")
            return redirect("importing:columns")
    return render(request, "importing/upload.html", {"form": form})


def _with_upload(view):
    """A later step: the view gets the workbook kept from the upload (its file name, workbook,
    plan choice and column mapping); without one (never uploaded, imported already, or
    expired), the page that says so."""

    @wraps(view)
    def wrapper(request):
        try:
            kept = store.load(request.session)
        except store.NothingUploaded:
            return render(request, "importing/nothing_uploaded.html")
        return view(request, *kept)

    return wrapper


@administrators_only
@require_http_methods(["GET", "POST"])
@_with_upload
def columns(request, file_name, workbook, choice, mapping):
    form = MappingForm(
        request.POST if request.method == "POST" else None, workbook=workbook, mapping=mapping
    )
    if request.method == "POST" and form.is_valid():
        store.save_mapping(request.session, form.mapping())
        return redirect("importing:preview")
    return render(
        request,
        "importing/columns.html",
        {"form": form, "file_name": file_name, "choice": choice, "has_sheets": bool(form.sheets)},
    )


@administrators_only
@require_http_methods(["GET", "POST"])
@_with_upload
def preview(request, file_name, workbook, choice, mapping):
    refused = []
    if request.method == "POST":
        try:
            result = plan_import(
                user=request.user,
                workbook=workbook,
                mapping=mapping,
                choice=choice,
                file_name=file_name,
            )
        except ImportRefused as error:
            refused = error.problems  # the plan changed meanwhile, or a rule said no
        else:
            store.clear(request.session)
            messages.success(request, f"Imported {file_name}: {result.summary()}.")
            return redirect("planning:plan_detail", result.plan.pk)
    result = build_preview(workbook, mapping, choice, today=timezone.localdate())
    result.problems.extend(p for p in refused if p not in result.problems)
    changed = [(row, describe_changes(row)) for row in result.objectives_changed]
    return render(
        request,
        "importing/preview.html",
        {
            "file_name": file_name,
            "choice": choice,
            "preview": result,
            "objectives_changed": changed,
            "columns_used": _columns_used(workbook, mapping),
        },
        status=200,
    )


def _columns_used(workbook, mapping) -> list[tuple[str, list[tuple[str, str]]]]:
    used = []
    for name in (OBJECTIVES, MILESTONES):
        sheet = workbook.sheet(name)
        if sheet is None:
            continue
        rows = []
        for column in COLUMNS[name]:
            index = mapping.get(name, {}).get(column.name)
            rows.append(
                (column.label, sheet.column_label(index) if index is not None else "Not used")
            )
        used.append((sheet.title, rows))
    return used


@administrators_only
@require_GET
def template(request):
    response = HttpResponse(template_workbook(), content_type=XLSX)
    response["Content-Disposition"] = 'attachment; filename="improvement-plan-template.xlsx"'
    return response
