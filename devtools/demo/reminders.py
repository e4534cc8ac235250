"""Demo data for the emails: every demo person has an address, so ``send_reminders --dry-run``
shows a believable morning. Safe to run again: it changes only what is missing."""

from django.contrib.auth import get_user_model

from objectives.history import save_with_history

User = get_user_model()
DEMO_DOMAIN = "kestrelford.example.org"


def prepare_demo_emails(plan, users: dict) -> None:
    """Give demo people without an email address one."""
    admin = users.get("admin")
    owner_ids = plan.objectives.exclude(owner=None).values_list("owner_id", flat=True)
    people = User.objects.filter(pk__in=[*owner_ids, *(u.pk for u in users.values())])
    for person in people.filter(email=""):
        person.email = f"{person.get_username()}@{DEMO_DOMAIN}"
        save_with_history(person, user=admin, reason="Demo email address")
