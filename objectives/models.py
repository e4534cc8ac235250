"""The improvement plan: plans, themes, objectives and owners' progress updates.

Every model keeps its full history (django-simple-history). Writes go through
``objectives.services``; drift is computed from the history tables by ``objectives.drift``.
"""

import functools

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from simple_history.manager import HistoryManager
from simple_history.models import HistoricalRecords

from .history import unique_message


class HistoryRecord(models.Model):
    """Base of every history table: records are written once and never changed or deleted."""

    history_via = models.CharField(
        max_length=10, default="command", editable=False, help_text="web or command"
    )

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise PermissionError("History records cannot be changed.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError("History records cannot be deleted.")


class KeptHistoryManager(HistoryManager):
    """``Model.history``, with its manager class made once: the library makes a new class on
    every access (inspecting the queryset's methods each time), several times a page."""

    @classmethod
    def from_queryset(cls, queryset_class, class_name=None):
        return _history_manager_class(cls, queryset_class, class_name)


@functools.cache
def _history_manager_class(manager, queryset_class, class_name):
    return super(KeptHistoryManager, manager).from_queryset(queryset_class, class_name)


def tracked_history() -> HistoricalRecords:
    """History with room for a full reason (the library's default is 100 characters)."""
    return HistoricalRecords(
        bases=[HistoryRecord],
        history_change_reason_field=models.TextField(null=True),
        history_manager=KeptHistoryManager,
    )


class PlanQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_on__isnull=False)

    def visible_to(self, user):
        """Administrators see every plan, drafts too; everyone else only published plans."""
        from .drafts import sees_drafts

        return self if sees_drafts(user) else self.published()


class Plan(models.Model):
    name = models.CharField(max_length=200)
    organisation = models.CharField(max_length=200)
    starts_on = models.DateField()
    ends_on = models.DateField()
    slip_tolerance_days = models.PositiveIntegerField(
        default=28, help_text="A milestone slipped by more than this many days is red."
    )
    stale_after_days = models.PositiveIntegerField(
        default=42, help_text="An objective with no progress update for longer is stale."
    )
    due_soon_days = models.PositiveIntegerField(
        default=14, help_text="Milestones due within this many days are shown as due soon."
    )
    update_window_days = models.PositiveIntegerField(
        default=14,
        help_text="Owners' progress updates for a board meeting are due in this many days "
        "before it.",
    )
    published_on = models.DateField(
        null=True,
        blank=True,
        help_text="When an administrator published the plan; a draft (blank) is for "
        "administrators only.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = tracked_history()

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_on__gt=F("starts_on")), name="plan_ends_after_start"
            ),
            models.CheckConstraint(
                condition=Q(slip_tolerance_days__gt=0), name="plan_slip_tolerance_positive"
            ),
            models.CheckConstraint(
                condition=Q(stale_after_days__gt=0), name="plan_stale_after_positive"
            ),
            models.CheckConstraint(condition=Q(due_soon_days__gt=0), name="plan_due_soon_positive"),
            models.CheckConstraint(
                condition=Q(update_window_days__gt=0), name="plan_update_window_positive"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self):
        if self.starts_on and self.ends_on and self.ends_on <= self.starts_on:
            raise ValidationError({"ends_on": "The plan must end after it starts."})

    @property
    def is_draft(self) -> bool:
        return self.published_on is None


class Theme(models.Model):
    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="themes")
    name = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=0)
    version = models.PositiveIntegerField(default=1, editable=False)
    history = tracked_history()

    class Meta:
        ordering = ["plan_id", "order", "name"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "name"], name="theme_name_unique_in_plan"),
        ]

    def __str__(self) -> str:
        return self.name


THEME_NAME_TAKEN = "This plan already has a theme with that name"
unique_message(Theme, ("plan", "name"), field="name", message=THEME_NAME_TAKEN)


class ObjectiveQuerySet(models.QuerySet):
    def for_plan(self, plan):
        return self.filter(plan=plan)

    def owned_by(self, user):
        return self.filter(owner=user)

    def open(self):
        """Objectives still being worked on: neither complete nor withdrawn."""
        return self.exclude(status__in=[Objective.Status.COMPLETE, Objective.Status.WITHDRAWN])

    def current(self):
        """Objectives in the plan's picture: everything but the withdrawn."""
        return self.exclude(status=Objective.Status.WITHDRAWN)

    def visible_to(self, user):
        """Objectives of the plans ``user`` may see (drafts are for administrators only)."""
        from .drafts import visible_rows

        return visible_rows(user, self, plan_path="plan")


class Objective(models.Model):
    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETE = "complete", "Complete"
        WITHDRAWN = "withdrawn", "Withdrawn"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="objectives")
    theme = models.ForeignKey(
        Theme, on_delete=models.PROTECT, null=True, blank=True, related_name="objectives"
    )
    ref = models.CharField(max_length=20, help_text='For example "2.3".')
    title = models.CharField(max_length=300)
    description = models.TextField(blank=True)
    source = models.TextField(blank=True, help_text="The finding this objective answers.")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_objectives",
    )
    starts_on = models.DateField(default=timezone.localdate)
    target_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.NOT_STARTED)
    closing_summary = models.TextField(
        blank=True, help_text="What was achieved, written when the objective is completed."
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = tracked_history()

    objects = ObjectiveQuerySet.as_manager()

    class Meta:
        ordering = ["plan_id", "ref"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "ref"], name="objective_ref_unique_in_plan"),
            models.CheckConstraint(
                condition=Q(target_date__gt=F("starts_on")), name="objective_target_after_start"
            ),
            models.CheckConstraint(
                condition=Q(status__in=["not_started", "in_progress", "complete", "withdrawn"]),
                name="objective_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.ref} {self.title}"

    def clean(self):
        if self.starts_on and self.target_date and self.target_date <= self.starts_on:
            raise ValidationError({"target_date": "The target date must be after the start date."})
        if self.theme_id and self.plan_id and self.theme.plan_id != self.plan_id:
            raise ValidationError({"theme": "The theme belongs to another plan."})

    @property
    def is_complete(self) -> bool:
        return self.status == self.Status.COMPLETE

    @property
    def is_withdrawn(self) -> bool:
        return self.status == self.Status.WITHDRAWN


OBJECTIVE_REF_TAKEN = "This plan already has an objective {ref}"
unique_message(Objective, ("plan", "ref"), field="ref", message=OBJECTIVE_REF_TAKEN)


class ProgressUpdate(models.Model):
    class Rag(models.TextChoices):
        RED = "red", "Red"
        AMBER = "amber", "Amber"
        GREEN = "green", "Green"

    objective = models.ForeignKey(
        Objective, on_delete=models.PROTECT, related_name="progress_updates"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="progress_updates"
    )
    reported_on = models.DateField()
    rag = models.CharField(max_length=5, choices=Rag.choices)
    summary = models.TextField(max_length=5000)
    history = tracked_history()

    class Meta:
        ordering = ["-reported_on", "-id"]
        indexes = [
            # each objective's latest update, read by every drift page
            models.Index(fields=["objective", "reported_on", "id"], name="update_latest_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(rag__in=["red", "amber", "green"]), name="progress_rag_valid"
            ),
            models.CheckConstraint(condition=~Q(summary=""), name="progress_summary_not_blank"),
        ]

    def __str__(self) -> str:
        return f"{self.objective.ref} update {self.reported_on}"

    def clean(self):
        if self.summary is not None and not self.summary.strip():
            raise ValidationError({"summary": "Enter a summary of progress."})
        if self.reported_on and self.reported_on > timezone.localdate():
            raise ValidationError(
                {"reported_on": "The date of the update cannot be in the future."}
            )
