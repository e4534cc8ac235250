"""Move each objective's free-text ``source`` into the findings register, without loss.

One finding per distinct source text in each plan (text kept whole; a short label before the
first colon, such as "2016 inspection", becomes its source), linked to every objective that gave
it. ``Objective.source`` itself is left as it is. Each new row gets its creation record in
history, as every tracked row must.
"""

import re

from django.db import migrations
from django.utils import timezone

REASON = "Moved from the objective's source text into the findings register"


def _natural(ref: str) -> tuple:
    return tuple((0, int(p), "") if p.isdigit() else (1, 0, p) for p in re.split(r"(\d+)", ref))


def _label(text: str) -> str:
    head, sep, _ = text.partition(":")
    return head.strip() if sep and 0 < len(head.strip()) <= 100 else ""


def forwards(apps, schema_editor):
    Objective = apps.get_model("objectives", "Objective")
    Finding = apps.get_model("impact", "Finding")
    HistoricalFinding = apps.get_model("impact", "HistoricalFinding")
    Link = apps.get_model("impact", "ObjectiveFinding")
    HistoricalLink = apps.get_model("impact", "HistoricalObjectiveFinding")
    now = timezone.now()
    by_plan: dict[int, dict[str, list]] = {}
    for objective in Objective.objects.exclude(source="").order_by("plan_id", "id"):
        text = objective.source.strip()
        if text:
            by_plan.setdefault(objective.plan_id, {}).setdefault(text, []).append(objective)
    for plan_id, texts in by_plan.items():
        taken = set(Finding.objects.filter(plan_id=plan_id).values_list("ref", flat=True))
        ordered = sorted(texts.items(), key=lambda item: min(_natural(o.ref) for o in item[1]))
        n = 0
        for text, objectives in ordered:
            n += 1
            while f"F{n}" in taken:
                n += 1
            finding = Finding.objects.create(
                plan_id=plan_id, ref=f"F{n}", source=_label(text), text=text
            )
            HistoricalFinding.objects.create(
                id=finding.id,
                plan_id=plan_id,
                ref=finding.ref,
                source=finding.source,
                text=text,
                version=finding.version,
                history_date=now,
                history_type="+",
                history_change_reason=REASON,
                history_via="command",
            )
            for objective in objectives:
                link = Link.objects.create(objective_id=objective.id, finding_id=finding.id)
                HistoricalLink.objects.create(
                    id=link.id,
                    objective_id=objective.id,
                    finding_id=finding.id,
                    history_date=now,
                    history_type="+",
                    history_change_reason=REASON,
                    history_via="command",
                )


class Migration(migrations.Migration):
    dependencies = [
        ("impact", "0001_initial"),
        ("objectives", "0004_publish_existing_plans"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
