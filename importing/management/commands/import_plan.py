"""``python manage.py import_plan FILE (--plan ID | --new-plan NAME) [--dry-run]``

The same checks as the import page. With any problem it lists them (sheet!cell and reason),
writes nothing and exits 1; otherwise it imports (or, with --dry-run, says what it would do).
"""

from __future__ import annotations

import os
import sys
from datetime import timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils import timezone

from importing.columns import COLUMNS, MILESTONES, OBJECTIVES, guess_mapping
from importing.parsing import read_workbook
from importing.preview import build_preview
from importing.preview_rows import PlanChoice
from importing.services import ImportRefused, plan_import
from importing.workbook import MAX_UPLOAD_BYTES, WorkbookRefused
from objectives.models import Plan
from objectives.permissions import ADMINISTRATORS

User = get_user_model()


class _DryRun(Exception):
    pass


def _read_at_most(path: Path, limit: int) -> bytes:
    """The first ``limit`` bytes of the file, or all of it if shorter.

    The size the file system gives is not trusted (a device such as /dev/zero or a pipe says 0
    and never ends). A named pipe is opened without waiting for a writer: with none, it reads as
    empty.
    """
    descriptor = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with open(descriptor, "rb") as file:
        os.set_blocking(descriptor, True)
        return file.read(limit)


class Command(BaseCommand):
    help = "Import a plan from an Excel workbook laid out like the template."

    def add_arguments(self, parser):
        parser.add_argument("file", help="The .xlsx workbook")
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--plan", type=int, help="Import into the plan with this id")
        target.add_argument("--new-plan", metavar="NAME", help="Create a new draft plan")
        parser.add_argument("--organisation", help="Organisation of a new plan")
        parser.add_argument(
            "--user",
            help="Username of the administrator recorded in the history (default: the only "
            "active superuser, or else the only active administrator, if there is one)",
        )
        parser.add_argument("--dry-run", action="store_true", help="Check only; write nothing")

    def handle(self, *args, **options):
        path = Path(options["file"])
        try:
            data = _read_at_most(path, MAX_UPLOAD_BYTES + 1)
        except OSError as error:
            raise CommandError(f"Cannot read {path}: {error.strerror}") from None
        if len(data) > MAX_UPLOAD_BYTES:
            return self._fail(["The file must be smaller than 5 MB"])
        try:
            workbook = read_workbook(data)
        except WorkbookRefused as refused:
            return self._fail([str(p) for p in refused.problems])
        user = self._user(options.get("user"))
        mapping = {
            OBJECTIVES: guess_mapping(workbook.sheet(OBJECTIVES), OBJECTIVES),
            MILESTONES: guess_mapping(workbook.sheet(MILESTONES), MILESTONES),
        }
        if options["plan"] is not None:
            plan = Plan.objects.filter(pk=options["plan"]).first()
            if plan is None:
                raise CommandError(f"There is no plan with id {options['plan']}.")
            choice = PlanChoice(plan=plan)
        else:
            choice = self._new_plan(options, workbook, mapping)
        today = timezone.localdate()
        preview = build_preview(workbook, mapping, choice, today=today)
        if preview.problems:
            return self._fail([str(p) for p in preview.problems])
        try:
            with transaction.atomic():
                result = plan_import(
                    user=user,
                    workbook=workbook,
                    mapping=mapping,
                    choice=choice,
                    file_name=path.name,
                    today=today,
                )
                if options["dry_run"]:
                    self.stdout.write(
                        f"Dry run: would import into {result.plan}: {result.summary()}."
                    )
                    self.stdout.write("Nothing was written.")
                    raise _DryRun
        except _DryRun:
            return
        except ImportRefused as refused:
            return self._fail([str(p) for p in refused.problems])
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {path.name} into {result.plan} (plan id {result.plan.pk}): "
                f"{result.summary()}."
            )
        )

    def _fail(self, problems: list[str]):
        for problem in problems:
            self.stdout.write(problem)
        self.stdout.write(f"{len(problems)} problem(s) found; nothing was written.")
        sys.exit(1)

    def _user(self, username: str | None):
        if username:
            user = User.objects.filter(username=username, is_active=True).first()
            if user is None or not (
                user.is_superuser or user.groups.filter(name=ADMINISTRATORS).exists()
            ):
                raise CommandError(f"{username} is not an active administrator.")
            return user
        for people in (
            User.objects.filter(is_superuser=True, is_active=True),
            User.objects.filter(groups__name=ADMINISTRATORS, is_active=True).distinct(),
        ):
            found = list(people.order_by("pk")[:2])
            if found:
                return found[0] if len(found) == 1 else None
        return None

    def _new_plan(self, options, workbook, mapping) -> PlanChoice:
        """A draft plan spanning the workbook's dates (from the earliest to the latest)."""
        from importing.columns import CellError, read_date

        dates = []
        for name in (OBJECTIVES, MILESTONES):
            sheet = workbook.sheet(name)
            if sheet is None:
                continue
            for field in COLUMNS[name]:
                column = mapping[name].get(field.name)
                if column is None or not field.is_date:
                    continue
                for _, values in sheet.rows:
                    try:
                        value = read_date(values[column])
                    except CellError:
                        continue
                    if value is not None:
                        dates.append(value)
        today = timezone.localdate()
        starts_on = min(dates, default=today)
        ends_on = max(dates, default=today)
        if ends_on <= starts_on:
            ends_on = starts_on + timedelta(days=365)
        organisation = options.get("organisation")
        if not organisation:
            known = list(Plan.objects.values_list("organisation", flat=True).distinct()[:2])
            organisation = known[0] if len(known) == 1 else options["new_plan"]
        return PlanChoice(
            name=options["new_plan"][:200],
            organisation=organisation[:200],
            starts_on=starts_on,
            ends_on=ends_on,
        )
