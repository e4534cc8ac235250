"""``manage.py build_evidence_packs``: build the evidence packs nobody is building.

Run it from cron every few minutes (or once after a restart): it builds, one after another,
every pack still queued and every build that has shown no sign of life for a while, claiming
each as the request's thread does, so it never builds a pack another process is building.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from board import pack_builds, services
from board.models import EvidencePackBuild


class Command(BaseCommand):
    help = "Build the inspector's evidence packs that are queued or have stalled."

    def add_arguments(self, parser):
        parser.add_argument(
            "--limit", type=int, default=20, help="Build at most this many (default 20)."
        )

    def handle(self, *args, limit: int, **options):
        built = 0
        for pk in list(services.evidence_pack_pending().values_list("pk", flat=True)[:limit]):
            if pack_builds.run(pk):
                build = EvidencePackBuild.objects.get(pk=pk)
                self.stdout.write(
                    f"Pack {pk} ({build.plan_id}, as at {build.as_of}): {build.status}"
                )
                built += 1
        self.stdout.write(f"{built} evidence pack{'' if built == 1 else 's'} built or tried.")
