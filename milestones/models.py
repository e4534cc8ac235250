"""Milestones: checkpoints inside an objective, with an agreed (baseline) and a forecast date."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone

from objectives.history import unique_message
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


class DependencyQuerySet(models.QuerySet):
    def linked(self):
        """Dependencies in force: not removed."""
        return self.filter(removed_on__isnull=True)


class MilestoneDependency(models.Model):
    """``milestone`` cannot finish before ``depends_on`` does (same plan, any objective).

    Never deleted: removing a dependency sets ``removed_on``, and it stays in history; the same
    pair may be linked again later as a new row."""

    milestone = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="dependencies")
    depends_on = models.ForeignKey(Milestone, on_delete=models.PROTECT, related_name="dependents")
    removed_on = models.DateField(
        null=True, blank=True, help_text="Set when the dependency is removed, with a reason."
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = tracked_history()

    objects = DependencyQuerySet.as_manager()

    class Meta:
        ordering = ["milestone_id", "depends_on_id", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["milestone", "depends_on"],
                condition=models.Q(removed_on__isnull=True),
                name="milestone_dependency_linked_once",
            ),
            models.CheckConstraint(
                condition=~models.Q(milestone=models.F("depends_on")),
                name="milestone_dependency_not_on_itself",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.milestone} waits for {self.depends_on}"

    @property
    def is_removed(self) -> bool:
        return self.removed_on is not None


unique_message(
    MilestoneDependency,
    ("milestone", "depends_on"),
    field="depends_on",
    message="This milestone already depends on that one",
)
