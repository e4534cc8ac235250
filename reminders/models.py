"""Emails the service sends on its own: who chose what, and a log of every email sent.

``SentEmail`` logs every email the service sends (``kit.mail.send``). It is claimed (inserted)
before an email goes out; for the daily emails (reminders and digests) under a unique
constraint on person, kind and day, so a second run on the same day, or a second host running
at the same time, finds the claim and sends nothing more. Emails sent when something happens
(an invitation, a password reset link, a challenge raised or answered) may go to one person
several times a day, and each has its own row. A reminder before a board meeting goes to each
owner at most once per meeting, under a unique constraint on person and meeting. It is an
operational log, not part of the plan's record, so it has no history table; ``Preference`` is
the person's own choice and has.
"""

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS
from django.db import models

from board.models import BoardMeeting
from objectives.history import unique_message
from objectives.models import tracked_history


class Preference(models.Model):
    """What a person chooses to receive. Without a row, they get both."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="email_preference"
    )
    daily_reminder = models.BooleanField(
        default=True,
        help_text="An email on mornings when milestones are overdue or due soon, "
        "or an update is due.",
    )
    weekly_digest = models.BooleanField(
        default=True, help_text="The Monday digest for Leadership and for Administrators."
    )
    history = tracked_history()

    def __str__(self) -> str:
        return f"Email choices of {self.user}"


unique_message(
    Preference,
    ("user",),
    field=NON_FIELD_ERRORS,
    message="Your email choices were being saved from another page at the same time. "
    "Check them and save again.",
)


class SentEmail(models.Model):
    class Kind(models.TextChoices):
        REMINDER = "reminder", "Daily reminder"
        LEADERSHIP_DIGEST = "leadership_digest", "Weekly digest for Leadership"
        ADMIN_DIGEST = "admin_digest", "Weekly digest for Administrators"
        INVITATION = "invitation", "Invitation"
        PASSWORD_RESET = "password_reset", "Password reset link"
        CHALLENGE_RAISED = "challenge_raised", "Challenge raised"
        CHALLENGE_ANSWERED = "challenge_answered", "Challenge answered"
        OWNER_ASSIGNED = "owner_assigned", "Made an objective's owner"
        BOARD_UPDATE = "board_update", "Update for the board"

    ONCE_A_DAY = (Kind.REMINDER, Kind.LEADERSHIP_DIGEST, Kind.ADMIN_DIGEST)

    class Status(models.TextChoices):
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    person = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sent_emails"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    day = models.DateField(help_text="The day the email is for (the command's --date).")
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.SENDING)
    address = models.EmailField(blank=True)
    subject = models.CharField(max_length=300, blank=True)
    error = models.TextField(blank=True)
    attempts = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    board_meeting = models.ForeignKey(
        BoardMeeting,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="reminders_sent",
        help_text="The board meeting a reminder to update was for.",
    )

    class Meta:
        ordering = ["-day", "-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "kind", "day"],
                condition=models.Q(kind__in=["reminder", "leadership_digest", "admin_digest"]),
                name="sent_email_once_per_person_kind_day",
            ),
            models.UniqueConstraint(
                fields=["person", "board_meeting"],
                condition=models.Q(kind="board_update"),
                name="sent_email_board_update_once_per_meeting",
            ),
            models.CheckConstraint(
                condition=~models.Q(kind="board_update") | models.Q(board_meeting__isnull=False),
                name="sent_email_board_update_names_meeting",
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=["sending", "sent", "failed"]),
                name="sent_email_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["status", "day"], name="sent_email_status_day")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} to {self.person} for {self.day}: {self.status}"


class RequestCount(models.Model):
    """How many requests one key (a digest of an email address or a network address) has made
    since its window started: the password-reset limits. In the database, so every process and
    host counts the same requests. An operational counter, not part of the record."""

    key = models.CharField(max_length=100, unique=True)
    window_start = models.DateTimeField()
    count = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.key}: {self.count} since {self.window_start}"
