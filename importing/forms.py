"""The import page's forms: the upload with the plan to import into, and the column mapping."""

from __future__ import annotations

from django import forms

from kit.govuk_forms import DateInputMixin, date_boxes

from .columns import COLUMNS, MILESTONES, OBJECTIVES
from .selectors import plans_for_import
from .workbook import MAX_UPLOAD_BYTES, Workbook

NEW_PLAN = "new"
TOO_BIG = "The selected file must be smaller than 5MB"
NOT_XLSX = "The selected file must be an Excel workbook (.xlsx)"


class UploadForm(DateInputMixin, forms.Form):
    workbook = forms.FileField(
        label="Upload the workbook",
        help_text="An Excel workbook (.xlsx) of up to 5MB, laid out like the template.",
        error_messages={
            "required": "Select an Excel workbook (.xlsx)",
            "empty": "The selected file is empty",
            "invalid": "Select an Excel workbook (.xlsx)",
            "missing": "Select an Excel workbook (.xlsx)",
        },
    )
    plan = forms.ChoiceField(
        label="Plan to import into",
        help_text="Rows are matched to the plan's objectives by reference: matching ones are "
        "updated, the others are added. Nothing is deleted.",
        error_messages={"required": "Choose the plan to import into"},
    )
    name = forms.CharField(required=False, max_length=200, label="Name of the new plan")
    organisation = forms.CharField(required=False, max_length=200, label="Organisation")
    starts_on_day, starts_on_month, starts_on_year = date_boxes()
    ends_on_day, ends_on_month, ends_on_year = date_boxes()

    date_inputs = {"starts_on": ("Start date", False), "ends_on": ("End date", False)}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["plan"].choices = [("", "Choose a plan"), (NEW_PLAN, "A new draft plan")] + [
            (str(plan.pk), f"{plan.name} ({'draft' if plan.is_draft else 'published'})")
            for plan in plans_for_import()
        ]
        self.fields["workbook"].widget.attrs["accept"] = (
            ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        )

    def clean_workbook(self):
        upload = self.cleaned_data["workbook"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(TOO_BIG)
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(NOT_XLSX)
        return upload

    def clean(self):
        cleaned = super().clean()
        self.clean_dates(cleaned)
        if cleaned.get("plan") == NEW_PLAN:
            if not (cleaned.get("name") or "").strip():
                self.add_error("name", "Enter the name of the new plan")
            if not (cleaned.get("organisation") or "").strip():
                self.add_error("organisation", "Enter the organisation")
            starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
            if "starts_on_day" not in self.errors and starts_on is None:
                self.add_date_error("starts_on", "Enter the start date of the new plan")
            if "ends_on_day" not in self.errors and ends_on is None:
                self.add_date_error("ends_on", "Enter the end date of the new plan")
            if starts_on and ends_on and ends_on <= starts_on:
                self.add_date_error("ends_on", "The end date must be after the start date")
        return cleaned


class MappingForm(forms.Form):
    """One choice per field of the template: which column of the workbook holds it."""

    def __init__(self, *args, workbook: Workbook, mapping: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.sheets = []
        for sheet_name in (OBJECTIVES, MILESTONES):
            sheet = workbook.sheet(sheet_name)
            if sheet is None:
                continue
            choices = [("", "Not in the workbook")] + [
                (str(i), sheet.column_label(i)) for i in range(len(sheet.headings))
            ]
            names = []
            for column in COLUMNS[sheet_name]:
                name = f"{sheet_name.lower()}-{column.name}"
                guessed = mapping.get(sheet_name, {}).get(column.name)
                self.fields[name] = forms.ChoiceField(
                    label=column.label,
                    help_text=column.note,
                    choices=choices,
                    required=column.required,
                    initial="" if guessed is None else str(guessed),
                    error_messages={
                        "required": f"Choose the column that holds the {column.label.lower()}",
                        "invalid_choice": "Choose one of the workbook's columns",
                    },
                )
                names.append(name)
            self.sheets.append((sheet.title, names))

    def clean(self):
        cleaned = super().clean()
        for _title, names in self.sheets:
            chosen: dict[str, str] = {}
            for name in names:
                value = cleaned.get(name)
                if not value:
                    continue
                if value in chosen:
                    self.add_error(
                        name,
                        f"This column is already chosen for {self.fields[chosen[value]].label}",
                    )
                else:
                    chosen[value] = name
        has_milestones = any(n.startswith("milestones-") for _t, ns in self.sheets for n in ns)
        if has_milestones and not (
            cleaned.get("milestones-baseline_date") or cleaned.get("milestones-due_date")
        ):
            self.add_error("milestones-due_date", "Choose the column that holds the due date")
        return cleaned

    def mapping(self) -> dict:
        result = {OBJECTIVES: {}, MILESTONES: {}}
        for sheet_name in (OBJECTIVES, MILESTONES):
            for column in COLUMNS[sheet_name]:
                value = self.cleaned_data.get(f"{sheet_name.lower()}-{column.name}")
                result[sheet_name][column.name] = int(value) if value else None
        return result

    def sheet_fields(self):
        return [(title, [self[name] for name in names]) for title, names in self.sheets]
