"""History integrity: does every tracked row agree with its own history?

Used by ``manage.py check_history``. Streams each table once, so it runs in a fixed number of
queries per model whatever the size of the database.
"""

from collections.abc import Iterator

from django.apps import apps
from django.contrib.auth import get_user_model
from django.db import models
from simple_history.manager import HistoryManager

from milestones.models import Milestone
from objectives.drift import count_replans

PROJECT_APPS = {"objectives", "milestones", "impact", "board", "reminders"}


def tracked_models() -> list[type[models.Model]]:
    """Every model of this project with django-simple-history's ``history``, and the user
    model (registered by the ``people`` app)."""
    user_model = get_user_model()
    return [
        model
        for model in apps.get_models()
        if (model._meta.app_label in PROJECT_APPS or model is user_model)
        and isinstance(getattr(model, "history", None), HistoryManager)
    ]


def _tracked_fields(model) -> list[str]:
    """The row's fields that its history records (the user model leaves some out)."""
    recorded = {f.attname for f in model.history.model._meta.concrete_fields}
    return [f.attname for f in model._meta.concrete_fields if f.attname in recorded]


def _check_m2m(model, latest: dict[int, dict]) -> Iterator[str]:
    """Each recorded many-to-many field (a user's groups) as the latest record has it."""
    history_model = model.history.model
    for field in getattr(history_model, "_history_m2m_fields", None) or []:
        through = field.remote_field.through
        source = field.m2m_field_name()
        target = field.m2m_reverse_field_name()
        live: dict[int, set] = {}
        for owner, other in through.objects.values_list(f"{source}_id", f"{target}_id"):
            live.setdefault(owner, set()).add(other)
        recorded: dict[int, set] = {}
        wanted = {record["history_id"]: pk for pk, record in latest.items()}
        history_through = apps.get_model(
            history_model._meta.app_label, f"{history_model.__name__}_{field.name}"
        )
        rows = history_through.objects.values_list("history_id", f"{target}_id").iterator(
            chunk_size=5000
        )
        for history_id, other in rows:
            pk = wanted.get(history_id)
            if pk is not None:
                recorded.setdefault(pk, set()).add(other)
        for pk, record in latest.items():
            if record["history_type"] == "-":
                continue
            have, had = live.get(pk, set()), recorded.get(pk, set())
            if have != had:
                yield (
                    f"{model.__name__} {pk} {field.name} differ from its latest history record "
                    f"(history {sorted(had)}, row {sorted(have)})"
                )


def check_model(model) -> Iterator[str]:
    name = model.__name__
    fields = _tracked_fields(model)
    live = {row["id"]: row for row in model._default_manager.values(*fields).iterator()}
    history = model.history.model
    latest: dict[int, dict] = {}
    created: set[int] = set()
    rows = (
        history.objects.order_by("id", "history_date", "history_id")
        .values(*fields, "history_id", "history_type", "history_user_id", "history_via")
        .iterator(chunk_size=5000)
    )
    for record in rows:
        latest[record["id"]] = record
        if record["history_type"] == "+":
            created.add(record["id"])
        if record["history_via"] == "web" and record["history_user_id"] is None:
            yield f"{name} history {record['history_id']} was made through the web with no user"
    for pk, row in live.items():
        if pk not in created:
            yield f"{name} {pk} has no creation record in its history"
        record = latest.get(pk)
        if record is None:
            continue
        if record["history_type"] == "-":
            yield f"{name} {pk} exists, but its history ends with a deletion"
            continue
        differing = [f for f in fields if record[f] != row[f]]
        if differing:
            details = ", ".join(f"{f}: history {record[f]!r}, row {row[f]!r}" for f in differing)
            yield f"{name} {pk} differs from its latest history record ({details})"
    for pk, record in latest.items():
        if pk not in live and record["history_type"] != "-":
            yield f"{name} {pk} is missing, but its history has no deletion record"
    yield from _check_m2m(model, {pk: r for pk, r in latest.items() if pk in live})


def check_replans() -> Iterator[str]:
    """Each milestone's ``replan_count`` (kept by the services, read by today's drift) equals
    the number of recorded changes in its history that moved its due date later."""
    live = dict(Milestone.objects.values_list("id", "replan_count").iterator())
    due_dates: dict[int, list] = {}
    rows = (
        Milestone.history.order_by("id", "history_date", "history_id")
        .values_list("id", "due_date")
        .iterator(chunk_size=5000)
    )
    for pk, due_date in rows:
        due_dates.setdefault(pk, []).append(due_date)
    for pk, count in live.items():
        expected = count_replans(due_dates.get(pk, ()))
        if count != expected:
            yield (
                f"Milestone {pk} has replan_count {count}, but its history moves its due date "
                f"later {expected} times"
            )


def check_all() -> tuple[dict[str, int], list[str]]:
    """Rows checked per model and every problem found."""
    counts, problems = {}, []
    for model in tracked_models():
        counts[model.__name__] = model._default_manager.count()
        problems.extend(check_model(model))
    problems.extend(check_replans())
    return counts, problems
