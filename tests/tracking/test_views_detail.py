"""The objective page: what it shows today, as it stood on a past day, and what it costs."""

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from board import services as board_services
from milestones import services as milestone_services
from objectives import services
from tests import factories

pytestmark = pytest.mark.django_db
LONDON = ZoneInfo("Europe/London")
TODAY = date(2026, 3, 10)


def at(day: date, hour: int = 12):
    return time_machine.travel(datetime.combine(day, time(hour), tzinfo=LONDON), tick=False)


@pytest.fixture(autouse=True)
def frozen_clock():
    with at(TODAY):
        yield


@pytest.fixture
def story(admin_user, manager):
    """An objective with eighteen months of history: a slip, an edit, a completion, updates."""
    with at(date(2025, 1, 6)):
        plan = factories.make_plan(user=admin_user, name="Children's services improvement plan")
        theme = factories.make_theme(plan, user=admin_user, name="Stabilising the workforce")
        objective = factories.make_objective(
            plan,
            user=admin_user,
            ref="1.2",
            title="Stabilise the social work workforce",
            theme=theme,
            source="2016 inspection: caseloads too high",
            description="Original description",
            owner=manager,
            starts_on=date(2025, 1, 1),
            target_date=date(2026, 6, 30),
        )
        recruit = factories.make_milestone(
            objective,
            user=admin_user,
            title="Recruit ten experienced social workers",
            due_date=date(2025, 9, 30),
        )
        induction = factories.make_milestone(
            objective, user=admin_user, title="Launch induction", due_date=date(2026, 1, 31)
        )
    with at(date(2025, 6, 15)):
        factories.make_update(
            objective, user=manager, reported_on=date(2025, 6, 15), summary="On track so far"
        )
    with at(date(2025, 9, 20)):
        milestone_services.milestone_reschedule(
            milestone=recruit,
            user=manager,
            due_date=date(2025, 12, 31),
            reason="Agency staff withdrew",
        )
    with at(date(2025, 11, 1)):
        services.objective_update(
            objective=objective, user=manager, description="New description", status="in_progress"
        )
    with at(date(2026, 1, 20)):
        milestone_services.milestone_complete(
            milestone=induction, user=manager, completed_on=date(2026, 1, 15)
        )
    with at(date(2026, 2, 1)):
        factories.make_update(
            objective, user=manager, reported_on=date(2026, 2, 1), rag="amber", summary="Slipping"
        )
    objective.refresh_from_db()
    return objective


def page(client, user, url):
    client.force_login(user)
    response = client.get(url)
    return response, response.content.decode()


def test_the_page_shows_the_objective(client, story, leader):
    response, html = page(client, leader, f"/objectives/{story.pk}/")
    assert response.status_code == 200
    for text in (
        "Stabilise the social work workforce",
        "Objective 1.2: Stabilising the workforce",
        "2016 inspection: caseloads too high",
        "New description",
        "Mo_Manager Tester",
        "1 January 2025",
        "30 June 2026",
        "In progress",
        "Recruit ten experienced social workers",
        "Launch induction",
    ):
        assert text in html, text


def test_the_rag_is_a_tag_with_words_and_the_reasons_are_sentences(client, story, leader):
    _, html = page(client, leader, f"/objectives/{story.pk}/")
    assert '<strong class="govuk-tag govuk-tag--red app-rag">Red</strong>' in html
    assert "Why it is red" in html
    assert "\u2018Recruit ten experienced social workers\u2019 is 69 days overdue" in html
    assert (
        "\u2018Recruit ten experienced social workers\u2019 has slipped 92 days against its "
        "baseline of 30 September 2025, beyond the plan\u2019s tolerance of 28 days."
    ) in html


def test_the_milestones_table_shows_baseline_forecast_completion_slip_and_replans(
    client, story, leader
):
    _, html = page(client, leader, f"/objectives/{story.pk}/")
    recruit = story.milestones.get(title__startswith="Recruit")
    row = html.split(f'id="milestone-{recruit.pk}"')[1].split("</tr>")[0]
    assert "30 Sep 2025" in row and "31 Dec 2025" in row
    assert "69 days overdue" in row
    assert ">92 days late<" in row  # slip in words
    assert ">1<" in row  # one re-plan
    assert "govuk-tag--red" in row
    induction = story.milestones.get(title="Launch induction")
    row = html.split(f'id="milestone-{induction.pk}"')[1].split("</tr>")[0]
    assert "15 Jan 2026" in row and "Complete" in row


def test_updates_are_newest_first(client, story, leader):
    _, html = page(client, leader, f"/objectives/{story.pk}/")
    updates = html.split('id="updates"')[1]
    assert updates.index("Slipping") < updates.index("On track so far")
    assert "1 February 2026" in updates


def test_the_timeline_shows_who_when_what_and_why(client, story, leader):
    _, html = page(client, leader, f"/objectives/{story.pk}/")
    history = html.split('id="history"')[1]
    assert "Milestone re-forecast later" in history
    assert (
        "Forecast date changed from 30 September 2025 to 31 December 2025 (92 days later)"
        in history
    )
    assert "Agency staff withdrew" in history
    assert "20 Sep 2025" in history
    assert "Description changed from Original description to New description" in history
    assert "Milestone completed" in history
    assert "Completed on set to 15 January 2026" in history
    assert "changed from none" not in history
    assert "Objective created" in history
    assert "Alice_Admin Tester" in history and "Mo_Manager Tester" in history
    # newest first
    assert history.index("Slipping") < history.index("Agency staff withdrew")
    assert history.index("Agency staff withdrew") < history.index("Objective created")


def test_the_page_shows_the_trend_chart_and_its_table(client, story, leader):
    _, html = page(client, leader, f"/objectives/{story.pk}/")
    trend = html.split('id="trend"')[1].split('id="updates"')[0]
    assert 'role="img"' in trend
    assert '<title id="trend-title">' in trend and '<desc id="trend-desc">' in trend
    assert "Forecast date of each milestone at each reporting date" in trend
    assert "M1: Recruit ten experienced social workers" in trend
    assert "Completed 15\u00a0Jan\u00a02026" in trend
    assert "<script" not in trend and "style=" not in trend


def test_no_inline_style_or_script_anywhere_on_the_page(client, story, manager):
    _, html = page(client, manager, f"/objectives/{story.pk}/")
    assert " style=" not in html
    assert "<script>" not in html
    assert '<script type="module" src=' in html  # only the external module from base.html


# --- As it stood on a past day -------------------------------------------------------------


def test_as_of_shows_the_objective_as_it_stood(client, story, manager):
    response, html = page(client, manager, f"/objectives/{story.pk}/?as_of=2025-08-01")
    assert response.status_code == 200
    assert "You are looking at this objective as it stood on 1 August 2025" in html
    assert f'href="/objectives/{story.pk}/"' in html  # back to today
    assert "Original description" in html
    assert "New description" not in html
    assert "Not started" in html
    assert "On track so far" in html
    assert "Slipping" not in html
    assert "Agency staff withdrew" not in html  # the slip had not happened yet
    recruit = story.milestones.get(title__startswith="Recruit")
    row = html.split(f'id="milestone-{recruit.pk}"')[1].split("</tr>")[0]
    assert "30 Sep 2025" in row
    assert "31 Dec 2025" not in row
    assert "govuk-tag--green" in row


def test_the_past_has_no_edit_controls_even_for_the_owner(client, story, manager):
    _, html = page(client, manager, f"/objectives/{story.pk}/?as_of=2025-08-01")
    assert "Add a progress update" not in html
    assert "Re-forecast" not in html
    assert 'method="post" action="/objectives/' not in html


def test_as_of_counts_a_change_at_half_past_eleven_on_that_day(client, story, manager):
    recruit = story.milestones.get(title__startswith="Recruit")
    with at(date(2026, 3, 5), hour=23):
        milestone_services.milestone_reschedule(
            milestone=recruit, user=manager, due_date=date(2026, 4, 30), reason="Late change"
        )
    _, on_the_day = page(client, manager, f"/objectives/{story.pk}/?as_of=2026-03-05")
    _, day_before = page(client, manager, f"/objectives/{story.pk}/?as_of=2026-03-04")
    assert "Late change" in on_the_day
    assert "Late change" not in day_before


def test_as_of_before_the_objective_existed(client, story, leader):
    response, html = page(client, leader, f"/objectives/{story.pk}/?as_of=2024-12-01")
    assert response.status_code == 200
    assert "had not been added to the plan by the end of 1 December 2024" in html
    assert "It was added on 6 January 2025" in html


@pytest.mark.parametrize(
    ("as_of", "message"),
    [
        ("garbage", "The date in the address is not a date"),
        ("2026-02-31", "Date to show must be a real date"),
        ("2026-13-01", "Date to show must be a real date"),
        ("2027-01-01", "Date to show must be today or in the past"),
        ("<script>alert(1)</script>", "The date in the address is not a date"),
        ("\x00", "The date in the address is not a date"),
        ("9" * 400, "The date in the address is not a date"),
    ],
)
def test_a_bad_as_of_gets_a_clear_error_not_a_500(client, story, leader, as_of, message):
    response, html = page(client, leader, f"/objectives/{story.pk}/?as_of={as_of}")
    assert response.status_code == 400
    assert "There is a problem" in html
    assert message in html
    assert "<script>alert(1)" not in html
    assert "Stabilise the social work workforce" in html  # still the page, as it is today


def test_the_date_boxes_lead_to_the_as_of_address(client, story, leader):
    client.force_login(leader)
    response = client.get(
        f"/objectives/{story.pk}/", {"as_of_day": "1", "as_of_month": "8", "as_of_year": "2025"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/objectives/{story.pk}/?as_of=2025-08-01"
    response = client.get(
        f"/objectives/{story.pk}/", {"as_of_day": "31", "as_of_month": "2", "as_of_year": "2025"}
    )
    assert response.status_code == 400
    assert "Date to show must be a real date" in response.content.decode()


def test_as_of_today_is_the_page_for_today(client, story, leader):
    client.force_login(leader)
    response = client.get(f"/objectives/{story.pk}/?as_of=2026-03-10")
    assert response.status_code == 302
    assert response["Location"] == f"/objectives/{story.pk}/"


# --- Cost ----------------------------------------------------------------------------------


def build(admin_user, manager, milestones: int, moves: int, updates: int):
    objective = factories.make_objective(user=admin_user, owner=manager, description="x")
    for n in range(milestones):
        milestone = factories.make_milestone(objective, user=admin_user, due_date=date(2026, 4, 1))
        for k in range(moves):
            milestone_services.milestone_reschedule(
                milestone=milestone,
                user=manager,
                due_date=date(2026, 4, 2 + k),
                reason=f"Move {n}.{k}",
            )
    for n in range(updates):
        factories.make_update(objective, user=manager, reported_on=date(2026, 3, 1 + n % 9))
    services.objective_update(objective=objective, user=manager, description="y")
    return objective


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("as_of", ["", "?as_of=2026-03-09"])
def test_the_page_runs_a_fixed_number_of_queries(client, admin_user, manager, as_of):
    small = build(admin_user, manager, milestones=1, moves=1, updates=1)
    large = build(admin_user, manager, milestones=12, moves=4, updates=20)
    client.force_login(manager)
    client.get("/my/")  # warm the session
    first = [count_queries(client, f"/objectives/{o.pk}/{as_of}") for o in (small, large)]
    again = [count_queries(client, f"/objectives/{o.pk}/{as_of}") for o in (small, large)]
    assert first[0] == first[1] and again[0] == again[1]
    # Drawn the first time today: the likely finish reads the plan's finished milestones (one);
    # the rest it takes from the objective's own read. What the milestones wait for is one
    # query for the timeline (the drift read asks for it only when a milestone waits for
    # something: none here); the page's mark is one more. (The objectives were added on the
    # 10th: on the 9th the page says so, and reads no likely finish.) Today's drift read of
    # the one objective takes its milestones in the objective's own query.
    assert first[1] == (16 if not as_of else 13), first
    # Drawn before: today the drift read (three queries), the history, timeline, trend,
    # updates, withdrawals, likely finish and the panels (findings, measures, evidence,
    # challenges) are kept under the page's mark: the session, the objective and the mark are
    # left; a past day reads the records (the objective as it stood comes from them).
    assert again[1] == (3 if not as_of else 13), again


def test_a_write_elsewhere_in_the_plan_leaves_the_page_drawn(client, story, admin_user, leader):
    other = factories.make_objective(story.plan, user=admin_user, ref="7.1", title="Other")
    client.force_login(leader)
    client.get(f"/objectives/{story.pk}/")
    before = count_queries(client, f"/objectives/{story.pk}/")
    factories.make_update(other, user=admin_user, reported_on=date(2026, 3, 9))
    assert count_queries(client, f"/objectives/{story.pk}/") == before


def test_the_panels_kept_drawn_show_each_person_what_they_may_do_and_every_change(
    client, story, admin_user, manager, leader
):
    url = f"/objectives/{story.pk}/"
    assert "Add evidence" not in page(client, leader, url)[1]  # drawn for a leader first
    assert "Add evidence" in page(client, manager, url)[1]  # the owner may add evidence
    assert "Add a measure" not in page(client, manager, url)[1]
    assert "Add a measure" in page(client, admin_user, url)[1]
    factories.make_measure(story, user=admin_user, name="Caseloads under 18")
    assert "Caseloads under 18" in page(client, leader, url)[1]
    board_services.challenge_raise(user=leader, objective=story, question="Why the delay?")
    assert "Why the delay?" in page(client, leader, url)[1]
    leader.first_name = "Rowan"
    leader.save()
    challenges = page(client, admin_user, url)[1].split('id="challenges"', 1)[1]
    assert "Rowan" in challenges.split('id="history"', 1)[0]  # the one who asked, renamed


# --- My objectives -------------------------------------------------------------------------


def test_my_objectives_lists_what_i_own_most_urgent_first(client, story, admin_user, manager):
    calm = factories.make_objective(
        story.plan, user=admin_user, owner=manager, ref="3.1", title="Calm objective"
    )
    factories.make_milestone(calm, user=admin_user, due_date=date(2026, 3, 24))
    factories.make_update(calm, user=manager, reported_on=date(2026, 3, 9))
    factories.make_objective(story.plan, user=admin_user, ref="9.9", title="Someone else's")
    _, html = page(client, manager, "/")
    assert html.index("Stabilise the social work workforce") < html.index("Calm objective")
    assert "Someone else" not in html
    assert '<strong class="govuk-tag govuk-tag--red app-rag">Red</strong>' in html
    assert '<strong class="govuk-tag govuk-tag--green app-rag">Green</strong>' in html
    assert "A milestone is overdue" in html
    assert "69 days overdue" in html
    assert "due in 14 days" in html
    assert "1 February 2026" in html  # the last update
    assert "9 March 2026" in html


def test_my_objectives_has_a_helpful_empty_state(client, leader):
    _, html = page(client, leader, "/my/")
    assert "You do not own any objectives yet" in html
    assert 'href="/dashboard/"' in html
