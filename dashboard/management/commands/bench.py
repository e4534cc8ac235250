"""``manage.py bench``: build synthetic plans and time the dashboard against the login page.

Run it against a throwaway database (``make bench`` points DATABASE_URL at one).
"""

from __future__ import annotations

import statistics
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import Resolver404, resolve
from django.utils import timezone

from dashboard import synthetic
from milestones.models import Milestone
from objectives.models import Objective, Plan, ProgressUpdate
from objectives.permissions import LEADERSHIP, ROLES

PREFIX = "Bench plan"
TEMPLATE_NAME = f"{PREFIX} 001"


class Command(BaseCommand):
    help = (
        "Benchmark the leadership dashboard, its exports, the JSON API and the objective page "
        "against the login page (the floor), in one run. "
        "Council size: one plan of 150 objectives, 750 milestones and about 7,500 history "
        "records, built through the services with backdated history (about a minute). "
        "National size: 150 plans like it in one database (about a million history records); "
        "the other 149 are copies of the first written in bulk, live rows and history rows "
        "together with ids remapped (running the services a million times would take hours), "
        "so every copied row still has its creation record and each change with its date, user "
        "and reason. Prints, for each page, the first request (cold cache), the median and 95th "
        "percentile of the next --requests requests, the queries of one request and the ratio "
        "to the login page measured alongside (requests are interleaved so background load "
        "hits every page alike). Refuses a database holding plans it did not make."
    )

    def add_arguments(self, parser):
        parser.add_argument("--size", choices=["council", "national", "both"], default="both")
        parser.add_argument("--requests", type=int, default=30, help="timed requests per page")
        parser.add_argument("--objectives", type=int, default=150)
        parser.add_argument("--milestones", type=int, default=5, help="per objective")
        parser.add_argument("--plans", type=int, default=150, help="plans at national size")
        parser.add_argument(
            "--fresh", action="store_true", help="empty the database first (bench data only)"
        )

    def handle(self, *args, **options):
        if options["requests"] < 1:
            raise CommandError("--requests must be at least 1.")
        db = connection.settings_dict
        self.stdout.write(f"Database: {connection.vendor} {db.get('NAME')}")
        self._create_database_if_missing()
        call_command("migrate", verbosity=0, interactive=False)
        foreign = Plan.objects.exclude(name__startswith=PREFIX)
        if foreign.exists():
            raise CommandError(
                "This database holds plans the benchmark did not make: point DATABASE_URL at a "
                "throwaway database (make bench does)."
            )
        if options["fresh"]:
            call_command("flush", verbosity=0, interactive=False)
            for name in ROLES:
                Group.objects.get_or_create(name=name)
        plans = Plan.objects.count()
        if options["size"] != "national" and plans > 1:
            raise CommandError(
                f"This database already holds {plans} plans: give --fresh to start again at a "
                "council's size, or --size national."
            )
        today = timezone.localdate()
        template = self._council(options, today)
        results = []
        if options["size"] in ("council", "both"):
            results.append(("council", self._measure(template, options, today)))
        if options["size"] in ("national", "both"):
            self._national(template, options)
            results.append(("national", self._measure(template, options, today)))
        self._report(results)

    def _create_database_if_missing(self) -> None:
        """On PostgreSQL, create the throwaway database named in DATABASE_URL if it is not there."""
        if connection.vendor != "postgresql":
            return
        try:
            connection.ensure_connection()
            return
        except OperationalError as error:
            if "does not exist" not in str(error):
                raise
        name = connection.settings_dict["NAME"]
        with connection._nodb_cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
        self.stdout.write(f"Created the database {name}.")

    # --- data ----------------------------------------------------------------------------------

    def _council(self, options, today) -> Plan:
        template = Plan.objects.filter(name=TEMPLATE_NAME).first()
        if template is not None:
            self.stdout.write(f"Reusing {TEMPLATE_NAME}.")
            return template
        self.stdout.write(
            f"Building {TEMPLATE_NAME} through the services: {options['objectives']} objectives, "
            f"{options['objectives'] * options['milestones']} milestones, 18 months of history..."
        )
        started = time.perf_counter()
        owners = synthetic.make_people("owner", max(4, options["objectives"] // 7))
        template, stats = synthetic.build_plan(
            name=TEMPLATE_NAME,
            today=today,
            objectives=options["objectives"],
            milestones_per_objective=options["milestones"],
            owners=owners,
        )
        self.stdout.write(
            f"  {stats.history_total} history records in {time.perf_counter() - started:.0f} s."
        )
        return template

    def _national(self, template: Plan, options) -> None:
        have = Plan.objects.filter(name__startswith=PREFIX).count()
        wanted = options["plans"]
        if have >= wanted:
            self.stdout.write(f"Reusing {have} plans.")
            return
        self.stdout.write(f"Copying {TEMPLATE_NAME} into {wanted - have} more plans...")
        started = time.perf_counter()
        people = max(4, options["objectives"] // 7)
        owners = {
            n: synthetic.make_people(f"p{n:03d}o", people) for n in range(have + 1, wanted + 1)
        }
        self._fresh_statistics()
        written = 0
        for n in sorted(owners):
            written += synthetic.replicate_plan(
                template, name=f"{PREFIX} {n:03d}", owners=owners[n]
            )
            if n % 25 == 0:
                self.stdout.write(f"  {n} plans, {time.perf_counter() - started:.0f} s")
                self._fresh_statistics()
        self.stdout.write(
            f"  {written} history records copied in {time.perf_counter() - started:.0f} s."
        )

    def _fresh_statistics(self) -> None:
        """ANALYZE as the tables grow, and reconnect: PostgreSQL keeps the plans of its foreign
        key checks per connection, and plans made while the tables were tiny scan them whole."""
        if connection.in_atomic_block:  # run inside a test: nothing to gain
            return
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        connection.close()

    def _size(self) -> str:
        history = (
            Objective.history.count() + Milestone.history.count() + ProgressUpdate.history.count()
        )
        plans = Plan.objects.count()
        return f"{plans} plan{'s' if plans != 1 else ''}, {history:,} history records"

    # --- timing --------------------------------------------------------------------------------

    def _pages(self, template: Plan, today):
        past = (today - timedelta(days=182)).isoformat()
        query = f"plan={template.pk}"
        pages = [
            ("login page (floor)", "/accounts/login/", False),
            ("dashboard, today", f"/dashboard/?{query}", True),
            (f"dashboard, as of {past}", f"/dashboard/?{query}&as_of={past}", True),
            ("dashboard, filtered by red", f"/dashboard/?{query}&rag=red", True),
            ("accountability", f"/dashboard/accountability/?{query}", True),
            ("export.csv", f"/dashboard/export.csv?{query}", True),
            ("export.xlsx", f"/dashboard/export.xlsx?{query}", True),
            ("/api/drift/", f"/api/drift/?{query}", True),
        ]
        objective = (
            Objective.objects.filter(plan=template, milestones__isnull=False).order_by("id").first()
        )
        if objective is not None:
            path = f"/objectives/{objective.pk}/"
            try:
                resolve(path)
                pages.append(("objective page", path, True))
            except Resolver404:
                self.stdout.write("No objective page yet: left out.")
        return pages

    def _settle(self) -> None:
        """Statistics (and on PostgreSQL the visibility map) as autovacuum would leave them."""
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    def _measure(self, template: Plan, options, today) -> dict:
        if not connection.in_atomic_block:
            self._settle()
        cache.clear()
        reader = synthetic.make_people("bench_leader", 1)[0]
        reader.groups.add(Group.objects.get(name=LEADERSHIP))
        anonymous = Client(HTTP_HOST="localhost")
        signed_in = Client(HTTP_HOST="localhost")
        signed_in.force_login(reader)
        pages = self._pages(template, today)
        size = self._size()
        self.stdout.write(f"Timing {len(pages)} pages, {options['requests']} requests each: {size}")
        rows = {}
        for name, path, auth in pages:
            client = signed_in if auth else anonymous
            with CaptureQueriesContext(connection) as cold:
                started = time.perf_counter()
                response = client.get(path)
                first = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise CommandError(f"{path} answered {response.status_code}")
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            rows[name] = {
                "path": path,
                "first": first,
                "first_queries": len(cold),
                "queries": len(queries),
                "times": [],
            }
        # Interleave the pages so that load from elsewhere on the machine hits them all alike.
        for _ in range(options["requests"]):
            for name, path, auth in pages:
                client = signed_in if auth else anonymous
                started = time.perf_counter()
                client.get(path)
                rows[name]["times"].append((time.perf_counter() - started) * 1000)
        for row in rows.values():
            times = sorted(row["times"])
            row["median"] = statistics.median(times)
            row["p95"] = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
        return {"size": size, "rows": rows, "floor": rows["login page (floor)"]["median"]}

    def _report(self, results) -> None:
        council = dict(results).get("council")
        header = (
            f"{'page':<34} {'data size':<34} {'first ms':>9} {'(queries)':>9} {'median ms':>10} "
            f"{'p95 ms':>8} {'queries':>8} {'x floor':>8}"
        )
        if council and len(results) > 1:
            header += f" {'x council':>10}"
        self.stdout.write("")
        self.stdout.write(
            f"Server time through Django's test client; {connection.vendor}; "
            f"DEBUG={settings.DEBUG}. 'first' is the first request, with an empty cache, and its "
            "queries; median, p95 and queries are for the requests after it."
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for label, result in results:
            for name, row in result["rows"].items():
                line = (
                    f"{name:<34} {label + ': ' + result['size']:<34.34} {row['first']:>9.1f} "
                    f"{'(' + str(row['first_queries']) + ')':>9} "
                    f"{row['median']:>10.1f} {row['p95']:>8.1f} {row['queries']:>8} "
                    f"{row['median'] / result['floor']:>8.2f}"
                )
                if council and len(results) > 1:
                    if label == "council":
                        line += f" {'':>10}"
                    else:
                        base = council["rows"][name]["median"]
                        line += f" {row['median'] / base:>10.2f}"
                self.stdout.write(line)
        self.stdout.write("")
        for label, result in results:
            rows = result["rows"]
            floor = result["floor"]
            today = rows["dashboard, today"]["median"] / floor
            past = next(v for k, v in rows.items() if k.startswith("dashboard, as of"))
            self.stdout.write(
                f"{label}: dashboard {today:.2f}x the floor (target 3), "
                f"as of a past date {past['median'] / floor:.2f}x (target 5)"
            )
        if council and len(results) > 1:
            national = dict(results)["national"]["rows"]
            worst = max(
                (national[k]["median"] / council["rows"][k]["median"], k)
                for k in national
                if k != "login page (floor)"
            )
            self.stdout.write(
                f"national: slowest page against its council time {worst[0]:.2f}x "
                f"({worst[1]}; target 1.5)"
            )
