"""Demo data for accounts and drafts (a development tool, called by ``seed_demo``).

The demo's fictional owners get accounts recorded from the day they joined, and the one marked
``left`` in ``story.PEOPLE`` (Claire Donnelly) left the council three months ago: the
history record of her leaving is dated that day, with its reason, so she shows as having left
only from then. The demo plan is
published from its start. Running it again changes nothing.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from devtools.demo import story
from objectives.history import save_with_history
from objectives.models import Plan
from people import services as people
from people.services import person_mark_leaver

User = get_user_model()

LEFT_DAYS_AGO = 91
LEAVING_REASON = "Left the council for a post in another authority; her objective moves at the "
LEAVING_REASON += "next improvement board."


def create_account(user, *, groups: list[Group], joined: datetime) -> None:
    """Save a new demo account with its groups, recorded as created on the day it ``joined``."""
    save_with_history(user, user=None, reason="Demo account", recorded_at=joined)
    if groups:
        with_date = {"_history_date": joined, "_change_reason": "Demo account"}
        user.__dict__.update(with_date)
        try:
            user.groups.add(*groups)
        finally:
            for attr in with_date:
                user.__dict__.pop(attr, None)


def show_accounts_and_drafts(plan: Plan, admin) -> None:
    """Publish the demo plan (from its start) and record the demo leaver, once."""
    if plan.is_draft:
        plan.published_on = plan.starts_on
        save_with_history(plan, user=admin, reason="Plan published")
    left_on = timezone.localdate() - timedelta(days=LEFT_DAYS_AGO)
    names = [person.username for person in story.PEOPLE if person.left]
    for leaver in User.objects.filter(username__in=names, is_active=True).order_by("pk"):
        person_mark_leaver(
            user=admin,
            person=leaver,
            reason=LEAVING_REASON,
            left_on=left_on,
            expected_version=people.account_version(leaver),
        )


def reset_demo_account(user, *, password: str, administrator: bool, group: Group) -> None:
    """Give a demo user their known password, access and role. A history record is made only
    when a recorded detail changes (password hashes are not part of the history)."""
    user.set_password(password)
    wanted = {"is_active": True}
    if administrator:
        wanted.update(is_staff=True, is_superuser=True)
    changed = any(getattr(user, field) != value for field, value in wanted.items())
    for field, value in wanted.items():
        setattr(user, field, value)
    if changed:
        save_with_history(user, user=None, reason="Demo account reset")
    else:
        user.skip_history_when_saving = True
        try:
            user.save(update_fields=["password"])
        finally:
            del user.skip_history_when_saving
    if not user.groups.filter(pk=group.pk).exists():
        user.groups.add(group)
