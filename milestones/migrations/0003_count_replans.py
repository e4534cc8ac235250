"""Fill each milestone's replan count (and each history record's running count) from history."""

from django.db import migrations


def count_replans(apps, schema_editor):
    Milestone = apps.get_model("milestones", "Milestone")
    HistoricalMilestone = apps.get_model("milestones", "HistoricalMilestone")
    records = HistoricalMilestone.objects.order_by("id", "history_date", "history_id")
    current_id, previous_due, count = None, None, 0
    totals = {}
    for record in records.iterator():
        if record.id != current_id:
            current_id, previous_due, count = record.id, None, 0
        if previous_due is not None and record.due_date > previous_due:
            count += 1
        previous_due = record.due_date
        if record.replan_count != count:
            HistoricalMilestone.objects.filter(pk=record.pk).update(replan_count=count)
        totals[record.id] = count
    for milestone_id, total in totals.items():
        Milestone.objects.filter(pk=milestone_id).update(replan_count=total)


class Migration(migrations.Migration):
    dependencies = [("milestones", "0002_historicalmilestone_replan_count_and_more")]

    operations = [migrations.RunPython(count_replans, migrations.RunPython.noop)]
