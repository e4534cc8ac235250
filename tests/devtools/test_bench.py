"""The benchmark's synthetic data: built through the services, copied with complete history,
and read back the same; and a tiny run of ``manage.py bench`` (the real sizes run in make bench)."""

import io
import re
from datetime import date

import pytest
from django.core.management import call_command
from django.db import connection

from devtools import synthetic
from objectives.models import Plan
from tests import factories
from tracking import selectors
from tracking.integrity import check_all

TODAY = date(2026, 4, 10)

pytestmark = pytest.mark.django_db


def test_a_copied_plan_reads_back_like_the_original(clock):
    with clock(TODAY):
        owners = synthetic.make_people("owner", 4)
        plan, stats = synthetic.build_plan(
            name="Bench plan 001",
            today=TODAY,
            objectives=6,
            milestones_per_objective=3,
            owners=owners,
        )
        assert stats.history_total > 6 + 18
        others = synthetic.make_people("p002o", 4)
        written = synthetic.replicate_plan(plan, name="Bench plan 002", owners=others)
        copy = Plan.objects.get(name="Bench plan 002")
        assert written == stats.history_total
        _, problems = check_all()
        assert problems == []
        for day in (TODAY, date(2026, 1, 31), date(2025, 9, 30)):
            original = selectors.plan_drift(plan, day)
            copied = selectors.plan_drift(copy, day)
            assert original.summary == copied.summary
            assert [(o.ref, o.rag, o.flags, o.worst_days) for o in original.objectives] == [
                (o.ref, o.rag, o.flags, o.worst_days) for o in copied.objectives
            ]
            assert {o.state.owner_username for o in copied.objectives} <= {
                u.username for u in others
            } | {None}


def test_bench_runs_at_a_tiny_size():
    out = io.StringIO()
    call_command(
        "bench",
        "--objectives=3",
        "--milestones=2",
        "--plans=2",
        "--requests=2",
        stdout=out,
    )
    text = out.getvalue()
    assert "login page (floor)" in text
    assert "dashboard, today" in text
    assert "export.xlsx" in text
    assert "x council" in text
    # National against council both as timed and against each half's own login page.
    line = re.search(r"^national: slowest page against its council time .*$", text, re.M)[0]
    assert re.search(r"\(cold\) [\d.]+x \(.+; target 1\.2\); against each half's floor", line)
    assert re.search(r"floor [\d.]+x \(.+; the login page [\d.]+x\)$", line)


def test_query_counts_are_counted_even_once_the_query_log_is_full():
    connection.queries_log.extend({"sql": "", "time": "0"} for _ in range(connection.queries_limit))
    out = io.StringIO()
    call_command(
        "bench", "--objectives=3", "--milestones=2", "--plans=2", "--requests=1", stdout=out
    )
    counts = {
        (label, size): int(queries)
        for label, size, queries in re.findall(
            r"^(dashboard, today|/api/drift/)\s+(council|national):.*?"
            r"\s[\d.]+\s+[\d.]+\s+[\d.]+\s+(\d+)\s",
            out.getvalue(),
            re.M,
        )
    }
    assert len(counts) == 4
    assert all(n > 0 for n in counts.values()), counts
    assert counts[("dashboard, today", "national")] == counts[("dashboard, today", "council")]


def test_bench_refuses_a_database_with_real_plans(admin_user):
    factories.make_plan(user=admin_user, name="Real plan")
    with pytest.raises(Exception, match="throwaway database"):
        call_command("bench", "--requests=1", stdout=io.StringIO())


def test_bench_prints_where_each_pages_cold_time_goes():
    out = io.StringIO()
    call_command(
        "bench", "--size=council", "--objectives=3", "--milestones=2", "--requests=2", stdout=out
    )
    text = out.getvalue()
    assert "Where the cold time goes" in text
    split = {
        name: [float(part) for part in parts.split()]
        for name, parts in re.findall(
            r"^(dashboard, today|/api/drift/|objective page)\s+council\s+([\d.\s]+)$",
            text,
            re.M,
        )
    }
    assert set(split) == {"dashboard, today", "/api/drift/", "objective page"}
    for name, (cold, sql, templates, python, queries, cpu, cpu_ratio) in split.items():
        assert sql > 0 and python > 0 and queries > 0 and cpu > 0 and cpu_ratio > 0, name
        assert sql + templates <= cold * 1.5, name  # parts are medians of their own
    assert split["dashboard, today"][2] > 0  # drawn by templates
    assert split["/api/drift/"][2] == 0  # JSON: no template


def test_split_time_counts_sql_run_while_rendering_as_sql():
    from django.template import Context, Template

    from devtools.timing import split_time

    def read():
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            return cursor.fetchone()[0]

    with split_time() as split:
        read()
        Template("{% for i in items %}{{ i }}{% endfor %}").render(Context({"items": [read]}))
    assert split.sql > 0 and split.templates > 0
    assert 0 < split.sql_in_templates < split.sql
    sql, templates, python = split.parts(1000.0)
    assert sql == split.sql and templates == split.templates - split.sql_in_templates
    assert python == 1000.0 - sql - templates
