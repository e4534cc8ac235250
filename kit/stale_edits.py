"""The one answer every edit form gives when someone else changed the row first.

Every edit form carries the version of the row it was read at (``govuk_forms.VersionField``);
the service refuses a form read at another version, or sent without one, with
``StaleEditError``. The page then answers 409 and shows, above the form:

- the error summary: "Someone else changed this <thing> while you were editing it";
- a banner saying the change has not been saved, who last changed the row and when, and
  (where the page lists them) its details as they are now.

The form keeps what the person typed but carries the row's current version, so sending it
again is a deliberate choice. ``form_pages.run_service`` gives this answer for every page
built on it; the owner's pages call ``refuse_stale`` themselves.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.shortcuts import render
from django.utils import timezone

from kit.formatting import person_name, when_label

from .govuk_forms import VersionField


class StaleEditError(Exception):
    """Someone else changed the row after this form was loaded; nothing was saved."""

    def __init__(self, current):
        self.current = current
        super().__init__(f"{current._meta.verbose_name} was changed by someone else.")


STALE_ERROR = "Someone else changed this {what} while you were editing it"
STALE_MESSAGE = (
    "Someone else changed this {what} while you were editing it, so your change has not been "
    "saved. Check it as it is now, then save again if your change is still right."
)


@dataclass(frozen=True)
class Conflict:
    """Someone else changed the row while this person was editing it."""

    message: str
    current: list[tuple[str, str]]
    changed_by: str
    changed_at: str


def last_change(instance) -> tuple[str, str]:
    """Who made the latest recorded change to ``instance``, and when (in words)."""
    history = getattr(instance, "history", None)
    record = (
        history.select_related("history_user").order_by("-history_date", "-history_id").first()
        if history is not None
        else None
    )
    if record is None:
        return "someone else", ""
    user = record.history_user
    who = person_name(user) if user else "System"
    return who, when_label(timezone.localtime(record.history_date))


def refuse_stale(form, current, *, what: str = "record", details=()) -> Conflict:
    """Give ``form`` the one stale-edit answer for row ``current`` (``details``: its fields as
    they are now, as (label, value) pairs, for pages that show them)."""
    form.data = form.data.copy()
    for name, field in form.fields.items():
        if isinstance(field, VersionField):
            form.data[name] = current.version
    form.add_error(None, STALE_ERROR.format(what=what))
    who, when = last_change(current)
    form.conflict = Conflict(
        message=STALE_MESSAGE.format(what=what),
        current=list(details),
        changed_by=who,
        changed_at=when,
    )
    return form.conflict


def form_status(form) -> int:
    """409 for a form refused because someone else changed the row first, else 200."""
    return 409 if getattr(form, "conflict", None) is not None else 200


def render_form(request, template: str, context: dict):
    """Render a page whose ``context["form"]`` may have been refused as stale (409 then)."""
    return render(request, template, context, status=form_status(context["form"]))
