"""Wording on the pages: changes that set or clear a value, slips in words, what a manager is
told about completing, and the re-forecast page saying before saving when the objective turns
red. Number boxes carry no min or max (not allowed on type="text")."""

import re
from datetime import date

import pytest

from milestones import services as milestone_services
from objectives import services as objective_services
from tests import factories

pytestmark = pytest.mark.django_db
DAY = date(2026, 3, 2)


@pytest.fixture
def world(clock, admin_user, manager):
    with clock(date(2026, 1, 5)):
        plan = factories.make_plan(user=admin_user, slip_tolerance_days=28)
        objective = factories.make_objective(plan, user=admin_user, owner=manager, ref="1.1")
        milestone = factories.make_milestone(
            objective, user=admin_user, title="Recruit", due_date=date(2026, 4, 30)
        )
    return {"plan": plan, "objective": objective, "milestone": milestone}


def test_a_completion_date_set_where_there_was_none_reads_set_to(client, clock, world, manager):
    with clock(DAY):
        milestone_services.milestone_complete(
            milestone=world["milestone"], user=manager, completed_on=DAY
        )
        client.force_login(manager)
        page = client.get(f"/objectives/{world['objective'].pk}/").content.decode()
    assert "Completed on set to 2 March 2026" in page
    assert "changed from none" not in page
    assert ">59 days early<" in page  # the slip in words, not "-59"


def test_the_re_forecast_page_says_when_the_objective_would_turn_red(client, clock, world, manager):
    milestone = world["milestone"]
    with clock(DAY):
        for later in (date(2026, 5, 1), date(2026, 5, 2)):
            milestone = milestone_services.milestone_reschedule(
                milestone=milestone, user=manager, due_date=later, reason="Supplier delay"
            )
        client.force_login(manager)
        page = client.get(f"/milestones/{milestone.pk}/reforecast/").content.decode()
    red_lines = page.split('id="red-lines"')[1].split("</div>")[0]
    assert "A forecast later than 28 May 2026 turns the objective red" in red_lines
    assert "allows 28 days of slip from the agreed date, 30 April 2026" in red_lines
    assert "re-planned 2 times. Moving it later again turns the objective red" in red_lines


def test_a_manager_is_not_told_to_withdraw_what_only_administrators_withdraw(
    client, clock, world, manager, admin_user
):
    objective = world["objective"]
    with clock(DAY):
        client.force_login(manager)
        mine = client.get(f"/objectives/{objective.pk}/edit/").content.decode()
        response = client.post(
            f"/objectives/{objective.pk}/edit/",
            {
                "description": "",
                "status": "complete",
                "closing_summary": "Done",
                "expected_version": objective.version,
            },
        )
        client.force_login(admin_user)
        admins = client.get(f"/manage/objectives/{objective.pk}/edit/").content.decode()
    assert "ask an administrator to withdraw it" in mine
    assert "Complete or withdraw each one first" not in mine
    assert "Complete or withdraw each one first" in admins
    error = response.content.decode()
    assert "Complete each milestone first (an administrator can withdraw one" in error
    with pytest.raises(Exception, match="Complete each milestone first"):
        objective_services.check_can_complete(objective)


def test_number_boxes_carry_no_min_or_max(client, clock, world, admin_user):
    client.force_login(admin_user)
    with clock(DAY):
        html = client.get(f"/manage/plans/{world['plan'].pk}/edit/").content.decode()
    boxes = re.findall(r'<input[^>]*type="text"[^>]*>', html)
    assert boxes and not [b for b in boxes if re.search(r"\s(min|max|step)=", b)]
    assert 'inputmode="numeric"' in html
