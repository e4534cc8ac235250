from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from kit.formatting import long_date
from objectives.forecast import MIN_CLASS_SIZE
from objectives.models import Plan
from tracking.backtest import WITHIN_DAYS, backtest


def _days(value) -> str:
    return "-" if value is None else f"{value:.1f}"


def _share(value) -> str:
    return "-" if value is None else f"{value:.0%}"


class Command(BaseCommand):
    help = (
        "Replay the past year of a plan: for milestones completed in it, the mean absolute error "
        "in days of the owners' forecasts and of the likely finish at 90, 60 and 30 days before "
        f"completion, and the share within {WITHIN_DAYS} days."
    )

    def add_arguments(self, parser):
        parser.add_argument("--plan", required=True, help="The plan's id (a whole number).")

    def handle(self, *args, plan: str, **options):
        text = str(plan).strip()
        if not text.isascii() or not text.isdigit() or len(text) > 18:
            raise CommandError(f"--plan must be a plan's id, a whole number; got {plan!r}.")
        found = Plan.objects.filter(pk=int(text)).first()
        if found is None:
            raise CommandError(f"There is no plan with id {text}.")
        result = backtest(found, timezone.localdate())
        out = self.stdout.write
        out(f"Forecast backtest: {found.name} (plan {found.pk})")
        out(
            f"Milestones completed after {long_date(result.start)} up to "
            f"{long_date(result.end)}: {result.completed}"
        )
        out("")
        header = ("Days before", "Compared", "Owner MAE", f"Owner <={WITHIN_DAYS}d")
        header += ("Likely MAE", f"Likely <={WITHIN_DAYS}d", "Not open", "No forecast")
        widths = [max(len(h), 8) for h in header]
        out("  ".join(h.rjust(w) for h, w in zip(header, widths, strict=True)))
        for h in result.horizons:
            cells = (
                str(h.days),
                str(h.compared),
                _days(h.owner_mae),
                _share(h.owner_within),
                _days(h.likely_mae),
                _share(h.likely_within),
                str(h.not_recorded),
                str(h.no_forecast),
            )
            out("  ".join(c.rjust(w) for c, w in zip(cells, widths, strict=True)))
        out("")
        out(
            "MAE: mean absolute error in days against the day each milestone was completed. "
            "Owner: the due date recorded at that day. Likely: the likely finish as of that day. "
            "Not open: not yet recorded, or already complete, that day. No forecast: fewer than "
            f"{MIN_CLASS_SIZE} finished milestones that day."
        )
