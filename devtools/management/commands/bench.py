"""``manage.py bench``: build synthetic plans and time the dashboard against the login page.

Run it against a throwaway database (``make bench`` points DATABASE_URL at one).
"""

from __future__ import annotations

import itertools
import statistics
import time
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.models import Group
from django.core.cache import cache
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.db import OperationalError, connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from devtools import synthetic
from devtools.timing import split_time
from milestones.models import Milestone
from objectives import services
from objectives.models import Objective, Plan, ProgressUpdate
from objectives.permissions import ADMINISTRATORS, LEADERSHIP, ROLES

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
        objective = (
            Objective.objects.filter(plan=template, milestones__isnull=False)
            .order_by("-id")
            .first()
        )
        return [
            ("login page (floor)", "/accounts/login/", False),
            ("dashboard, today", f"/dashboard/?{query}", True),
            (f"dashboard, as of {past}", f"/dashboard/?{query}&as_of={past}", True),
            ("dashboard, filtered by red", f"/dashboard/?{query}&rag=red", True),
            ("accountability", f"/dashboard/accountability/?{query}", True),
            ("export.csv", f"/dashboard/export.csv?{query}", True),
            ("export.xlsx", f"/dashboard/export.xlsx?{query}", True),
            ("/api/drift/", f"/api/drift/?{query}", True),
            ("objective page", f"/objectives/{objective.pk}/", True),
        ]

    def _settle(self) -> None:
        """Statistics (and on PostgreSQL the visibility map) as autovacuum would leave them."""
        with connection.cursor() as cursor:
            cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")

    def _write(self, objective: Objective, writer, today) -> None:
        """A progress update, as an owner writes one on a busy morning."""
        services.progress_update_create(
            user=writer, objective=objective, reported_on=today, rag="amber", summary="Busy."
        )

    def _timed(self, client, path, parts=None) -> tuple[float, int, int]:
        """The request's time (ms), queries and length; with ``parts`` (a list), its SQL,
        template and Python milliseconds, and the CPU time this process spent on it, are
        appended to it."""
        # The query log holds the last 9,000 queries only: once the national copies have filled
        # it, its length stops growing and a request would seem to run none. Start it empty.
        reset_queries()
        with CaptureQueriesContext(connection) as queries, split_time() as split:
            started, cpu = time.perf_counter(), time.thread_time()
            response = client.get(path)
            took = (time.perf_counter() - started) * 1000
            cpu = (time.thread_time() - cpu) * 1000
        if response.status_code != 200:
            raise CommandError(f"{path} answered {response.status_code}")
        if parts is not None:
            parts.append((*split.parts(took), cpu))
        return took, len(queries), len(response.content)

    def _measure(self, template: Plan, options, today) -> dict:
        if not connection.in_atomic_block:
            self._settle()
        cache.clear()
        reader = synthetic.make_people("bench_leader", 1)[0]
        reader.groups.add(Group.objects.get(name=LEADERSHIP))
        writer = synthetic.make_people("bench_admin", 1)[0]
        writer.groups.add(Group.objects.get(name=ADMINISTRATORS))
        # The writes go round the plan's other objectives, so the page timed stays the same size.
        shown = self._pages(template, today)[-1][1]
        targets = itertools.cycle(
            Objective.objects.filter(plan=template).exclude(pk=int(shown.split("/")[2]))[:50]
        )
        anonymous = Client(HTTP_HOST="localhost")
        signed_in = Client(HTTP_HOST="localhost")
        signed_in.force_login(reader)
        pages = self._pages(template, today)
        size = self._size()
        self.stdout.write(
            f"Timing {len(pages)} pages, {options['requests']} requests each, warm and cold "
            f"(a progress update written in the plan before each cold request): {size}"
        )
        rows = {}
        for name, path, auth in pages:
            client = signed_in if auth else anonymous
            first, first_queries, _ = self._timed(client, path)
            rows[name] = {
                "path": path,
                "first": first,
                "first_queries": first_queries,
                "warm": [],
                "cold": [],
                "cold_parts": [],
            }
        # Interleave the pages so that load from elsewhere on the machine hits them all alike.
        for _ in range(options["requests"]):
            for name, path, auth in pages:
                client = signed_in if auth else anonymous
                # The other pages' writes since this page's last request are taken in first,
                # so that "warm" has nothing written since the request before it and "cold"
                # exactly one write: the progress update written just before it.
                self._timed(client, path)
                took, queries, _ = self._timed(client, path)
                rows[name]["warm"].append(took)
                rows[name]["warm_queries"] = queries
                self._write(next(targets), writer, today)
                took, queries, _ = self._timed(client, path, rows[name]["cold_parts"])
                rows[name]["cold"].append(took)
                rows[name]["cold_queries"] = queries
        for row in rows.values():
            for kind in ("warm", "cold"):
                times = sorted(row[kind])
                row[kind + "_median"] = statistics.median(times)
                row[kind + "_p95"] = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
            parts = zip(*row["cold_parts"], strict=True)
            row["cold_split"] = [statistics.median(part) for part in parts]
        # Like with like: a page's cold requests against the login page's, each straight after
        # a write and another page's request; warm ones against its warm ones.
        login = rows["login page (floor)"]
        floor = {"cold": login["cold_median"], "warm": login["warm_median"]}
        other = self._other_plan_stays_warm(template, pages, signed_in, writer, today)
        return {"size": size, "rows": rows, "floor": floor, "other": other}

    def _other_plan_stays_warm(self, template, pages, client, writer, today) -> str | None:
        """With another plan there: a write in it leaves this plan's pages as warm as before."""
        other = Plan.objects.exclude(pk=template.pk).filter(name__startswith=PREFIX).first()
        if other is None:
            return None
        target = Objective.objects.filter(plan=other).order_by("id").first()
        lines = []
        for name, path, auth in pages:
            if not auth:
                continue
            self._timed(client, path)
            _, before, _ = self._timed(client, path)
            self._write(target, writer, today)
            _, after, _ = self._timed(client, path)
            lines.append(f"{name} {before}->{after}")
        return "queries before -> after a write in another plan: " + "; ".join(lines)

    def _report(self, results) -> None:
        council = dict(results).get("council")
        header = (
            f"{'page':<34} {'data size':<30} {'first':>7} {'cold ms':>8} {'x floor':>8} "
            f"{'queries':>8} {'warm ms':>8} {'x floor':>8} {'queries':>8}"
        )
        if council and len(results) > 1:
            header += f" {'cold x council':>15}"
        self.stdout.write("")
        self.stdout.write(
            f"Server time through Django's test client; {connection.vendor}; "
            f"DEBUG={settings.DEBUG}. 'first' is the very first request (empty cache, ms); "
            "'cold' each request straight after a progress update written in the same plan "
            "(the one write since the page's request before); 'warm' the same request with "
            "nothing written since the one before it; medians, with the queries "
            "of one request; 'x floor' against the login page's median in the same run, cold "
            "against cold and warm against warm (the login page reads no plan: its requests are "
            "timed in the same places as every page's)."
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for label, result in results:
            floor = result["floor"]
            for name, row in result["rows"].items():
                line = (
                    f"{name:<34} {label + ': ' + result['size']:<30.30} {row['first']:>7.1f} "
                    f"{row['cold_median']:>8.1f} {row['cold_median'] / floor['cold']:>8.2f} "
                    f"{row['cold_queries']:>8} "
                    f"{row['warm_median']:>8.1f} {row['warm_median'] / floor['warm']:>8.2f} "
                    f"{row['warm_queries']:>8}"
                )
                if council and len(results) > 1:
                    if label == "council":
                        line += f" {'':>15}"
                    else:
                        base = council["rows"][name]["cold_median"]
                        line += f" {row['cold_median'] / base:>15.2f}"
                self.stdout.write(line)
        self._report_split(results)
        self.stdout.write("")
        for label, result in results:
            rows = result["rows"]
            floor = result["floor"]

            def cold(name, rows=rows, floor=floor):
                return rows[name]["cold_median"] / floor["cold"]

            self.stdout.write(
                f"{label}: cold dashboard {cold('dashboard, today'):.2f}x the floor (target 6), "
                f"cold objective page {cold('objective page'):.2f}x (target 5), "
                f"cold /api/drift/ {cold('/api/drift/'):.2f}x (target 3)"
            )
            if result["other"]:
                self.stdout.write(f"{label}: {result['other']}")
        if council and len(results) > 1:
            national = dict(results)["national"]
            pages = [k for k in national["rows"] if k != "login page (floor)"]

            def against_council(name, floors=(1.0, 1.0)):
                ours = national["rows"][name]["cold_median"] / floors[0]
                return ours / (council["rows"][name]["cold_median"] / floors[1])

            worst = max((against_council(k), k) for k in pages)
            # The two halves run minutes apart: a machine busier in one (the database settling
            # after a million rows were copied, say) slows the login page there too.
            floors = (national["floor"]["cold"], council["floor"]["cold"])
            level = max((against_council(k, floors), k) for k in pages)
            self.stdout.write(
                f"national: slowest page against its council time (cold) {worst[0]:.2f}x "
                f"({worst[1]}; target 1.2); against each half's floor {level[0]:.2f}x "
                f"({level[1]}; the login page {floors[0] / floors[1]:.2f}x)"
            )

    def _report_split(self, results) -> None:
        """Where each page's cold time goes (medians of each part, so they need not add up to
        the median of the whole exactly)."""
        self.stdout.write("")
        self.stdout.write(
            "Where the cold time goes (medians, ms): SQL is the time inside the database's "
            "execute (on SQLite a floor: rows fetched later count as Python); templates the "
            "rendering, less the SQL run from it; Python the rest, from the middleware to the "
            "response (the test client's own part included, as for the floor). CPU is the "
            "time this process ran (a busy machine delays a request, but does not add to its "
            "CPU time; the database server's own work is not in it)."
        )
        header = (
            f"{'page':<34} {'size':<9} {'cold ms':>8} {'SQL':>7} {'templates':>10} "
            f"{'Python':>7} {'queries':>8} {'CPU ms':>7} {'CPU x floor':>12}"
        )
        self.stdout.write(header)
        self.stdout.write("-" * len(header))
        for label, result in results:
            floor_cpu = result["rows"]["login page (floor)"]["cold_split"][3]
            for name, row in result["rows"].items():
                sql, templates, python, cpu = row["cold_split"]
                self.stdout.write(
                    f"{name:<34} {label:<9} {row['cold_median']:>8.1f} {sql:>7.1f} "
                    f"{templates:>10.1f} {python:>7.1f} {row['cold_queries']:>8} {cpu:>7.1f} "
                    f"{cpu / floor_cpu:>12.2f}"
                )
