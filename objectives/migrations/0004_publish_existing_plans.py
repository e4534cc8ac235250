"""Plans that existed before drafts were introduced were already in everyone's view: they are
published from their start, in the live row and in every history record."""

from django.db import migrations
from django.db.models import F


def publish_existing(apps, schema_editor):
    Plan = apps.get_model("objectives", "Plan")
    HistoricalPlan = apps.get_model("objectives", "HistoricalPlan")
    for plan in Plan.objects.filter(published_on__isnull=True):
        Plan.objects.filter(pk=plan.pk).update(published_on=plan.starts_on)
    HistoricalPlan.objects.filter(published_on__isnull=True).update(published_on=F("starts_on"))


class Migration(migrations.Migration):
    dependencies = [("objectives", "0003_remove_objective_objective_status_valid_and_more")]

    operations = [migrations.RunPython(publish_existing, migrations.RunPython.noop)]
