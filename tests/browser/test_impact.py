"""Findings, measures and evidence in a real browser: every new page passes axe-core (error
states included) and runs under the Content-Security-Policy without a console error."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from impact import evidence_services, services, value_services
from impact.models import Evidence, Finding, MeasureValue
from tests import factories

pytestmark = pytest.mark.browser


@pytest.fixture
def world():
    today = timezone.localdate()
    admin = factories.make_admin("ada", first_name="Ada", last_name="Lovelace")
    manager = factories.make_manager("mo", first_name="Mo", last_name="Khan")
    leader = factories.make_leader("lee", first_name="Lee", last_name="Leader")
    plan = factories.make_plan(
        user=admin, starts_on=today - timedelta(days=400), ends_on=today + timedelta(days=400)
    )
    objective = factories.make_objective(
        plan,
        user=admin,
        ref="1.1",
        title="Bring caseloads down",
        owner=manager,
        starts_on=today - timedelta(days=390),
        target_date=today + timedelta(days=300),
    )
    factories.make_milestone(objective, user=admin, due_date=today + timedelta(days=30))
    finding = factories.make_finding(plan, user=admin, ref="F1", text="Caseloads are too high.")
    factories.make_finding(plan, user=admin, ref="F2", text="Supervision is irregular.")
    services.finding_set_objectives(user=admin, finding=finding, objectives=[objective])
    measure = factories.make_measure(
        objective,
        user=admin,
        name="Average caseload",
        unit="children",
        direction="down",
        baseline_value=Decimal(26),
        baseline_on=today - timedelta(days=400),
        target_value=Decimal(18),
        target_on=today + timedelta(days=400),
    )
    for months, value in ((3, "23.5"), (2, "23"), (1, "22.4")):
        value_services.measure_value_create(
            user=manager,
            measure=measure,
            period_end=today - timedelta(days=30 * months),
            value=Decimal(value),
        )
    evidence_services.evidence_add_link(
        user=manager, objective=objective, title="Caseload report", url="https://example.org/r"
    )
    return {
        "admin": admin,
        "manager": manager,
        "leader": leader,
        "plan": plan,
        "objective": objective,
        "finding": finding,
        "measure": measure,
    }


def test_leader_reads_findings_measures_and_impact(
    page, login, assert_accessible, console_errors, world
):
    login(page, world["leader"])
    plan, objective = world["plan"], world["objective"]
    page.goto(f"/findings/?plan={plan.pk}")
    expect(page.get_by_role("heading", name="Findings register")).to_be_visible()
    rows = page.locator("#findings-table tbody tr")
    expect(rows.first).to_contain_text("F2")
    expect(rows.first).to_contain_text("Nothing answers this finding")
    assert_accessible(page)
    past = (timezone.localdate() - timedelta(days=3)).isoformat()
    page.goto(f"/findings/?plan={plan.pk}&as_of={past}")
    expect(page.get_by_text("You are looking at the register as it stood on")).to_be_visible()
    assert_accessible(page)
    page.goto(f"/findings/?plan={plan.pk}&as_of=2025-13-01")
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/objectives/{objective.pk}/")
    expect(page.get_by_role("heading", name="Findings this objective answers")).to_be_visible()
    expect(page.locator("#measures")).to_be_visible()
    expect(page.locator("svg.app-chart").last).to_be_visible()
    expect(page.get_by_text("1 piece of evidence (0 files, 1 link)")).to_be_visible()
    expect(page.get_by_role("link", name="Record a value")).to_have_count(0)
    assert_accessible(page)

    page.goto(f"/dashboard/?plan={plan.pk}")
    expect(page.locator("#impact-table")).to_contain_text("Bring caseloads down")
    assert_accessible(page)
    # the one expected error: the page with a date that is not a date answers 400
    assert [e for e in console_errors if "status of 400" not in e] == []


def test_administrator_builds_the_register_and_a_measure(
    page, login, assert_accessible, console_errors, world
):
    login(page, world["admin"])
    plan = world["plan"]
    page.goto(f"/manage/findings/plan/{plan.pk}/")
    assert_accessible(page)
    page.get_by_role("button", name="Add a finding").click()
    page.get_by_role("button", name="Add finding").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Reference").fill("F3")
    page.get_by_label("Source").fill("Peer challenge 2018")
    page.get_by_label("What the finding says").fill("Too few services for adolescents.")
    page.get_by_role("button", name="Add finding").click()
    expect(
        page.get_by_role("heading", name="Which objectives answer this finding?")
    ).to_be_visible()
    assert_accessible(page)
    page.get_by_label("1.1 Bring caseloads down").check()
    page.get_by_role("button", name="Save links").click()
    expect(page.get_by_text("1 objective linked")).to_be_visible()
    assert Finding.objects.get(ref="F3").objectives.get() == world["objective"]

    page.goto(f"/manage/findings/{world['finding'].pk}/edit/")
    page.get_by_label("What the finding says").fill("")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)

    page.goto(f"/manage/findings/objective/{world['objective'].pk}/measures/new/")
    assert_accessible(page)
    page.get_by_label("Baseline value").fill("lots")
    page.get_by_role("button", name="Add measure").click()
    expect(
        page.get_by_text("Baseline value must be a number, like 42 or 12.5").first
    ).to_be_visible()
    assert_accessible(page)

    page.goto(f"/manage/findings/measures/{world['measure'].pk}/edit/")
    page.get_by_label("Target value").fill("16")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Give a reason for changing the baseline").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why are you making this change?").fill("Board lowered the target")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Measure “Average caseload” saved")).to_be_visible()
    assert console_errors == []


def test_owner_records_a_value_and_adds_and_withdraws_evidence(
    page, login, assert_accessible, console_errors, world, tmp_path
):
    login(page, world["manager"])
    objective = world["objective"]
    page.goto(f"/objectives/{objective.pk}/")
    page.get_by_role("link", name="Record a value").click()
    assert_accessible(page)
    page.get_by_role("button", name="Record value").click()
    expect(page.get_by_text("There is a problem")).to_be_visible()
    assert_accessible(page)
    today = timezone.localdate()
    page.get_by_label("Day").fill(str(today.day))
    page.get_by_label("Month").fill(str(today.month))
    page.get_by_label("Year").fill(str(today.year))
    page.get_by_label("Value", exact=True).fill("21.9")
    page.get_by_role("button", name="Record value").click()
    expect(page.locator(".govuk-notification-banner")).to_contain_text(
        "value for the period ending"
    )
    assert MeasureValue.objects.filter(period_end=today).exists()

    page.goto(f"/objectives/{objective.pk}/evidence/new/")
    assert_accessible(page)
    bad = tmp_path / "chart.svg"
    bad.write_text('<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>')
    page.get_by_role("radio", name="A file").check()
    page.get_by_label("File (for a file)").set_input_files(str(bad))
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_text("cannot be uploaded").first).to_be_visible()
    assert_accessible(page)
    good = tmp_path / "minutes.txt"
    good.write_text("Minutes of the caseload review.")
    page.get_by_role("radio", name="A file").check()
    page.get_by_label("File (for a file)").set_input_files(str(good))
    page.get_by_role("button", name="Add evidence").click()
    expect(page.get_by_text("2 pieces of evidence (1 file, 1 link)")).to_be_visible()

    page.get_by_role("link", name="Withdraw minutes.txt").click()
    assert_accessible(page)
    page.get_by_role("button", name="Withdraw evidence").click()
    expect(page.get_by_text("Enter why the evidence is being withdrawn").first).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Why is this evidence being withdrawn?").fill("Wrong file")
    page.get_by_role("button", name="Withdraw evidence").click()
    expect(page.get_by_text("1 withdrawn")).to_be_visible()
    assert Evidence.objects.filter(withdrawn_on=today).count() == 1
    assert console_errors == []
