"""Give every existing account its creation record, dated when it joined, with its groups."""

from django.db import migrations

FIELDS = (
    "id",
    "is_superuser",
    "username",
    "first_name",
    "last_name",
    "email",
    "is_staff",
    "is_active",
    "date_joined",
)


def record_existing_accounts(apps, schema_editor):
    User = apps.get_model("auth", "User")
    HistoricalUser = apps.get_model("people", "HistoricalUser")
    HistoricalUserGroups = apps.get_model("people", "HistoricalUser_groups")
    for user in User.objects.order_by("pk").prefetch_related("groups"):
        if HistoricalUser.objects.filter(id=user.pk).exists():
            continue
        record = HistoricalUser.objects.create(
            **{field: getattr(user, field) for field in FIELDS},
            history_date=user.date_joined,
            history_type="+",
            history_change_reason="Account history begins",
        )
        for group in user.groups.all():
            HistoricalUserGroups.objects.create(history=record, user=user, group=group)


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]

    operations = [migrations.RunPython(record_existing_accounts, migrations.RunPython.noop)]
