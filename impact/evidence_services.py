"""Every write to evidence: add a link or a file to an objective (or one of its updates or
completed milestones), and withdraw it.

Each function checks who is acting, validates, runs in one transaction and records the acting
user (and the reason, where the rules want one) in the row's history.
"""

from __future__ import annotations

from datetime import datetime

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from milestones.models import Milestone
from objectives.history import clean_reason
from objectives.models import Objective, ProgressUpdate

from . import uploads
from .models import Evidence, evidence_storage, random_name
from .services import record, require_editor

# --- evidence -----------------------------------------------------------------------------------


def _attachment(objective, progress_update, milestone) -> None:
    if progress_update is not None and milestone is not None:
        raise ValidationError("Attach the evidence to an update or a milestone, not both")
    if progress_update is not None and progress_update.objective_id != objective.pk:
        raise ValidationError("That progress update is on another objective")
    if milestone is not None:
        if milestone.objective_id != objective.pk:
            raise ValidationError("That milestone is on another objective")
        if milestone.completed_on is None:
            raise ValidationError("Evidence goes on a milestone once it is complete")


@transaction.atomic
def evidence_add_link(
    *,
    user,
    objective: Objective,
    title: str,
    url: str,
    progress_update: ProgressUpdate | None = None,
    milestone: Milestone | None = None,
    recorded_at: datetime | None = None,
) -> Evidence:
    require_editor(user, objective)
    _attachment(objective, progress_update, milestone)
    url = (url or "").strip()
    if not url.lower().startswith(("https://", "http://")):
        raise ValidationError({"url": "Enter a web address that starts with https://"})
    evidence = Evidence(
        objective=objective,
        progress_update=progress_update,
        milestone=milestone,
        kind=Evidence.Kind.LINK,
        title=(title or "").strip(),
        url=url,
        added_by=user,
        added_on=(recorded_at.date() if recorded_at else timezone.localdate()),
    )
    return record(evidence, user=user, reason="Evidence added", recorded_at=recorded_at)


@transaction.atomic
def evidence_add_file(
    *,
    user,
    objective: Objective,
    title: str,
    name: str,
    data: bytes,
    progress_update: ProgressUpdate | None = None,
    milestone: Milestone | None = None,
    recorded_at: datetime | None = None,
) -> Evidence:
    """Check the file by name and content, store it under a random name in the private evidence
    storage, and record it. Nothing is stored when anything is refused."""
    require_editor(user, objective)
    _attachment(objective, progress_update, milestone)
    checked = uploads.check_upload(name, data)
    evidence = Evidence(
        objective=objective,
        progress_update=progress_update,
        milestone=milestone,
        kind=Evidence.Kind.FILE,
        title=(title or "").strip() or checked.name[:200],
        stored_name=random_name(checked.extension),
        original_name=checked.name,
        extension=checked.extension,
        content_type=checked.content_type,
        size=checked.size,
        added_by=user,
        added_on=(recorded_at.date() if recorded_at else timezone.localdate()),
    )
    evidence.full_clean()
    storage = evidence_storage()
    stored = storage.save(evidence.stored_name, ContentFile(data))
    evidence.stored_name = stored
    try:
        return record(evidence, user=user, reason="Evidence added", recorded_at=recorded_at)
    except Exception:
        storage.delete(stored)
        raise


@transaction.atomic
def evidence_withdraw(*, user, evidence: Evidence, reason: str) -> Evidence:
    """Take evidence out of the picture, with a reason. The file and the row are kept."""
    evidence = Evidence.objects.select_for_update().select_related("objective").get(pk=evidence.pk)
    require_editor(user, evidence.objective)
    if evidence.withdrawn_on is not None:
        raise ValidationError("This evidence has already been withdrawn")
    reason = clean_reason(reason, required=True, what="withdrawing the evidence")
    evidence.withdrawn_on = timezone.localdate()
    evidence.withdrawn_reason = reason
    return record(evidence, user=user, reason=reason, recorded_at=None)
