"""/dashboard/ and /dashboard/accountability/: access, time travel, counts, filters, order."""

import html
import re
from datetime import date

import pytest
from django.contrib.auth import get_user_model

from milestones import services as milestone_services
from objectives import services as objective_services
from tests import factories

from .conftest import TODAY, cached

pytestmark = pytest.mark.django_db

URL = "/dashboard/"
ACCOUNTABILITY = "/dashboard/accountability/"


def get(client, user, clock, url=URL, **params):
    client.force_login(user)
    with clock(TODAY):
        return client.get(url, params)


def text(response) -> str:
    """The page as words, without tags or repeated spaces."""
    html = response.content.decode()
    html = re.sub(r"<svg.*?</svg>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def objective_tables(response) -> str:
    """The objectives' tables, red and amber then (folded or not) green and complete."""
    html = response.content.decode()
    return "".join(
        table.split("</table>")[0]
        for table in html.split('class="govuk-table__caption')[1:]
        if 'id="objectives-' in table.split("</caption>")[0]
    )


def refs(response) -> list[str]:
    return re.findall(
        r'<tr class="govuk-table__row"[^>]*>\s*<td class="govuk-table__cell">([^<]+)</td>',
        objective_tables(response),
    )


# --- access ------------------------------------------------------------------------------------


@pytest.mark.parametrize("url", [URL, ACCOUNTABILITY])
def test_anonymous_visitors_are_sent_to_sign_in(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


@pytest.mark.parametrize("url", [URL, ACCOUNTABILITY])
def test_an_account_with_no_role_is_refused(client, clock, story, url):
    nobody = factories.make_user("nobody", roles=())
    assert get(client, nobody, clock, url).status_code == 403


@pytest.mark.parametrize("role", ["leader", "manager", "admin_user"])
@pytest.mark.parametrize("url", [URL, ACCOUNTABILITY])
def test_every_role_sees_the_pages(request, client, clock, story, role, url):
    response = get(client, request.getfixturevalue(role), clock, url)
    assert response.status_code == 200
    assert "Reduce agency social workers" in text(response)


@pytest.mark.parametrize("url", [URL, ACCOUNTABILITY])
def test_no_plan_yet_says_so(client, clock, leader, url):
    response = get(client, leader, clock, url)
    assert response.status_code == 200
    assert "There is no improvement plan yet" in text(response)


# --- headline counts and their change ----------------------------------------------------------


def headline(response, rag) -> tuple[int, str]:
    html = response.content.decode()
    count = re.search(rf'id="count-{rag}">.*?</span>(\d+)</a>', html, re.S).group(1)
    change = re.search(rf'id="change-{rag}">(.*?)</p>', html, re.S).group(1)
    return int(count), change


def test_counts_with_their_change_since_four_weeks_earlier(client, clock, leader, story):
    response = get(client, leader, clock)
    assert response.status_code == 200
    # 13 March: red 2.1 (overdue), 1.2 and 1.3 (no owner); amber 1.1 and 2.2.
    # 10 April: red 2.1 and 1.2; amber 1.1 (slipped) and 2.2; 1.3 complete.
    assert headline(response, "red") == (2, "1 fewer red than on 13 March")
    assert headline(response, "amber") == (2, "Same as on 13 March")
    assert headline(response, "green") == (0, "Same as on 13 March")
    assert headline(response, "complete") == (1, "1 more complete than on 13 March")


def test_counts_agree_with_the_api(client, clock, leader, story):
    for as_of in ("", "2026-03-13", "2026-01-05", "2026-02-15"):
        page = get(client, leader, clock, as_of=as_of)
        api = get(client, leader, clock, "/api/drift/", as_of=as_of).json()
        for rag, count in api["summary"].items():
            assert headline(page, rag)[0] == count, (as_of, rag)


def test_the_year_is_given_when_four_weeks_earlier_is_last_year(client, clock, leader, story):
    response = get(client, leader, clock, as_of="2026-01-20")
    assert "than on 23 December 2025" in text(response) or "as on 23 December 2025" in text(
        response
    )


# --- time travel -------------------------------------------------------------------------------


def test_a_past_date_says_so_plainly_and_shows_that_day(client, clock, leader, story):
    response = get(client, leader, clock, as_of="2026-03-13")
    page = text(response)
    assert "You are looking at the plan as it stood at the end of Friday 13 March 2026" in page
    assert "Go back to today" in page
    assert headline(response, "red")[0] == 3
    assert headline(response, "complete")[0] == 0
    assert "Drift dashboard: Children&#x27;s services plan on 13 March 2026" in (
        response.content.decode()
    )


def test_today_has_no_past_date_banner(client, clock, leader, story):
    assert "You are looking at the plan as it stood" not in text(get(client, leader, clock))


def test_links_to_objectives_keep_the_past_date(client, clock, leader, story):
    html = get(client, leader, clock, as_of="2026-03-13").content.decode()
    assert f'href="/objectives/{story.slipping.pk}/?as_of=2026-03-13"' in html


def test_objectives_that_did_not_exist_yet_are_left_out(client, clock, leader, story):
    response = get(client, leader, clock, as_of="2026-01-04")
    assert "There were no objectives in the plan on 4 January 2026" in text(response)
    assert headline(response, "red") == (0, "Same as on 7 December 2025")


@pytest.mark.parametrize("bad", ["2026-13-45", "yesterday", "31/03/2026", "0001-01-01"])
def test_a_bad_date_is_a_clear_error_not_a_crash(client, clock, leader, story, bad):
    response = get(client, leader, clock, as_of=bad)
    assert response.status_code == 400
    html = response.content.decode()
    assert "govuk-error-summary" in html
    assert "<title>Error: " in html
    assert 'href="#id_as_of_day"' in html


@pytest.mark.parametrize("url", [URL, ACCOUNTABILITY, "/dashboard/export.csv"])
@pytest.mark.parametrize("odd", ["²", "١", "9" * 30, "0", "-1", " 1x", "%00"])
def test_an_odd_plan_is_a_clear_error_not_a_crash(client, clock, leader, story, url, odd):
    response = get(client, leader, clock, url, plan=odd)
    assert response.status_code == 400
    message = "There is no such plan" if len(odd) < 20 else "at most 20 characters"
    assert message in response.content.decode()


def test_the_plan_asked_for_is_the_plan_shown_among_several(
    client, clock, leader, admin_user, story
):
    with clock(TODAY):
        other = factories.make_plan(user=admin_user, name="Another plan")
    for plan, name in ((story.plan, story.plan.name), (other, "Another plan")):
        response = get(client, leader, clock, plan=plan.pk)
        assert f'<option value="{plan.pk}" selected>' in response.content.decode()
        spaced = get(client, leader, clock, plan=f" {plan.pk} ")
        for page in (response, spaced):
            assert page.status_code == 200
            assert page.context["data"].plan == plan and name in html.unescape(text(page))


def test_a_bad_date_keeps_the_filters_for_the_next_try(client, clock, leader, story):
    html = get(client, leader, clock, as_of="nope", rag="red").content.decode()
    assert '<input type="hidden" name="rag" value="red">' in html


def test_accountability_takes_a_date_too(client, clock, leader, story):
    response = get(client, leader, clock, ACCOUNTABILITY, as_of="2026-03-13")
    assert "as it stood at the end of Friday 13 March 2026" in text(response)
    assert get(client, leader, clock, ACCOUNTABILITY, as_of="bad").status_code == 400


# --- the table: order, columns, filters --------------------------------------------------------


def test_table_is_in_the_api_order(client, clock, leader, story):
    for as_of in ("", "2026-03-13"):
        page = get(client, leader, clock, as_of=as_of)
        api = get(client, leader, clock, "/api/drift/", as_of=as_of).json()
        assert refs(page) == [row["ref"] for row in api["objectives"]]


def test_rows_show_owner_status_flags_and_worst_milestone(client, clock, leader, story):
    page = text(get(client, leader, clock))
    assert "No named owner" in page
    assert "A milestone is overdue" in page
    assert "First conferences held 40 days overdue" in page
    assert "Recruitment campaign 14 days later than agreed, re-planned 1 time" in page
    assert "Due 14 Apr 2026 (agreed 31 Mar 2026)" in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"theme": "Edge of care"}, ["2.1", "1.2"]),
        ({"theme": "none"}, ["2.2"]),
        ({"owner": "mo_manager"}, ["1.1", "2.2"]),
        ({"owner": "none"}, ["1.2", "1.3"]),
        ({"rag": "amber"}, ["1.1", "2.2"]),
        ({"flag": "overdue_milestone"}, ["2.1"]),
        ({"theme": "Edge of care", "rag": "red", "owner": "nat_manager"}, ["2.1"]),
        ({"theme": "Workforce", "rag": "red"}, []),
    ],
)
def test_filters_combine(client, clock, leader, story, params, expected):
    response = get(client, leader, clock, **params)
    assert response.status_code == 200
    assert (refs(response) if expected else []) == expected
    if not expected:
        assert "No objectives match these filters" in text(response)


def test_filters_stay_in_the_links(client, clock, leader, story):
    html = get(client, leader, clock, theme="Edge of care", rag="red").content.decode()
    assert "/dashboard/export.csv?theme=Edge+of+care&amp;rag=red" in html
    assert "/dashboard/export.xlsx?theme=Edge+of+care&amp;rag=red" in html
    assert '<option value="Edge of care" selected>' in html
    assert '<option value="red" selected>' in html
    # Changing the date keeps the filters.
    assert '<input type="hidden" name="theme" value="Edge of care">' in html


def test_an_unknown_status_or_flag_is_an_error(client, clock, leader, story):
    assert get(client, leader, clock, rag="purple").status_code == 400
    assert get(client, leader, clock, flag="nonsense").status_code == 400


def test_an_owner_with_nothing_on_the_date_is_no_error(client, clock, leader, story):
    response = get(client, leader, clock, owner="someone_else")
    assert response.status_code == 200
    assert "someone_else (nothing on this date)" in text(response)


def chosen(html: str) -> dict[str, list[str]]:
    """Each list box's name with the values selected in it."""
    return {
        name: re.findall(r'<option value="([^"]*)" selected>', options)
        for name, options in re.findall(
            r'<select[^>]* name="([^"]+)"[^>]*>(.*?)</select>', html, re.S
        )
    }


def test_the_kept_filter_boxes_show_each_request_s_own_choice(client, clock, leader, story):
    def filters(**params) -> dict[str, list[str]]:
        return chosen(get(client, leader, clock, **params).content.decode())

    nothing = {"theme": [""], "owner": [""], "rag": [""], "flag": [""]}
    red = {**nothing, "rag": ["red"]}
    assert filters(rag="red") == red
    assert filters() == nothing  # drawn anew
    assert filters(rag="red") == red  # drawn from the cache
    assert filters(rag="amber", theme="Edge of care") == {
        **nothing,
        "rag": ["amber"],
        "theme": ["Edge of care"],
    }
    assert filters(rag="red") == red


# --- plans -------------------------------------------------------------------------------------


def test_plan_selector_only_with_several_plans(client, clock, leader, admin_user, story):
    assert 'name="plan"' not in get(client, leader, clock).content.decode()
    with clock(date(2026, 1, 6)):
        other = factories.make_plan(user=admin_user, name="Another plan")
        factories.make_objective(other, user=admin_user, ref="9.9", title="Elsewhere")
    html = get(client, leader, clock, plan=other.pk).content.decode()
    assert '<select class="govuk-select' in html and 'name="plan"' in html
    assert "Elsewhere" in html
    assert "Reduce agency social workers" not in html
    assert f"/dashboard/export.csv?plan={other.pk}" in html
    assert get(client, leader, clock, plan="999999").status_code == 400
    assert get(client, leader, clock, plan="abc").status_code == 400
    # The list of plans is kept drawn; each request still shows its own plan chosen.
    for plan in (story.plan, other, story.plan):
        html = get(client, leader, clock, plan=plan.pk).content.decode()
        assert chosen(html)["plan"] == [str(plan.pk)]


# --- charts and tables -------------------------------------------------------------------------


def test_charts_are_svg_with_tables_of_the_same_data(client, clock, leader, story):
    html = get(client, leader, clock).content.decode()
    assert html.count('role="img"') == 3
    assert "<script" not in html.split("</head>", 1)[1]
    assert ' style="' not in html
    assert "Objectives by status at each month end" in html
    for month in ("30 April 2025", "31 March 2026"):
        assert month in html
    assert "Slip of open milestones by theme" in html
    assert "Red and amber objectives by owner" in html


def test_month_end_table_agrees_with_the_api(client, clock, leader, story):
    html = get(client, leader, clock).content.decode()
    row = re.search(r"31 January 2026</th>(.*?)</tr>", html, re.S).group(1)
    numbers = [int(n) for n in re.findall(r">(\d+)</td>", row)]
    api = get(client, leader, clock, "/api/drift/", as_of="2026-01-31").json()["summary"]
    assert numbers[:4] == [api["red"], api["amber"], api["green"], api["complete"]]
    assert numbers[4] == sum(api.values())


# --- accountability ----------------------------------------------------------------------------


def test_accountability_lists_unowned_first_then_by_red(client, clock, leader, story):
    html = get(client, leader, clock, ACCOUNTABILITY).content.decode()
    owners_table = html.split('id="owners"', 1)[1].split("</table>", 1)[0]
    anchors = re.findall(r'href="#(owner-[^"]+)"', owners_table)
    # No owner (1 red) first, then nat (1 red), then mo (0 red, 2 amber).
    assert anchors == ["owner-none", "owner-nat_manager", "owner-mo_manager"]


def test_accountability_shows_counts_and_last_update(client, clock, leader, story, manager):
    html = get(client, leader, clock, ACCOUNTABILITY).content.decode()
    row = re.search(rf'href="#owner-{manager.username}">.*?</tr>', html, re.S).group(0)
    cells = re.findall(r">([^<>]+)</td>", row)
    assert cells == ["2", "0", "2", "20 March 2026"]


def test_someone_who_left_is_shown_as_having_left(client, clock, leader, story, other_manager):
    with clock(TODAY):
        other_manager.is_active = False
        other_manager.save()
    page = text(get(client, leader, clock, ACCOUNTABILITY))
    assert "(has left)" in page
    assert "Owner has left" in page


@cached
@pytest.mark.usefixtures("role_groups")
def test_a_change_shows_at_once(client, clock, leader, admin_user, story):
    """The cache never hides a new history record or an owner leaving."""
    assert headline(get(client, leader, clock), "complete")[0] == 1
    with clock(TODAY):
        for milestone in story.slipping.milestones.open():
            milestone_services.milestone_complete(
                milestone=milestone, user=admin_user, completed_on=TODAY
            )
        objective_services.objective_update(
            objective=story.slipping,
            user=admin_user,
            status="complete",
            closing_summary="All delivered.",
        )
    assert headline(get(client, leader, clock), "complete")[0] == 2
    red_before = headline(get(client, leader, clock), "red")[0]
    with clock(TODAY):
        mo = get_user_model().objects.get(username="mo_manager")
        mo.is_active = False
        mo.save()
    assert headline(get(client, leader, clock), "red")[0] == red_before + 1


# --- downloads ---------------------------------------------------------------------------------


def test_the_board_paper_link_gives_the_board_workbook_and_the_data_is_for_bi_tools(
    client, clock, leader, story
):
    response = get(client, leader, clock, as_of="2026-03-13")
    html = response.content.decode()
    board = html.split('id="board-paper-download"', 1)[1].split("</p>", 1)[0]
    bi = html.split('id="bi-download"', 1)[1].split("</p>", 1)[0]
    assert "For a board paper" in text(response)
    href = re.search(r'href="([^"]+)"', board).group(1).replace("&amp;", "&")
    assert href == "/dashboard/report.xlsx?as_of=2026-03-13"
    assert "/dashboard/export." not in board
    assert bi.lstrip().startswith(">For BI tools")
    assert "/dashboard/export.csv?" in bi and "/dashboard/export.xlsx?" in bi
    with clock(TODAY):
        workbook = client.get(href)
    assert workbook.status_code == 200
    assert workbook["Content-Disposition"].endswith('.xlsx"')
