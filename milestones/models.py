"""Milestones: checkpoints inside an objective, with an agreed (baseline) and a forecast date."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from objectives.models import Objective, tracked_history


class MilestoneQuerySet(models.QuerySet):
    def open(self):
        """Milestones still to do: not complete and not withdrawn."""
        return self.filter(completed_on__isnull=True, withdrawn_on__isnull=True)

    def current(self):
        """Milestones in the objective's picture: everything but the withdrawn."""
        return self.filter(withdrawn_on__isnull=True)

    def withdrawn(self):
        """Milestones an administrator withdrew: kept, shown struck through, out of drift."""
        return self.filter(withdrawn_on__isnull=False)

    def for_plan(self, plan):
        return self.filter(objective__plan=plan)


class Milestone(models.Model):
    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="milestones")
    title = models.CharField(max_length=300)
    baseline_date = models.DateField(
        help_text="The agreed date. Changes only through a re-baseline, with a reason."
    )
    due_date = models.DateField(help_text="The current forecast.")
    completed_on = models.DateField(null=True, blank=True)
    withdrawn_on = models.DateField(
        null=True, blank=True, help_text="Set when an administrator withdraws the milestone."
    )
    replan_count = models.PositiveIntegerField(
        default=0,
        editable=False,
        help_text="How many recorded changes moved the due date later (kept by the services, "
        "checked against history by check_history).",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = tracked_history()

    objects = MilestoneQuerySet.as_manager()

    class Meta:
        ordering = ["objective_id", "baseline_date", "id"]
        indexes = [models.Index(fields=["objective", "due_date"])]

    def __str__(self) -> str:
        return self.title

    def clean(self):
        if self.completed_on and self.completed_on > timezone.localdate():
            raise ValidationError({"completed_on": "The completion date cannot be in the future."})

    @property
    def is_complete(self) -> bool:
        return self.completed_on is not None

    @property
    def is_withdrawn(self) -> bool:
        return self.withdrawn_on is not None
