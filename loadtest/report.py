"""What `make load` and `make cluster` print and check after their load: each request's
timings, throughput, and whether every accepted write is in the database with its history."""

from __future__ import annotations

import subprocess
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from loadtest.run import Results

ROOT = Path(__file__).resolve().parent.parent
PYTHON = str(ROOT / ".venv" / "bin" / "python")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q / 100 * (len(ordered) - 1))))]


def print_table(results: Results, elapsed: float) -> None:
    """Each request's count, p50/p95/p99 and errors, then the throughput."""
    total = sum(len(v) for v in results.timings.values()) + len(results.errors)
    print(
        f"{'request':<18}{'count':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}{'errors':>8}  statuses"
    )
    all_times: list[float] = []
    error_counts: dict[str, int] = defaultdict(int)
    for _, name, _ in results.errors:
        error_counts[name] += 1
    for name in sorted(set(results.timings) | set(error_counts)):
        values = results.timings.get(name, [])
        all_times.extend(values)
        statuses = ", ".join(f"{k}:{v}" for k, v in sorted(results.statuses[name].items()))
        print(
            f"{name:<18}{len(values) + error_counts[name]:>7}{percentile(values, 50):>9.0f}"
            f"{percentile(values, 95):>9.0f}{percentile(values, 99):>9.0f}"
            f"{error_counts[name]:>8}  {statuses}"
        )
    print(
        f"{'all':<18}{total:>7}{percentile(all_times, 50):>9.0f}{percentile(all_times, 95):>9.0f}"
        f"{percentile(all_times, 99):>9.0f}{len(results.errors):>8}"
    )
    print(
        f"Throughput: {total / elapsed:.1f} requests/s; errors {len(results.errors)} "
        f"({100 * len(results.errors) / max(total, 1):.2f}%)"
    )


@dataclass
class Writes:
    wanted: int
    found: int
    with_history: int
    cut_off: int
    cut_off_found: int
    cut_off_with_history: int


_FIND_UPDATES = (
    "import json,sys\n"
    "from objectives.models import ProgressUpdate\n"
    "wanted = json.load(sys.stdin)\n"
    "found = set(ProgressUpdate.objects.filter(summary__in=wanted)"
    ".values_list('summary', flat=True))\n"
    "with_history = set(ProgressUpdate.history.filter(summary__in=wanted, history_type='+')"
    ".values_list('summary', flat=True))\n"
    "print(len(wanted), len(found), len(found & with_history))\n"
)


def check_writes(env: dict[str, str], results: Results) -> Writes:
    """Whether every accepted progress update is in the database with its creation record, and
    how many of those cut off by a fault were saved (each must have its history)."""
    import json

    def count(summaries: list[str]) -> list[int]:
        check = subprocess.run(
            [PYTHON, "manage.py", "shell", "--no-imports", "-c", _FIND_UPDATES],
            cwd=ROOT,
            env=env,
            text=True,
            input=json.dumps(summaries),
            capture_output=True,
            check=True,
        )
        return list(map(int, check.stdout.split()))

    wanted, found, with_history = count(results.accepted_summaries)
    cut_off, cut_found, cut_history = count(results.uncertain_summaries)
    print(
        f"Accepted progress updates: {wanted}; in the database: {found}; "
        f"with a creation record: {with_history}"
    )
    print(
        f"Writes cut off by a fault: {cut_off}; saved: {cut_found} "
        f"(each with history: {cut_history == cut_found})"
    )
    return Writes(wanted, found, with_history, cut_off, cut_found, cut_history)


def phase_table(results: Results, phases: list[tuple[str, float, float]]) -> None:
    """Throughput, p50/p95 and errors of the requests started in each ``(label, start, end)``."""
    print(f"{'phase':<34}{'seconds':>8}{'req/s':>8}{'p50 ms':>8}{'p95 ms':>8}{'errors':>8}")
    for label, start, end in phases:
        times = [ms for t, _, ms in results.answered if start <= t < end]
        errors = sum(1 for t, _, _ in results.errors if start <= t < end)
        seconds = max(end - start, 0.001)
        print(
            f"{label:<34}{seconds:>8.1f}{(len(times) + errors) / seconds:>8.1f}"
            f"{percentile(times, 50):>8.0f}{percentile(times, 95):>8.0f}{errors:>8}"
        )
