"""``manage.py bench_pack``: time the board pack (HTML, PDF, workbook) of a council-size plan.

Uses the benchmark's council plan when ``manage.py bench`` has built it in the same database,
else builds one the same way (``devtools.synthetic``: 150 objectives, 750 milestones, 18 months
of history). Adds board meetings every six weeks if the plan has none. Prints the time of each
and the PDF's page count. WeasyPrint is loaded first, on a line of its own, as each web server
worker loads it when it starts (``board.pdf.load`` in ``stockton_improve/wsgi.py``), and what
lives as long as the process is frozen out of the garbage collector's walks, as a worker does
after its first request (``kit/memory.py``): the PDF's time is then a request's. With
``--strict`` it exits 1 when the PDF takes longer than ``--target`` seconds.
"""

from __future__ import annotations

import gc
import time
from datetime import timedelta

from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.template.loader import render_to_string
from django.utils import timezone

from board import pack_selectors, pdf, services, workbook
from board.models import BoardMeeting
from dashboard import charts
from devtools import synthetic
from objectives.models import Objective, Plan

PLAN_NAME = "Bench plan 001"  # the council-size plan `manage.py bench` builds


class Command(BaseCommand):
    help = "Time the board pack of a 150-objective plan (HTML, PDF with its pages, workbook)."

    def add_arguments(self, parser):
        parser.add_argument("--objectives", type=int, default=150)
        parser.add_argument("--plan-name", default=PLAN_NAME)
        parser.add_argument(
            "--target", type=float, default=3.0, help="Seconds the PDF should render within."
        )
        parser.add_argument(
            "--strict", action="store_true", help="Exit 1 when the PDF is over the target."
        )

    def handle(
        self, *args, objectives: int, plan_name: str, target: float, strict: bool, **options
    ):
        call_command("migrate", verbosity=0, interactive=False)  # a fresh database works too
        today = timezone.localdate()
        plan = self._plan(plan_name, objectives, today)
        count = Objective.objects.filter(plan=plan).count()
        cache.clear()

        started, cpu = time.perf_counter(), time.process_time()
        pdf.load()
        load_seconds = time.perf_counter() - started
        load_cpu = time.process_time() - cpu
        # As a worker has done after its first request (kit/memory.py): what lives as long as
        # the process is out of the garbage collector's walks.
        gc.collect()
        gc.freeze()

        started = time.perf_counter()
        pack = pack_selectors.board_pack(plan, today)
        read = time.perf_counter() - started

        started = time.perf_counter()
        html = render_to_string(
            "board/report.html",
            {
                "pack": pack,
                "today": today,
                "pdf": False,
                "query": "",
                "chart": charts.rag_trend(pack.trend, prefix="pack-trend"),
            },
        )
        html_seconds = time.perf_counter() - started

        started, cpu = time.perf_counter(), time.process_time()
        body, pages = pdf.pack_pdf(pack, base_url="http://localhost/")
        pdf_seconds = time.perf_counter() - started
        pdf_cpu = time.process_time() - cpu

        started = time.perf_counter()
        book = workbook.build(pack)
        xlsx_seconds = time.perf_counter() - started

        red_amber = len(pack.exceptions)
        self.stdout.write(
            f"Board pack for {count} objectives ({red_amber} red or amber), as at {today}, "
            f"{pack.comparison.sentence[0].lower()}{pack.comparison.sentence[1:]}:"
        )
        self.stdout.write(
            f"  loading WeasyPrint and the PDF's stylesheets, once per process when a web "
            f"server worker starts: {load_seconds:.2f} s ({load_cpu:.2f} s of CPU)"
        )
        self.stdout.write(f"  read drift at two dates and the month ends: {read:.2f} s")
        self.stdout.write(f"  HTML: {html_seconds:.2f} s, {len(html) // 1024} KB")
        self.stdout.write(
            f"  PDF:  {pdf_seconds:.2f} s ({pdf_cpu:.2f} s of CPU: on a busy machine the "
            f"difference is waiting), {pages} pages, {len(body) // 1024} KB "
            f"(target under {target:.0f} s)"
        )
        self.stdout.write(f"  workbook: {xlsx_seconds:.2f} s, {len(book) // 1024} KB")
        total = read + pdf_seconds
        if total > target:
            message = f"The PDF pack took {total:.1f} s, over the {target:.0f} s target."
            if strict:
                raise CommandError(message)
            self.stdout.write(self.style.WARNING(f"  {message}"))
        else:
            self.stdout.write(self.style.SUCCESS(f"  PDF pack in {total:.1f} s: within target."))

    def _plan(self, name: str, objectives: int, today) -> Plan:
        plan = Plan.objects.filter(name=name).first()
        if plan is None:
            self.stdout.write(f"Building {name} through the services ({objectives} objectives)...")
            plan, _ = synthetic.build_plan(name=name, today=today, objectives=objectives)
        if not BoardMeeting.objects.filter(plan=plan).exists():
            admin = synthetic.make_admin()
            day = today - timedelta(days=42 * 12)
            while day <= today + timedelta(days=42):
                if day >= plan.starts_on:
                    services.board_meeting_create(
                        user=admin, plan=plan, held_on=day, name="Improvement board"
                    )
                day += timedelta(days=42)
        return plan
