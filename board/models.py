"""The improvement board's cycle: when the board meets, and leadership's challenges to owners.

Both keep their full history; they are written only through ``board.services``.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from objectives.history import unique_message
from objectives.models import Objective, Plan, tracked_history

NAME_MAX = 200
TEXT_MAX = 5000


class BoardMeetingQuerySet(models.QuerySet):
    def held_as_of(self, day):
        """Meetings that stood at the end of ``day``: one cancelled that day or before is out
        (it still counts for the days before it was cancelled)."""
        return self.filter(Q(cancelled_on__isnull=True) | Q(cancelled_on__gt=day))


class BoardMeeting(models.Model):
    """A meeting of the improvement board. Moving it changes ``held_on``; cancelling it sets
    ``cancelled_on``; both with a reason in its history. Nothing is deleted."""

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="board_meetings")
    held_on = models.DateField(help_text="The day the improvement board meets.")
    name = models.CharField(max_length=NAME_MAX, help_text='For example "Improvement board".')
    cancelled_on = models.DateField(
        null=True,
        blank=True,
        help_text="The day the meeting was cancelled; from then on it is not the board to "
        "compare with, nor the next board.",
    )
    version = models.PositiveIntegerField(default=1, editable=False)
    history = tracked_history()

    objects = BoardMeetingQuerySet.as_manager()

    class Meta:
        ordering = ["plan_id", "held_on", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "held_on"],
                condition=Q(cancelled_on__isnull=True),
                name="board_meeting_one_per_day_per_plan",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.held_on:%Y-%m-%d})"

    @property
    def is_cancelled(self) -> bool:
        return self.cancelled_on is not None


unique_message(
    BoardMeeting,
    ("plan", "held_on"),
    field="held_on",
    message="The board already meets on that day in this plan",
)


class ChallengeQuerySet(models.QuerySet):
    def not_closed(self):
        return self.exclude(status=Challenge.Status.CLOSED)

    def open_at(self, cutoff):
        """Raised before ``cutoff`` (the end of a day) and not closed before it."""
        return self.filter(raised_at__lt=cutoff).filter(
            models.Q(closed_at__isnull=True) | models.Q(closed_at__gte=cutoff)
        )


class Challenge(models.Model):
    """A question from leadership to the owner of an objective."""

    class Status(models.TextChoices):
        OPEN = "open", "Waiting for an answer"
        ANSWERED = "answered", "Answered"
        CLOSED = "closed", "Closed"

    objective = models.ForeignKey(Objective, on_delete=models.PROTECT, related_name="challenges")
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="challenges_raised"
    )
    raised_at = models.DateTimeField(default=timezone.now)
    question = models.TextField(max_length=TEXT_MAX)
    answer = models.TextField(max_length=TEXT_MAX, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="challenges_answered",
    )
    answered_at = models.DateTimeField(null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="challenges_closed",
    )
    closed_at = models.DateTimeField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    history = tracked_history()

    objects = ChallengeQuerySet.as_manager()

    class Meta:
        ordering = ["-raised_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["open", "answered", "closed"]),
                name="challenge_status_valid",
            ),
            models.CheckConstraint(condition=~Q(question=""), name="challenge_question_not_blank"),
        ]

    def __str__(self) -> str:
        return f"Challenge on {self.objective.ref}"

    @property
    def is_closed(self) -> bool:
        return self.status == self.Status.CLOSED


class EvidencePackBuild(models.Model):
    """One request for the inspector's evidence pack of a plan as at a day, built in the
    background (``board.pack_builds``) because a large plan takes minutes.

    Not part of the plan's record (no history): a working row that says how far the build has
    gone. The finished ZIP is kept in the private evidence storage under a random name and only
    ever sent through the download view, to the person who asked or an administrator.
    ``record_mark`` fingerprints what had been recorded by the end of ``as_of`` when the build
    read the record (``tracking.history_since.recorded_mark``): a ready pack with the current
    mark is served again at once."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        BUILDING = "building", "Being built"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be built"

    plan = models.ForeignKey(Plan, on_delete=models.PROTECT, related_name="evidence_pack_builds")
    as_of = models.DateField()
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="evidence_packs"
    )
    requested_at = models.DateTimeField(default=timezone.now)
    record_mark = models.CharField(max_length=64)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    stage = models.CharField(max_length=100, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    touched_at = models.DateTimeField(default=timezone.now)  # the build's last sign of life
    finished_at = models.DateTimeField(null=True, blank=True)
    base_url = models.CharField(max_length=300)  # the site's address, for links in the PDF
    stored_name = models.CharField(max_length=200, blank=True)
    pages = models.PositiveIntegerField(null=True, blank=True)
    size = models.PositiveBigIntegerField(null=True, blank=True)
    missing_files = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at", "-id"]
        indexes = [
            models.Index(fields=["plan", "as_of", "status"], name="pack_build_plan_day_status"),
            models.Index(fields=["status", "touched_at"], name="pack_build_status_touched"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["queued", "building", "ready", "failed"]),
                name="pack_build_status_valid",
            ),
            models.CheckConstraint(
                condition=~Q(status="ready") | ~Q(stored_name=""),
                name="pack_build_ready_has_a_file",
            ),
        ]

    def __str__(self) -> str:
        return f"Evidence pack of {self.plan} as at {self.as_of:%Y-%m-%d} ({self.status})"

    @property
    def is_ready(self) -> bool:
        return self.status == self.Status.READY

    @property
    def is_failed(self) -> bool:
        return self.status == self.Status.FAILED

    @property
    def is_waiting(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.BUILDING)
