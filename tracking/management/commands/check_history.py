import sys

from django.core.management.base import BaseCommand

from tracking.integrity import check_all


class Command(BaseCommand):
    help = (
        "Check that every tracked row matches its latest history record, has a creation record, "
        "and that every change made through the web names its user. Exits 1 on any problem."
    )

    def handle(self, *args, **options):
        counts, problems = check_all()
        for name, count in counts.items():
            self.stdout.write(f"{name}: {count} rows checked")
        for problem in problems:
            self.stdout.write(self.style.ERROR(problem))
        if problems:
            self.stdout.write(self.style.ERROR(f"{len(problems)} problem(s) found in history."))
            sys.exit(1)
        self.stdout.write(self.style.SUCCESS("History is complete and consistent."))
