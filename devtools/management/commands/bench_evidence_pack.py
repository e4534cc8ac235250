"""``manage.py bench_evidence_pack``: time the inspector's evidence pack (ZIP and PDF).

With ``--demo`` it uses the demo plan (``manage.py seed_demo``); otherwise the benchmark's
council plan when ``manage.py bench`` or ``bench_pack`` built it in the same database, else it
builds one the same way (``devtools.synthetic``: 150 objectives, 750 milestones, 18 months of
history). A plan with no findings is given 20, each objective answering one, and a small file
of evidence on every fifth objective, all through the services. Prints the seconds, the PDF's
pages and the ZIP's size.
"""

from __future__ import annotations

import tempfile
import time
import zipfile

from django.core.cache import cache
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from board import evidence_pack
from devtools import synthetic
from devtools.management.commands.bench_pack import PLAN_NAME
from devtools.management.commands.seed_demo import find_demo_plan
from impact import evidence_services, services
from impact.models import Finding
from objectives.models import Objective, Plan

FINDINGS = 20


class Command(BaseCommand):
    help = "Time the inspector's evidence pack of the demo or a 150-objective plan."

    def add_arguments(self, parser):
        parser.add_argument("--demo", action="store_true", help="Use the demo plan.")
        parser.add_argument("--objectives", type=int, default=150)
        parser.add_argument("--plan-name", default=PLAN_NAME)

    def handle(self, *args, demo: bool, objectives: int, plan_name: str, **options):
        today = timezone.localdate()
        if demo:
            plan = find_demo_plan()
            if plan is None:
                raise CommandError("There is no demo plan: run manage.py seed_demo first.")
        else:
            plan = self._plan(plan_name, objectives, today)
        count = Objective.objects.filter(plan=plan).count()
        cache.clear()

        started, cpu = time.perf_counter(), time.process_time()
        pack = evidence_pack.evidence_pack(plan, today)
        read = time.perf_counter() - started
        with tempfile.SpooledTemporaryFile(max_size=8 * 1024 * 1024) as out:
            started = time.perf_counter()
            built = evidence_pack.build_pack(plan, today, out)
            seconds = time.perf_counter() - started
            cpu = time.process_time() - cpu
            size = out.tell()
            out.seek(0)
            entries = len(zipfile.ZipFile(out).namelist())
        pack = built["pack"]
        self.stdout.write(
            f"Evidence pack of {plan.name} ({count} objectives, {pack.finding_count} findings, "
            f"{len(pack.files)} files), as at {today}:"
        )
        self.stdout.write(f"  read as at D: {read:.2f} s")
        self.stdout.write(
            f"  ZIP with its PDF: {seconds:.2f} s ({cpu:.2f} s of CPU in all), "
            f"{built['pages']} pages, {entries} entries, {size // 1024} KB, "
            f"{len(built['missing'])} missing from storage"
        )

    def _plan(self, name: str, objectives: int, today) -> Plan:
        plan = Plan.objects.filter(name=name).first()
        if plan is None:
            self.stdout.write(f"Building {name} through the services ({objectives} objectives)...")
            plan, _ = synthetic.build_plan(name=name, today=today, objectives=objectives)
        if not Finding.objects.filter(plan=plan).exists():
            admin = synthetic.make_admin()
            rows = list(Objective.objects.filter(plan=plan).order_by("id"))
            for n in range(FINDINGS):
                finding = services.finding_create(
                    user=admin,
                    plan=plan,
                    ref=f"F{n + 1}",
                    source="Inspection of local authority children's services",
                    text=f"Finding {n + 1}: the quality of practice is not yet consistently good.",
                )
                services.finding_set_objectives(
                    user=admin, finding=finding, objectives=rows[n::FINDINGS]
                )
            for objective in rows[::5]:
                evidence_services.evidence_add_file(
                    user=admin,
                    objective=objective,
                    title=f"Audit of {objective.ref}",
                    name=f"audit {objective.ref}.txt",
                    data=("Case audit notes.\n" * 1000).encode(),
                )
        return plan
