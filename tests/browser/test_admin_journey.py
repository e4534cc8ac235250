"""An administrator's journey in a real browser: reassign an owner, mark a leaver and move their
objectives, re-baseline a milestone; then the leader sees the new owners and the reasons.

Every page on the way, error states included, is checked with axe-core.
"""

from datetime import date

import pytest
from playwright.sync_api import expect

from objectives.models import Objective
from tests import factories

pytestmark = pytest.mark.browser


@pytest.fixture
def plan_with_owners():
    admin = factories.make_admin("ada", first_name="Ada", last_name="Lovelace", is_staff=True)
    leader = factories.make_leader("lee", first_name="Lee", last_name="Leader")
    mo = factories.make_manager("mo", first_name="Mo", last_name="Khan")
    nat = factories.make_manager("nat", first_name="Nat", last_name="Patel")
    pat = factories.make_manager("pat", first_name="Pat", last_name="Quinn")
    plan = factories.make_plan(user=admin, name="Improvement plan 2025 to 2027")
    theme = factories.make_theme(plan, user=admin, name="Stabilising the workforce", order=1)
    workforce = factories.make_objective(
        plan, user=admin, ref="1.1", title="Permanent social workers", theme=theme, owner=mo
    )
    caseloads = factories.make_objective(
        plan, user=admin, ref="1.2", title="Manageable caseloads", theme=theme, owner=mo
    )
    academy = factories.make_objective(
        plan, user=admin, ref="1.3", title="Social work academy", theme=theme, owner=nat
    )
    milestone = factories.make_milestone(
        academy, user=admin, title="First cohort starts", due_date=date(2026, 9, 1)
    )
    return {
        "admin": admin,
        "leader": leader,
        "mo": mo,
        "nat": nat,
        "pat": pat,
        "workforce": workforce,
        "caseloads": caseloads,
        "academy": academy,
        "milestone": milestone,
    }


def _submit(page, name):
    page.get_by_role("main").get_by_role("button", name=name).click()


def test_administrator_reassigns_marks_a_leaver_and_rebaselines_then_leader_sees_it(
    page, login, assert_accessible, console_errors, plan_with_owners
):
    data = plan_with_owners
    login(page, data["admin"])

    # The navigation's Admin item leads to the set-up pages.
    page.get_by_role("navigation", name="Menu").get_by_role("link", name="Admin").click()
    expect(page.get_by_role("heading", name="Manage the plan", level=1)).to_be_visible()
    assert_accessible(page)

    # 1. Reassign one objective, with a reason (first forgetting the reason).
    page.get_by_role("link", name="Owners and accountability").first.click()
    expect(page.get_by_role("heading", name="Owners and accountability")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Change owner of 1.3 Social work academy").click()
    page.get_by_label("New owner").select_option(str(data["pat"].pk))
    _submit(page, "Change owner")
    summary = page.locator(".govuk-error-summary")
    expect(summary).to_contain_text("Give a reason for changing the owner")
    expect(page).to_have_title("Error: Change the owner of objective 1.3 – Improvement plan")
    expect(page.get_by_label("New owner")).to_have_value(str(data["pat"].pk))
    assert_accessible(page)
    page.get_by_label("Reason for the change").fill("Nat is leading the academy bid instead")
    _submit(page, "Change owner")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Pat Quinn now owns objective 1.3"
    )
    assert_accessible(page)

    # 2. Mark Mo as a leaver and move both their objectives to Nat in the same step.
    page.goto("/manage/people/")
    assert_accessible(page)
    page.get_by_role("link", name="Mo Khan").click()
    expect(page.get_by_role("cell", name="1.1")).to_be_visible()
    assert_accessible(page)
    page.get_by_role("link", name="Mark as a leaver").click()
    expect(page.get_by_role("link", name="Permanent social workers")).to_be_visible()
    expect(page.get_by_role("link", name="Manageable caseloads")).to_be_visible()
    assert_accessible(page)
    page.get_by_label("Who will own their open objectives?").select_option(str(data["nat"].pk))
    page.get_by_label("Reason").fill("")
    _submit(page, "Mark as a leaver")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "Give a reason for marking them as a leaver"
    )
    assert_accessible(page)
    page.get_by_label("Reason").fill("Mo left the council on 31 May")
    _submit(page, "Mark as a leaver")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "Their 2 open objectives now belong to Nat Patel"
    )
    assert_accessible(page)

    # 3. Re-baseline the academy's milestone, with a reason (first with an impossible date).
    page.goto(f"/manage/plans/{data['academy'].plan_id}/")
    assert_accessible(page)
    page.get_by_role("link", name="Social work academy").click()
    assert_accessible(page)
    page.get_by_role("link", name="Re-baseline milestone First cohort starts").click()
    page.get_by_label("Day").fill("31")
    page.get_by_label("Month").fill("2")
    page.get_by_label("Year").fill("2027")
    page.get_by_label("Why is the baseline changing?").fill("Board agreed a January intake")
    _submit(page, "Re-baseline")
    expect(page.locator(".govuk-error-summary")).to_contain_text(
        "New baseline date must be a real date"
    )
    expect(page.get_by_label("Why is the baseline changing?")).to_have_value(
        "Board agreed a January intake"
    )
    assert_accessible(page)
    page.get_by_label("Day").fill("11")
    page.get_by_label("Month").fill("1")
    _submit(page, "Re-baseline")
    expect(page.locator(".govuk-notification-banner--success")).to_contain_text(
        "re-baselined to 11 January 2027"
    )
    assert_accessible(page)

    assert console_errors == []  # no script or style was refused on the /manage/ pages

    # The audit trail in Django admin shows the reason too (read-only there).
    history = page.request.get(f"/admin/objectives/objective/{data['workforce'].pk}/history/")
    assert history.ok
    assert "Mo left the council on 31 May" in history.text()

    # The database agrees, with one history record per change.
    for key, owner in (("workforce", "nat"), ("caseloads", "nat"), ("academy", "pat")):
        objective = Objective.objects.get(pk=data[key].pk)
        assert objective.owner == data[owner]
        assert objective.history.latest("history_date").history_user == data["admin"]
    data["mo"].refresh_from_db()
    assert not data["mo"].is_active

    # 4. The leader sees the new owners on the dashboard and the reasons in the history.
    page.goto("/manage/")
    page.get_by_role("button", name="Sign out").click()
    login(page, data["leader"])
    page.goto("/dashboard/")
    for title, owner in (
        ("Permanent social workers", "Nat Patel"),
        ("Manageable caseloads", "Nat Patel"),
        ("Social work academy", "Pat Quinn"),
    ):
        row = page.get_by_role("row").filter(has=page.get_by_role("link", name=title))
        expect(row.first).to_contain_text(owner)
    assert_accessible(page)
    drift = page.request.get("/api/drift/")
    assert drift.ok
    owners = {row["ref"]: row["owner"] for row in drift.json()["objectives"]}
    assert owners == {"1.1": "nat", "1.2": "nat", "1.3": "pat"}
    page.goto(f"/objectives/{data['workforce'].pk}/")
    main = page.get_by_role("main")
    expect(main).to_contain_text("Nat Patel")
    expect(main).to_contain_text("Mo left the council on 31 May")
    assert_accessible(page)
    page.goto(f"/objectives/{data['academy'].pk}/")
    expect(main).to_contain_text("Nat is leading the academy bid instead")
    expect(main).to_contain_text("Board agreed a January intake")
    assert_accessible(page)
    assert console_errors == []
    # The leader cannot reach the administrators' pages.
    response = page.goto(f"/manage/objectives/{data['academy'].pk}/owner/")
    assert response.status == 403
