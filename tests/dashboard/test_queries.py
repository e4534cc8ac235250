"""The dashboard, accountability view and exports run the same number of queries whatever the
size of the plan: with an empty cache (everything read from history) and with a warm one."""

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from dashboard import selectors as dashboard_selectors
from milestones import services as milestone_services
from tests import factories

from .conftest import TODAY, cached

pytestmark = pytest.mark.django_db

PAGES = [
    "/dashboard/",
    "/dashboard/?as_of=2026-03-01",
    "/dashboard/?theme=Theme+1&rag=red",
    "/dashboard/accountability/",
    "/dashboard/export.csv",
    "/dashboard/export.xlsx?as_of=2026-02-15",
]


def build_plan(clock, *, admin, owners, count, name):
    """``count`` objectives, each with an owner, a theme, two milestones, a slip, a completion
    and a progress update, written on different days."""
    with clock(date(2026, 1, 5)):
        plan = factories.make_plan(user=admin, name=name)
        themes = [factories.make_theme(plan, user=admin, name=f"Theme {i}") for i in range(3)]
        rows = []
        for i in range(count):
            objective = factories.make_objective(
                plan,
                user=admin,
                ref=f"{i // 10 + 1}.{i % 10 + 1}",
                owner=owners[i % len(owners)],
                theme=themes[i % len(themes)],
                starts_on=date(2026, 1, 1),
                target_date=date(2026, 12, 31),
            )
            first = factories.make_milestone(objective, user=admin, due_date=date(2026, 3, 31))
            second = factories.make_milestone(objective, user=admin, due_date=date(2026, 6, 30))
            rows.append((objective, first, second))
    with clock(date(2026, 2, 1)):
        for _, first, _ in rows:
            milestone_services.milestone_reschedule(
                milestone=first, user=admin, due_date=date(2026, 4, 15), reason="Slipped"
            )
    with clock(date(2026, 3, 1)):
        for objective, _, second in rows[::2]:
            milestone_services.milestone_complete(
                milestone=second, user=admin, completed_on=date(2026, 3, 1)
            )
            factories.make_update(objective, user=admin, reported_on=date(2026, 3, 1))
    return plan


def count(client, clock, url) -> int:
    with clock(TODAY), CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.content[:500])
    return len(queries)


def counts(client, clock, plan) -> dict:
    """Queries per page, first with an empty cache, then warm."""
    result = {}
    for page in PAGES:
        url = f"{page}{'&' if '?' in page else '?'}plan={plan.pk}"
        dashboard_selectors.clear_cache()
        cold = count(client, clock, url)
        warm = count(client, clock, url)
        result[page] = (cold, warm)
    return result


@cached
@pytest.mark.usefixtures("role_groups")
def test_query_counts_do_not_grow_with_the_plan(client, clock, admin_user, leader):
    owners = [factories.make_manager(f"owner{i}") for i in range(5)]
    small = build_plan(clock, admin=admin_user, owners=owners, count=3, name="Small")
    large = build_plan(clock, admin=admin_user, owners=owners, count=30, name="Large")
    client.force_login(leader)
    small_counts = counts(client, clock, small)
    large_counts = counts(client, clock, large)
    assert small_counts == large_counts
    for cold, warm in small_counts.values():
        assert cold <= 16
        assert warm < cold
