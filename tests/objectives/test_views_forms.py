"""Progress updates and the owner's edit of an objective: happy paths and bad input."""

from datetime import date

import pytest
import time_machine

from kit.govuk_forms import combine_date
from objectives.models import Objective, ProgressUpdate
from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def frozen_clock():
    with time_machine.travel("2026-03-10 12:00 +00:00", tick=False):
        yield


@pytest.fixture
def objective(admin_user, manager):
    return factories.make_objective(user=admin_user, owner=manager, title="Stabilise the workforce")


@pytest.fixture
def owner(client, manager):
    client.force_login(manager)
    return client


def update_data(**overrides):
    data = {
        "rag": "amber",
        "summary": "Two offers accepted; one withdrawn.",
        "reported_on_day": "10",
        "reported_on_month": "3",
        "reported_on_year": "2026",
    }
    data.update(overrides)
    return data


# --- Progress updates ----------------------------------------------------------------------


def test_the_update_form_dates_today_by_default(owner, objective):
    for url in (f"/objectives/{objective.pk}/updates/new/", f"/objectives/{objective.pk}/"):
        html = owner.get(url).content.decode()
        assert 'name="reported_on_day" type="text" inputmode="numeric" value="10"' in html
        assert 'name="reported_on_month" type="text" inputmode="numeric" value="3"' in html
        assert 'name="reported_on_year" type="text" inputmode="numeric" value="2026"' in html


def test_adding_a_progress_update(owner, objective, manager):
    response = owner.post(f"/objectives/{objective.pk}/updates/new/", update_data())
    assert response.status_code == 302
    update = objective.progress_updates.get()
    assert (update.rag, update.reported_on, update.author) == ("amber", date(2026, 3, 10), manager)
    record = update.history.get()
    assert record.history_user == manager
    page = owner.get(response["Location"]).content.decode()
    assert "Progress update for 10 March 2026 added" in page
    assert "Two offers accepted; one withdrawn." in page


@pytest.mark.parametrize(
    ("overrides", "field_id", "message"),
    [
        ({"summary": ""}, "id_summary", "Enter a summary of progress"),
        ({"summary": "   \n  "}, "id_summary", "Enter a summary of progress"),
        ({"summary": "x" * 5001}, "id_summary", "Summary must be 5,000 characters or fewer"),
        ({"rag": ""}, "id_rag_0", "Select red, amber or green"),
        ({"rag": "purple"}, "id_rag_0", "Select a valid choice"),
        (
            {"reported_on_day": "31", "reported_on_month": "2"},
            "id_reported_on_day",
            "must be a real date",
        ),
        (
            {"reported_on_month": "x"},
            "id_reported_on_month",
            "Date of the update must be a real date",
        ),
        (
            {"reported_on_day": "11"},
            "id_reported_on_day",
            "Date of the update cannot be in the future",
        ),
        (
            {"reported_on_day": "", "reported_on_month": "", "reported_on_year": ""},
            "id_reported_on_day",
            "Enter the date of the update",
        ),
        ({"reported_on_year": ""}, "id_reported_on_year", "Date of the update must include a year"),
        ({"summary": "a\x00b"}, "id_summary", "Null characters are not allowed"),
    ],
)
def test_bad_updates_are_refused_with_a_clear_message_and_nothing_saved(
    owner, objective, overrides, field_id, message
):
    data = update_data(**overrides)
    response = owner.post(f"/objectives/{objective.pk}/updates/new/", data)
    assert response.status_code == 200  # the form again, with its errors
    html = response.content.decode()
    assert "<title>Error: " in html
    assert "There is a problem" in html
    assert f'href="#{field_id}"' in html  # the error summary links to the field
    assert message in html
    assert f'id="{field_id.removesuffix("_0")}-error"' in html or "govuk-error-message" in html
    assert not ProgressUpdate.objects.exists()
    assert not ProgressUpdate.history.exists()


def test_the_input_is_kept_when_the_form_is_refused(owner, objective):
    response = owner.post(
        f"/objectives/{objective.pk}/updates/new/",
        update_data(summary="Kept <b>as typed</b>", reported_on_day="31", reported_on_month="2"),
    )
    html = response.content.decode()
    assert "Kept &lt;b&gt;as typed&lt;/b&gt;</textarea>" in html
    assert 'id="id_rag_1" name="rag" type="radio" value="amber" checked' in html
    assert 'name="reported_on_day" type="text" inputmode="numeric" value="31"' in html


def test_an_impossible_date_highlights_every_box(owner, objective):
    response = owner.post(
        f"/objectives/{objective.pk}/updates/new/",
        update_data(reported_on_day="31", reported_on_month="2"),
    )
    html = response.content.decode()
    assert html.count("govuk-date-input__input govuk-input--width-2 govuk-input--error") == 2
    assert html.count("govuk-date-input__input govuk-input--width-4 govuk-input--error") == 1


def test_html_in_a_summary_is_stored_as_typed_and_shown_escaped(owner, objective):
    summary = "<script>alert('x')</script> & <i>done</i>"
    owner.post(f"/objectives/{objective.pk}/updates/new/", update_data(summary=summary))
    assert objective.progress_updates.get().summary == summary
    html = owner.get(f"/objectives/{objective.pk}/").content.decode()
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;i&gt;done&lt;/i&gt;" in html
    assert "<script>alert" not in html


# --- Editing the objective -----------------------------------------------------------------


def edit_data(objective, **overrides):
    data = {
        "expected_version": str(objective.version),
        "description": "Recruit and keep experienced social workers.",
        "status": "in_progress",
        "reason": "Recruitment campaign launched",
    }
    data.update(overrides)
    return data


def test_the_edit_form_starts_with_the_current_values(owner, objective):
    html = owner.get(f"/objectives/{objective.pk}/edit/").content.decode()
    assert f'name="expected_version" value="{objective.version}"' in html
    assert 'value="not_started" checked' in html
    assert "Only an administrator can change the owner" in html


def test_editing_the_description_and_status_is_recorded_with_the_reason(owner, objective, manager):
    response = owner.post(f"/objectives/{objective.pk}/edit/", edit_data(objective))
    assert response.status_code == 302
    objective.refresh_from_db()
    assert objective.status == "in_progress"
    assert objective.description == "Recruit and keep experienced social workers."
    assert objective.history.count() == 2
    record = objective.history.first()
    assert record.history_user == manager
    assert record.history_change_reason == "Recruitment campaign launched"
    page = owner.get(response["Location"]).content.decode()
    assert "Objective updated: its status is in progress" in page
    assert "Status changed from Not started to In progress" in page
    assert "Recruitment campaign launched" in page


def test_saving_without_changes_records_nothing(owner, objective):
    response = owner.post(
        f"/objectives/{objective.pk}/edit/",
        edit_data(objective, description="", status="not_started"),
    )
    assert response.status_code == 302
    assert objective.history.count() == 1
    page = owner.get(response["Location"]).content.decode()
    assert "Nothing was changed" in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"status": ""}, "Select the status of the objective"),
        ({"status": "abandoned"}, "Select a valid choice"),
        ({"description": "x" * 5001}, "Description must be 5,000 characters or fewer"),
        ({"reason": "x" * 2001}, "Reason must be 2,000 characters or fewer"),
    ],
)
def test_bad_edits_are_refused(owner, objective, overrides, message):
    response = owner.post(f"/objectives/{objective.pk}/edit/", edit_data(objective, **overrides))
    assert response.status_code == 200  # the form again, with its errors
    assert message in response.content.decode()
    assert Objective.history.filter(id=objective.pk).count() == 1


@pytest.mark.parametrize("version", ["abc", "", "0", "-1"])
def test_an_edit_without_a_good_version_is_refused_like_a_stale_one(owner, objective, version):
    response = owner.post(
        f"/objectives/{objective.pk}/edit/", edit_data(objective, expected_version=version)
    )
    assert response.status_code == 409
    assert "Someone else changed this objective while you were editing it" in (
        response.content.decode()
    )
    assert Objective.history.filter(id=objective.pk).count() == 1


# --- The date boxes ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("parts", "expected"),
    [
        (("29", "2", "2028"), date(2028, 2, 29)),
        ((" 1 ", "04", "2026"), date(2026, 4, 1)),
        (("29", "2", "2026"), "Forecast date must be a real date"),
        (("0", "1", "2026"), "Forecast date must be a real date"),
        (("1", "0", "2026"), "Forecast date must be a real date"),
        (("١", "1", "2026"), "Forecast date must be a real date"),  # not an ASCII digit
        (("1", "1", "-2026"), "Forecast date must be a real date"),
        (("1", "1", "0999"), "Year must be between 1900 and 2999"),
        (("1", "1", "20266"), "Year must include 4 numbers"),
        (("", "", "2026"), "Forecast date must include a day and month"),
        (("", "", ""), "Enter the forecast date"),
    ],
)
def test_combine_date(parts, expected):
    result = combine_date(
        dict(zip(("day", "month", "year"), parts, strict=True)), "Forecast date", True
    )
    if isinstance(expected, date):
        assert result == expected
    else:
        assert result.message == expected


def test_an_optional_date_may_be_left_blank():
    assert combine_date({"day": "", "month": "", "year": ""}, "Date", False) is None
