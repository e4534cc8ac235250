"""Plan set-up in the app's own pages: plans, themes, objectives and milestones."""

from datetime import date

import pytest

from milestones.models import Milestone
from objectives.models import Objective, Plan, Theme
from tests import factories

pytestmark = pytest.mark.django_db


def _date(prefix: str, day: date | None = None, **parts) -> dict:
    values = (
        {"day": day.day, "month": day.month, "year": day.year}
        if day
        else {"day": "", "month": "", "year": ""}
    )
    values.update(parts)
    return {f"{prefix}_{k}": str(v) for k, v in values.items()}


def _plan_data(**extra) -> dict:
    data = {
        "name": "Children's services improvement plan",
        "organisation": "Example Borough Council",
        "slip_tolerance_days": "21",
        "stale_after_days": "30",
        "due_soon_days": "10",
        "update_window_days": "7",
        **_date("starts_on", date(2025, 4, 1)),
        **_date("ends_on", date(2027, 3, 31)),
    }
    data.update(extra)
    return data


def test_create_a_plan_with_its_tolerances(admin_client, staff_admin):
    response = admin_client.post("/manage/plans/new/", _plan_data())
    plan = Plan.objects.get()
    assert response.status_code == 302
    assert response.url == f"/manage/plans/{plan.pk}/"
    assert (plan.slip_tolerance_days, plan.stale_after_days, plan.due_soon_days) == (21, 30, 10)
    assert plan.update_window_days == 7
    assert plan.starts_on == date(2025, 4, 1)
    assert plan.history.get().history_user == staff_admin


def test_plan_form_shows_clear_errors_and_saves_nothing(admin_client):
    data = _plan_data(name="<script>alert(1)</script>", slip_tolerance_days="0")
    data.update({"starts_on_day": "1", "starts_on_month": "", "starts_on_year": ""})
    data.update({"ends_on_day": "31", "ends_on_month": "2", "ends_on_year": "2027"})
    response = admin_client.post("/manage/plans/new/", data)
    page = response.content.decode()
    assert response.status_code == 200
    assert "<title>Error: " in page
    assert "Start date must include a month and year" in page
    assert "End date must be a real date" in page
    assert "Slip tolerance must be at least 1 day" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "<script>alert" not in page
    assert 'value="1"' in page  # the person's input is kept
    assert not Plan.objects.exists()


def test_plan_must_end_after_it_starts(admin_client):
    data = _plan_data(**_date("ends_on", date(2025, 3, 1)))
    page = admin_client.post("/manage/plans/new/", data).content.decode()
    assert "The end date must be after the start date" in page
    assert not Plan.objects.exists()


def test_edit_a_plan_records_the_reason(admin_client, plan, staff_admin):
    form = admin_client.get(f"/manage/plans/{plan.pk}/edit/").content.decode()
    assert f'value="{plan.name}"' in form
    data = _plan_data(
        name=plan.name, reason="Board agreed a tighter tolerance", version=plan.version
    )
    data["slip_tolerance_days"] = "14"
    response = admin_client.post(f"/manage/plans/{plan.pk}/edit/", data)
    assert response.status_code == 302
    plan.refresh_from_db()
    assert plan.slip_tolerance_days == 14
    record = plan.history.latest("history_date")
    assert record.history_change_reason == "Board agreed a tighter tolerance"


def test_themes_are_added_and_ordered(admin_client, plan):
    url = f"/manage/plans/{plan.pk}/themes/new/"
    assert admin_client.post(url, {"name": "Virtual school", "order": "2"}).status_code == 302
    assert admin_client.post(url, {"name": "Workforce", "order": "1"}).status_code == 302
    duplicate = admin_client.post(url, {"name": "workforce", "order": "3"})
    assert "already has a theme with that name" in duplicate.content.decode()
    assert list(plan.themes.values_list("name", flat=True)) == ["Workforce", "Virtual school"]
    page = admin_client.get(f"/manage/plans/{plan.pk}/").content.decode()
    assert page.index("Workforce") < page.index("Virtual school")
    theme = Theme.objects.get(name="Virtual school")
    response = admin_client.post(
        f"/manage/themes/{theme.pk}/edit/",
        {"name": "The virtual school", "order": "0", "version": theme.version},
    )
    assert response.status_code == 302
    theme.refresh_from_db()
    assert (theme.name, theme.order) == ("The virtual school", 0)


def _objective_data(theme=None, owner=None, **extra) -> dict:
    data = {
        "ref": "2.3",
        "title": "Reduce caseloads",
        "theme": getattr(theme, "pk", theme) or "",
        "description": "Average of 18 or fewer",
        "source": "2016 inspection: caseloads too high",
        "owner": getattr(owner, "pk", owner) or "",
        **_date("starts_on", date(2025, 4, 1)),
        **_date("target_date", date(2026, 3, 31)),
    }
    data.update(extra)
    return data


def test_create_an_objective_with_owner_and_theme(admin_client, plan, theme, manager, staff_admin):
    response = admin_client.post(
        f"/manage/plans/{plan.pk}/objectives/new/", _objective_data(theme, manager)
    )
    objective = Objective.objects.get(ref="2.3")
    assert response.url == f"/manage/objectives/{objective.pk}/"
    assert objective.owner == manager and objective.theme == theme
    assert objective.source == "2016 inspection: caseloads too high"
    assert objective.history.get().history_user == staff_admin


def test_objective_form_validation(admin_client, plan, objective, other_manager):
    other_plan = factories.make_plan()
    foreign_theme = factories.make_theme(other_plan)
    other_manager.is_active = False
    other_manager.save()
    data = _objective_data(
        ref="1.1",
        title="  ",
        theme=foreign_theme.pk,
        owner=other_manager.pk,
        **_date("target_date", date(2025, 1, 1)),
    )
    response = admin_client.post(f"/manage/plans/{plan.pk}/objectives/new/", data)
    page = response.content.decode()
    assert "This plan already has an objective 1.1" in page
    assert "Enter a title" in page
    assert "Select a valid choice" in page  # theme of another plan
    assert "The target date must be after the start date" in page
    assert Objective.objects.count() == 1


def test_edit_objective_never_touches_the_owner(admin_client, objective, manager, other_manager):
    data = _objective_data(
        theme=objective.theme,
        ref="1.1",
        title="Stable, permanent workforce",
        status="in_progress",
        version=objective.version,
        owner=other_manager.pk,
        **_date("target_date", date(2027, 6, 30)),
    )
    data["starts_on_year"] = "2025"
    response = admin_client.post(f"/manage/objectives/{objective.pk}/edit/", data)
    assert response.status_code == 302
    objective.refresh_from_db()
    assert objective.title == "Stable, permanent workforce"
    assert objective.status == "in_progress"
    assert objective.owner == manager


def test_moving_the_target_date_later_needs_a_reason(admin_client, objective):
    url = f"/manage/objectives/{objective.pk}/edit/"
    data = _objective_data(
        theme=objective.theme,
        ref="1.1",
        title=objective.title,
        status="not_started",
        version=objective.version,
        **_date("starts_on", objective.starts_on),
        **_date("target_date", date(2027, 12, 31)),
    )
    page = admin_client.post(url, data).content.decode()
    assert "Give a reason for moving the target date later" in page
    objective.refresh_from_db()
    assert objective.target_date == date(2027, 6, 30)
    data["reason"] = "Recruitment market"
    assert admin_client.post(url, data).status_code == 302
    objective.refresh_from_db()
    assert objective.target_date == date(2027, 12, 31)
    assert objective.history.latest("history_date").history_change_reason == "Recruitment market"


def test_edit_objective_refuses_a_stale_page(admin_client, objective, staff_admin):
    from objectives import services

    old_version = objective.version
    services.objective_update(objective=objective, user=staff_admin, title="Changed meanwhile")
    data = _objective_data(
        theme=objective.theme,
        ref="1.1",
        title="My edit",
        status="not_started",
        version=old_version,
        **_date("starts_on", objective.starts_on),
        **_date("target_date", objective.target_date),
    )
    response = admin_client.post(f"/manage/objectives/{objective.pk}/edit/", data)
    page = response.content.decode()
    assert "Someone else changed this objective" in page
    objective.refresh_from_db()
    assert objective.title == "Changed meanwhile"
    assert f'name="version" value="{objective.version}"' in page  # saving again now works


def test_add_milestones_baseline_equals_due_date(admin_client, objective, staff_admin):
    url = f"/manage/objectives/{objective.pk}/milestones/new/"
    data = {"title": "Academy opens", **_date("due_date", date(2026, 9, 1)), "add_another": "1"}
    response = admin_client.post(url, data)
    assert response.url == url
    milestone = Milestone.objects.get()
    assert milestone.baseline_date == milestone.due_date == date(2026, 9, 1)
    errors = admin_client.post(
        url, {"title": "", "due_date_day": "1", "due_date_month": "13", "due_date_year": "2026"}
    )
    assert "Enter what will be done by this milestone" in errors.content.decode()
    assert "Due date must be a real date" in errors.content.decode()
    assert Milestone.objects.count() == 1


def test_edit_milestone_later_needs_a_reason_and_keeps_the_baseline(
    admin_client, milestone, staff_admin
):
    url = f"/manage/milestones/{milestone.pk}/edit/"
    data = {
        "title": "Recruitment drive complete",
        "version": milestone.version,
        **_date("due_date", date(2026, 8, 31)),
    }
    assert (
        "Give a reason for moving the date later" in admin_client.post(url, data).content.decode()
    )
    data["reason"] = "Advert re-run"
    assert admin_client.post(url, data).status_code == 302
    milestone.refresh_from_db()
    assert milestone.due_date == date(2026, 8, 31)
    assert milestone.baseline_date == date(2026, 6, 30)
    assert milestone.title == "Recruitment drive complete"
    reasons = list(milestone.history.values_list("history_change_reason", flat=True))
    assert "Advert re-run" in reasons


def test_setup_pages_show_the_plan(admin_client, plan, objective, milestone):
    page = admin_client.get(f"/manage/plans/{plan.pk}/").content.decode()
    assert objective.title in page and "Workforce" in page
    page = admin_client.get(f"/manage/objectives/{objective.pk}/").content.decode()
    assert milestone.title in page
    assert f"/manage/milestones/{milestone.pk}/rebaseline/" in page
    assert f"/objectives/{objective.pk}/" in page
    assert "Ownership history" in page
