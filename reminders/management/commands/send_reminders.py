"""python manage.py send_reminders [--date YYYY-MM-DD] [--digest] [--dry-run]

Run once a day (cron or a systemd timer, see README.md); safe to run again, or on two hosts at
once: nobody gets the same email twice, and a failed email is retried by the next run.
"""

from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kit.formatting import person_name
from reminders import services
from reminders.models import SentEmail

KIND_NAMES = dict(SentEmail.Kind.choices)


def _day(value: str) -> date:
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise CommandError(
            f"--date {value!r} is not a real date: use YYYY-MM-DD, for example 2026-03-02."
        ) from None


class Command(BaseCommand):
    help = (
        "Email owners their daily reminder (overdue, due soon, update due) and, on Mondays or "
        "with --digest, Leadership and Administrators their weekly digest. Each email at most "
        "once per person and day."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--date", help="Behave as if run on this day (YYYY-MM-DD); today by default."
        )
        parser.add_argument(
            "--digest", action="store_true", help="Send the weekly digests even if not Monday."
        )
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Print who would get what and send nothing.",
        )

    def handle(self, *args, **options):
        day = _day(options["date"]) if options["date"] else timezone.localdate()
        dry_run = options["dry_run"]
        morning = services.send_morning(
            day=day, digest=True if options["digest"] else None, dry_run=dry_run
        )
        heading = f"Emails for {day:%A} {day.isoformat()}"
        heading += " (dry run: nothing is sent)" if dry_run else ""
        heading += "" if morning.digest else " (no weekly digest: not a Monday)"
        self.stdout.write(heading)
        for outcome in morning.outcomes:
            person = outcome.person
            who = f"{person_name(person)} <{person.email}>"
            kind = KIND_NAMES[outcome.kind]
            self.stdout.write(f"{outcome.result}: {kind} to {who}: {outcome.subject}")
            if outcome.day != day:
                self.stdout.write(f"    (retrying the email for {outcome.day.isoformat()})")
            for line in outcome.lines:
                self.stdout.write(f"    {line}")
            if outcome.error:
                self.stdout.write(f"    error: {outcome.error}")
        if not morning.outcomes:
            self.stdout.write("Nobody has anything to be told today.")
        if dry_run:
            summary = f"{morning.count('would send')} would be sent"
        else:
            summary = f"{morning.count('sent')} sent"
        summary += (
            f", {morning.count('already sent')} already sent, {morning.count('failed')} failed."
        )
        self.stdout.write(summary)
        if morning.count("failed"):
            raise CommandError(
                f"{morning.count('failed')} email(s) could not be sent; "
                "they are recorded and will be retried on the next run."
            )
