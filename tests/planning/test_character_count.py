"""Administrators' text fields: GOV.UK's character count, and never cut off silently."""

import pytest

from tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(admin_user):
    return factories.make_plan(user=admin_user)


def test_long_text_fields_have_a_character_count_and_no_maxlength(admin_client, plan):
    html = admin_client.get(f"/manage/plans/{plan.pk}/objectives/new/").content.decode()
    assert " maxlength=" not in html
    assert 'data-module="govuk-character-count" data-maxlength="300"' in html
    assert 'class="govuk-input govuk-js-character-count" id="id_title"' in html
    assert '<div id="id_title-info" class="govuk-hint govuk-character-count__message">' in html
    assert 'aria-describedby="id_title-info' in html


def test_a_title_over_the_limit_is_an_error_not_cut_off(admin_client, plan):
    title = "x" * 301
    response = admin_client.post(
        f"/manage/plans/{plan.pk}/objectives/new/",
        {"ref": "9.9", "title": title, "reason": "Set up"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "Title must be 300 characters or fewer" in html
    assert 'href="#id_title"' in html
    assert f'value="{title}"' in html  # kept as typed, so it can be shortened


def test_a_300_character_title_with_no_spaces_is_accepted(admin_client, plan, admin_user):
    objective = factories.make_objective(plan, user=admin_user, title="y" * 300)
    html = admin_client.get(f"/objectives/{objective.pk}/").content.decode()
    assert "y" * 300 in html
