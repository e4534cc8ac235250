"""From finding to impact: the findings register, measures of impact and evidence.

Every model keeps its full history (django-simple-history) and is written only through
``impact.services``. Links between objectives and findings are rows of their own, so linking
and unlinking are in the history too.
"""

import secrets

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.storage import storages
from django.db import models
from django.db.models import Q
from django.utils import timezone

from milestones.models import Milestone
from objectives.history import unique_message
from objectives.models import Objective, Plan, ProgressUpdate, tracked_history

VALUE_DIGITS = 14
VALUE_PLACES = 2


class Finding(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="findings")
    ref = models.CharField(max_length=20, help_text='For example "F3".')
    source = models.CharField(
        max_length=200, blank=True, help_text='Where it was found, for example "SIF 2016".'
    )
    text = models.TextField(max_length=5000)
    version = models.PositiveIntegerField(default=1, editable=False)
    objectives = models.ManyToManyField(
        Objective, through="ObjectiveFinding", related_name="findings"
    )
    history = tracked_history()

    class Meta:
        ordering = ["plan_id", "ref", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "ref"], name="finding_ref_unique_in_plan"),
            models.CheckConstraint(condition=~Q(text=""), name="finding_text_not_blank"),
            models.CheckConstraint(condition=~Q(ref=""), name="finding_ref_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.source}".strip()

    def clean(self):
        if self.text is not None and not self.text.strip():
            raise ValidationError({"text": "Enter what the finding says."})
        if self.ref is not None and not self.ref.strip():
            raise ValidationError({"ref": "Enter a reference for the finding."})


unique_message(
    Finding,
    ("plan", "ref"),
    field="ref",
    message="The plan already has a finding {ref}: choose another",
)


class ObjectiveFinding(models.Model):
    """An objective answers a finding. Unlinking deletes the row; its history keeps it."""

    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="finding_links")
    finding = models.ForeignKey(Finding, on_delete=models.PROTECT, related_name="links")
    history = tracked_history()

    class Meta:
        ordering = ["finding_id", "objective_id"]
        constraints = [
            models.UniqueConstraint(
                fields=["objective", "finding"], name="objective_finding_unique"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.objective_id} answers {self.finding_id}"

    def clean(self):
        if self.objective_id and self.finding_id and self.objective.plan_id != self.finding.plan_id:
            raise ValidationError({"finding": "The finding belongs to another plan."})


# What a measure is, in the order its forms and services name it.
MEASURE_FIELDS = (
    "name",
    "unit",
    "direction",
    "baseline_value",
    "baseline_on",
    "target_value",
    "target_on",
)


class Measure(models.Model):
    class Direction(models.TextChoices):
        UP = "up", "Higher is better"
        DOWN = "down", "Lower is better"

    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="measures")
    name = models.CharField(max_length=200)
    unit = models.CharField(max_length=50, blank=True, help_text='For example "%" or "children".')
    direction = models.CharField(max_length=4, choices=Direction.choices)
    baseline_value = models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    baseline_on = models.DateField()
    target_value = models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    target_on = models.DateField()
    version = models.PositiveIntegerField(default=1, editable=False)
    history = tracked_history()

    class Meta:
        ordering = ["objective_id", "name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_on__gt=models.F("baseline_on")),
                name="measure_target_after_baseline",
            ),
            models.CheckConstraint(
                condition=Q(direction__in=["up", "down"]), name="measure_direction_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.baseline_on and self.target_on and self.target_on <= self.baseline_on:
            raise ValidationError({"target_on": "The target date must be after the baseline date."})
        if (
            self.baseline_value is not None
            and self.target_value is not None
            and self.direction
            and self.baseline_value != self.target_value
        ):
            better = self.target_value > self.baseline_value
            if better != (self.direction == self.Direction.UP):
                raise ValidationError(
                    {
                        "target_value": "The target must be higher than the baseline when "
                        "higher is better, and lower when lower is better."
                    }
                )


class MeasureValue(models.Model):
    """A measure's value for one period. A mistaken value is corrected (a new figure, with a
    reason) or withdrawn (``withdrawn_on``, with a reason); it is never deleted."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="values")
    period_end = models.DateField(help_text="The last day of the period the value is for.")
    value = models.DecimalField(max_digits=VALUE_DIGITS, decimal_places=VALUE_PLACES)
    note = models.TextField(max_length=2000, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    withdrawn_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day the value was withdrawn; from then on it counts nowhere.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = tracked_history()

    class Meta:
        ordering = ["measure_id", "period_end", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["measure", "period_end"],
                condition=Q(withdrawn_on__isnull=True),
                name="measure_value_one_per_period",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure} to {self.period_end}"

    def clean(self):
        if self.period_end and self.period_end > timezone.localdate():
            raise ValidationError({"period_end": "The end of the period cannot be in the future."})


unique_message(
    MeasureValue,
    ("measure", "period_end"),
    field="period_end",
    message="A value for the period ending {period_end:%-d %B %Y} is already recorded",
)


# --- evidence ---------------------------------------------------------------------------------


def evidence_storage():
    """The private storage for evidence files (settings.STORAGES["evidence"]): a folder
    outside the web root by default, object storage when the settings say so."""
    return storages["evidence"]


def random_name(extension: str) -> str:
    """A random stored name: the person's file name is kept as data, never used as a path."""
    return f"{secrets.token_hex(16)}.{extension or 'bin'}"


class Evidence(models.Model):
    class Kind(models.TextChoices):
        LINK = "link", "Link"
        FILE = "file", "File"

    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="evidence")
    progress_update = models.ForeignKey(
        ProgressUpdate,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="evidence",
    )
    milestone = models.ForeignKey(
        Milestone, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    kind = models.CharField(max_length=4, choices=Kind.choices)
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=2000, blank=True)
    stored_name = models.CharField(
        max_length=200, blank=True, editable=False, help_text="Its name in evidence storage."
    )
    original_name = models.CharField(max_length=255, blank=True)
    extension = models.CharField(max_length=10, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveBigIntegerField(default=0)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    added_on = models.DateField(default=timezone.localdate)
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawn_reason = models.TextField(blank=True)
    history = tracked_history()

    class Meta:
        ordering = ["objective_id", "-added_on", "-id"]
        verbose_name_plural = "evidence"
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="link", url__gt="") | Q(kind="file", stored_name__gt=""),
                name="evidence_link_or_file",
            ),
            models.CheckConstraint(
                condition=Q(progress_update__isnull=True) | Q(milestone__isnull=True),
                name="evidence_one_attachment",
            ),
        ]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.progress_update_id and self.progress_update.objective_id != self.objective_id:
            raise ValidationError({"progress_update": "The update is on another objective."})
        if self.milestone_id and self.milestone.objective_id != self.objective_id:
            raise ValidationError({"milestone": "The milestone is on another objective."})

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_on is not None

    @property
    def attached_to(self) -> str:
        if self.milestone_id:
            return f"Milestone: {self.milestone.title}"
        if self.progress_update_id:
            return f"Progress update of {self.progress_update.reported_on:%-d %B %Y}"
        return "The objective"
