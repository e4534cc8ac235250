"""Keeps the uploaded workbook between the import's steps: in the person's own session (so
on the server side, never at a public address), as bytes capped at 5 MB, until it is imported
or replaced by another upload."""

from __future__ import annotations

import base64
from datetime import date

from objectives.models import Plan

from .columns import MILESTONES, OBJECTIVES
from .parsing import read_workbook
from .preview_rows import PlanChoice
from .workbook import MAX_UPLOAD_BYTES, Workbook, WorkbookRefused

KEY = "importing.upload"


class NothingUploaded(Exception):
    pass


def save_upload(session, *, file_name: str, data: bytes, choice: PlanChoice, mapping) -> None:
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValueError("upload too large")
    session[KEY] = {
        "file_name": file_name[:200],
        "data": base64.b64encode(data).decode("ascii"),
        "plan": choice.plan.pk if choice.plan is not None else None,
        "new_plan": None
        if choice.plan is not None
        else {
            "name": choice.name,
            "organisation": choice.organisation,
            "starts_on": choice.starts_on.isoformat(),
            "ends_on": choice.ends_on.isoformat(),
        },
        "mapping": mapping,
    }


def save_mapping(session, mapping) -> None:
    stored = session.get(KEY)
    if stored:
        stored["mapping"] = mapping
        session[KEY] = stored
        session.modified = True


def clear(session) -> None:
    session.pop(KEY, None)


def load(session) -> tuple[str, Workbook, PlanChoice, dict]:
    """(file name, workbook, plan choice, mapping), or NothingUploaded."""
    stored = session.get(KEY)
    if not stored:
        raise NothingUploaded
    try:
        data = base64.b64decode(stored["data"])
        workbook = read_workbook(data)
    except (WorkbookRefused, ValueError, KeyError, TypeError):
        clear(session)
        raise NothingUploaded from None
    if stored.get("plan") is not None:
        plan = Plan.objects.filter(pk=stored["plan"]).first()
        if plan is None:
            clear(session)
            raise NothingUploaded
        choice = PlanChoice(plan=plan)
    else:
        new = stored["new_plan"]
        choice = PlanChoice(
            name=new["name"],
            organisation=new["organisation"],
            starts_on=date.fromisoformat(new["starts_on"]),
            ends_on=date.fromisoformat(new["ends_on"]),
        )
    mapping = {sheet: dict(stored["mapping"].get(sheet, {})) for sheet in (OBJECTIVES, MILESTONES)}
    return stored["file_name"], workbook, choice, mapping
