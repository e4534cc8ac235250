"""The dashboard's query string: which plan, which date, which filters.

One form serves the pages and the exports, so they read ``plan``, ``as_of``, ``theme``,
``owner``, ``rag`` and ``flag`` the same way. ``theme`` and ``owner`` are free text (a person may
own nothing on the date chosen, which is no error); ``rag`` and ``flag`` must be known values.
"""

import functools

from django import forms
from django.core.exceptions import ValidationError

from kit.govuk_forms import ISO_DATE, PARTS, DateError, combine_date, date_boxes
from objectives.drift import FLAGS, RAGS
from tracking import selectors

from . import rows
from .selectors import NONE, RAG_LABELS, Filters

RAG_CHOICES = [("", "Any status")] + [(rag, RAG_LABELS[rag]) for rag in RAGS]
FLAG_CHOICES = [("", "Any problem")] + [(key, label) for key, (_, label) in FLAGS.items()]


class DashboardForm(forms.Form):
    plan = forms.CharField(label="Plan", required=False, max_length=20)
    # ``?as_of=YYYY-MM-DD`` is the address's contract; people enter the date in the GOV.UK
    # day, month and year boxes, and the page then moves to the ``?as_of=`` address.
    as_of = forms.CharField(label="Date to show", required=False)
    as_of_day, as_of_month, as_of_year = date_boxes()
    theme = forms.CharField(label="Theme", required=False, max_length=200)
    owner = forms.CharField(label="Owner", required=False, max_length=150)
    rag = forms.ChoiceField(
        label="Status",
        required=False,
        choices=RAG_CHOICES,
        error_messages={
            "invalid_choice": "Choose a status from the list: red, amber, green or complete."
        },
    )
    flag = forms.ChoiceField(
        label="Problem",
        required=False,
        choices=FLAG_CHOICES,
        error_messages={"invalid_choice": "Choose a problem from the list."},
    )

    def __init__(self, data, *, plans: list, plan_required: bool = False):
        data = data.copy()
        self.from_boxes = any((data.get(f"as_of_{part}") or "").strip() for part in PARTS)
        if not self.from_boxes:
            match = ISO_DATE.fullmatch((data.get("as_of") or "").strip())
            if match:  # show the date of the address in the boxes
                year, month, day = match.groups()
                data.update({"as_of_day": day, "as_of_month": month, "as_of_year": year})
        super().__init__(data)
        self.plans = plans
        self.plan_required = plan_required
        self.whole_date_errors: list[str] = []

    def clean(self):
        """The boxes, when filled in, give the date; any error about the date is shown on them."""
        cleaned = super().clean()
        if self.from_boxes:
            self.errors.pop("as_of", None)
            result = combine_date(
                {part: self.data.get(f"as_of_{part}") or "" for part in PARTS},
                "Date to show",
                required=False,
            )
            if isinstance(result, DateError):
                self.add_error(f"as_of_{result.part or 'day'}", result.message)
                if result.part is None:
                    self.whole_date_errors.append(result.message)
                return cleaned
            try:
                cleaned["as_of"] = selectors.parse_as_of(result.isoformat())
            except ValidationError as error:
                self.add_error("as_of_day", error.messages[0])
                self.whole_date_errors.append(error.messages[0])
        elif "as_of" in self.errors:
            for message in self.errors.pop("as_of"):
                self.add_error("as_of_day", message)
                self.whole_date_errors.append(message)
        return cleaned

    def address(self, path: str) -> str:
        """The address of this view with the date from the boxes as ``?as_of=YYYY-MM-DD``."""
        from django.utils.http import urlencode

        params = [
            (name, value)
            for name, value in self.data.items()
            if name != "as_of" and not name.startswith("as_of_") and value
        ]
        params.append(("as_of", self.cleaned_data["as_of"].isoformat()))
        return f"{path}?{urlencode(params)}"

    def clean_plan(self):
        """The chosen ``Plan`` (``plans`` are ``dashboard.selectors.ListedPlan``): the only one,
        or on pages the first when none is named."""
        plan_id = (self.cleaned_data.get("plan") or "").strip()
        if plan_id:
            chosen = next((p for p in self.plans if str(p.pk) == plan_id), None)
            if chosen is None:
                raise ValidationError("There is no such plan: choose one from the list.")
            return chosen.plan()
        if not self.plans:
            raise ValidationError("There is no plan yet.")
        if len(self.plans) > 1 and self.plan_required:
            raise ValidationError("There is more than one plan: choose one with ?plan=<id>.")
        return self.plans[0].plan()

    def clean_as_of(self):
        return selectors.parse_as_of(self.cleaned_data.get("as_of"))

    def filters(self) -> Filters:
        data = self.cleaned_data
        return Filters(
            theme=(data.get("theme") or "").strip(),
            owner=(data.get("owner") or "").strip(),
            rag=data.get("rag") or "",
            flag=data.get("flag") or "",
        )

    def set_options(self, *, themes: list[tuple[str, str]], owners: list[tuple[str, str]]):
        """Before showing the form: plans as a list to choose from, and theme and owner as lists
        of what the plan has on the date (plus the current value, so a filter that matches
        nothing on another date is still shown). Only called when the page is drawn. The lists
        are handed to their boxes to be read when a box is drawn: boxes kept drawn (keyed by
        ``plan_key`` and ``filters_key``, which read the lists as they are) never read them."""
        self._options = {
            "plan": [(p.pk, f"{p.name} (draft)" if p.is_draft else p.name) for p in self.plans]
        }
        for name, options, anything in (
            ("theme", themes, "Any theme"),
            ("owner", owners, "Anyone"),
        ):
            current = (self.data.get(name) or "").strip()
            choices = [("", anything), *options]
            if current and current not in {value for value, _ in choices}:
                label = "No named owner" if current == NONE else current
                choices.append((current, f"{label} (nothing on this date)"))
            self._options[name] = choices
        for name, label in (("plan", "Plan"), ("theme", None), ("owner", None)):
            self.fields[name] = forms.ChoiceField(
                label=label or self.fields[name].label,
                required=False,
                choices=functools.partial(list, self._options[name]),
            )
            self._bound_fields_cache.pop(name, None)

    def _shown_key(self, names) -> str:
        """What these boxes show (each list, its choice, its errors) and the template that
        draws them: the key they are kept drawn under."""
        options = getattr(self, "_options", {})
        return rows.template_digest("includes/_field.html") + repr(
            [
                (
                    n,
                    options[n] if n in options else self.fields[n].choices,
                    self.data.get(n, ""),
                    list(self.errors.get(n, [])),
                )
                for n in names
            ]
        )

    @property
    def date_key(self) -> str:
        """What the date boxes show (what was typed and any errors), for the key the page's
        date form is kept drawn under."""
        boxes = [f"as_of_{part}" for part in PARTS]
        return repr(
            [(n, self.data.get(n, ""), list(self.errors.get(n, []))) for n in boxes]
            + [self.whole_date_errors]
        )

    @property
    def filters_key(self) -> str:
        return self._shown_key(("theme", "owner", "rag", "flag"))

    @property
    def plan_key(self) -> str:
        return self._shown_key(("plan",))

    def error_messages_text(self) -> str:
        return " ".join(str(m) for errors in self.errors.values() for m in errors)
