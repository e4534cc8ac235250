"""A leader on the drift dashboard in a real browser: counts change with the 'as of' date,
filters stay in the URL, the CSV downloads, and axe-core finds no serious problems on the
dashboard or the accountability view.

The history is backdated through the services (``recorded_at``) so that the plan looked
different five months ago: both objectives were on track then; today one is overdue.
"""

import csv
import io
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from milestones import services as milestone_services
from objectives import services
from tests import factories

pytestmark = pytest.mark.browser

LONDON = ZoneInfo("Europe/London")


def at(day, hour=10):
    return datetime.combine(day, time(hour), tzinfo=LONDON)


@pytest.fixture
def history():
    today = timezone.localdate()
    start = today - timedelta(days=200)
    then = today - timedelta(days=150)
    admin = factories.make_admin("ada", first_name="Ada", last_name="Lovelace")
    leader = factories.make_leader("lee", first_name="Lee", last_name="Leader")
    mo = factories.make_manager("mo", first_name="Mo", last_name="Khan")
    nat = factories.make_manager("nat", first_name="Nat", last_name="Patel")
    plan = services.plan_create(
        user=admin,
        name="Children's services improvement plan",
        organisation="Example Borough Council",
        starts_on=start,
        ends_on=start + timedelta(days=900),
        recorded_at=at(start),
        published_on=start,
    )
    workforce = services.theme_create(
        user=admin, plan=plan, name="Stabilising the workforce", order=1, recorded_at=at(start)
    )
    school = services.theme_create(
        user=admin, plan=plan, name="The virtual school", order=2, recorded_at=at(start)
    )
    recruit = services.objective_create(
        user=admin,
        plan=plan,
        ref="1.1",
        title="Recruit permanent social workers",
        theme=workforce,
        owner=mo,
        starts_on=start,
        target_date=start + timedelta(days=600),
        recorded_at=at(start, 11),
    )
    training = services.objective_create(
        user=admin,
        plan=plan,
        ref="2.1",
        title="Trauma-informed training for schools",
        theme=school,
        owner=nat,
        starts_on=start,
        target_date=start + timedelta(days=600),
        recorded_at=at(start, 11),
    )
    milestone_services.milestone_create(
        user=admin,
        objective=recruit,
        title="Recruitment campaign launched",
        due_date=today - timedelta(days=100),
        recorded_at=at(start, 12),
    )
    milestone_services.milestone_create(
        user=admin,
        objective=training,
        title="Twenty schools trained",
        due_date=today + timedelta(days=100),
        recorded_at=at(start, 12),
    )
    for objective, owner in ((recruit, mo), (training, nat)):
        services.progress_update_create(
            user=owner,
            objective=objective,
            reported_on=then - timedelta(days=10),
            rag="green",
            summary="On track.",
            recorded_at=at(then - timedelta(days=10), 15),
        )
    services.progress_update_create(
        user=nat,
        objective=training,
        reported_on=today - timedelta(days=3),
        rag="green",
        summary="Eight schools trained so far.",
        recorded_at=timezone.now() - timedelta(minutes=5),
    )
    return {"leader": leader, "then": then, "plan": plan}


def count(page, rag: str) -> str:
    return page.locator(f"#count-{rag}").inner_text().split(":")[-1].strip()


def test_leader_travels_in_time_filters_and_downloads(
    page, login, assert_accessible, console_errors, history
):
    login(page, history["leader"])
    page.get_by_role("link", name="Dashboard").first.click()
    expect(page.get_by_role("heading", name="Drift dashboard", level=1)).to_be_visible()
    assert count(page, "red") == "1"
    assert count(page, "green") == "1"
    expect(page.get_by_role("cell", name="Recruit permanent social workers")).to_be_visible()
    assert_accessible(page)

    # As it stood five months ago: nothing was overdue yet.
    then = history["then"]
    when = page.get_by_role("group", name="Show the plan as it stood at the end of")
    when.get_by_label("Day").fill(str(then.day))
    when.get_by_label("Month").fill(str(then.month))
    when.get_by_label("Year").fill(str(then.year))
    page.get_by_role("button", name="Show this date").click()
    banner = page.get_by_text("You are looking at the plan as it stood at the end of")
    expect(banner).to_be_visible()
    assert f"as_of={then.isoformat()}" in page.url
    assert count(page, "red") == "0"
    assert count(page, "green") == "2"
    assert_accessible(page)

    # Back to today, then filter by theme: the filter stays in the URL.
    page.get_by_role("link", name="Go back to today").click()
    assert count(page, "red") == "1"
    page.get_by_label("Theme", exact=True).select_option(label="The virtual school")
    page.get_by_role("button", name="Apply filters").click()
    assert "theme=The+virtual+school" in page.url
    table = page.locator("#objectives-table, #objectives-rest-table")  # red and amber; the rest
    expect(table.get_by_text("Trauma-informed training for schools")).to_be_visible()
    expect(table.get_by_text("Recruit permanent social workers")).to_have_count(0)
    expect(page.get_by_text("Showing 1 of 2 objectives")).to_be_visible()

    # The CSV holds the same filtered rows, with the contract's columns.
    with page.expect_download() as download_info:
        page.get_by_role("link", name="CSV").click()
    download = download_info.value
    assert download.suggested_filename.startswith("drift-childrens-services-improvement-plan-")
    with open(download.path(), encoding="utf-8") as handle:
        rows = list(csv.DictReader(io.StringIO(handle.read())))
    assert [(r["ref"], r["theme"], r["owner"], r["rag"]) for r in rows] == [
        ("2.1", "The virtual school", "nat", "green")
    ]

    # Who is accountable, from the dashboard.
    page.get_by_role("link", name="Who is accountable: objectives by owner").click()
    expect(page.get_by_role("heading", name="Who is accountable", level=1)).to_be_visible()
    expect(page.get_by_role("link", name="Mo Khan", exact=True)).to_be_visible()
    assert_accessible(page)
    assert console_errors == []
