"""Forms for owners: one objective's owner, moving many objectives to a new owner, and the
accountability page's plan filter (administrators only).
"""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from kit.govuk_forms import GovukForm, VersionField, reason_field
from objectives.models import Objective, Plan
from people.forms import OWNER_HINT, PersonChoiceField, person_label, possible_owners

User = get_user_model()


class OwnerForm(GovukForm):
    owner = PersonChoiceField(
        queryset=User.objects.none(),
        label="New owner",
        help_text=OWNER_HINT,
        empty_label="Choose a person",
        error_messages={
            "required": "Choose the new owner",
            "invalid_choice": "Choose the new owner",
        },
    )
    reason = reason_field(
        "Reason for the change",
        required_message="Give a reason for changing the owner",
        help_text="For example, Sam has moved to the fostering service. Recorded in the history.",
    )
    version = VersionField()

    def __init__(self, *args, objective: Objective, **kwargs):
        self.objective = objective
        initial = {"version": objective.version, **(kwargs.pop("initial", None) or {})}
        super().__init__(*args, initial=initial, **kwargs)
        self.fields["owner"].queryset = possible_owners()
        if objective.owner_id is None:
            self.fields[
                "reason"
            ].help_text = (
                "For example, Agreed at the improvement board on 3 March. Recorded in the history."
            )

    def clean_owner(self):
        owner = self.cleaned_data["owner"]
        if owner.pk == self.objective.owner_id:
            raise ValidationError(f"{person_label(owner)} already owns this objective")
        return owner


class BulkReassignForm(GovukForm):
    from_person = PersonChoiceField(
        queryset=User.objects.none(),
        label="Move the open objectives of",
        empty_label="Choose a person",
        error_messages={
            "required": "Choose whose objectives to move",
            "invalid_choice": "Choose whose objectives to move",
        },
    )
    to_person = PersonChoiceField(
        queryset=User.objects.none(),
        label="To",
        help_text=OWNER_HINT,
        empty_label="Choose a person",
        error_messages={
            "required": "Choose who will own them",
            "invalid_choice": "Choose who will own them",
        },
    )
    reason = reason_field(
        "Reason for the change",
        required_message="Give a reason for moving the objectives",
        help_text="Recorded in the history of every objective that moves.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        owners = (
            User.objects.filter(owned_objectives__in=Objective.objects.open().values("pk"))
            .distinct()
            .order_by("first_name", "last_name", "username")
        )
        self.fields["from_person"].queryset = owners
        self.fields["to_person"].queryset = possible_owners()

    def clean(self):
        cleaned = super().clean()
        source, target = cleaned.get("from_person"), cleaned.get("to_person")
        if source and target and source == target:
            self.add_error("to_person", "Choose someone other than the current owner")
        return cleaned


class PlanFilterForm(forms.Form):
    plan = forms.ModelChoiceField(
        queryset=Plan.objects.all(), required=False, empty_label="All plans", label="Plan"
    )
