"""The accessibility statement, privacy notice and cookies page: readable by anyone, and
linked from the footer of every page, signed in or not."""

from datetime import date

import pytest
from django.test import RequestFactory
from django.urls import reverse

from kit.errors import server_error
from tests import factories
from tests.browser.pages import anonymous_pages, pages_for

PUBLIC = {
    "service:accessibility": "Accessibility statement for Improvement plan",
    "service:privacy": "Privacy notice",
    "service:cookies": "Cookies",
}
FOOTER_LINKS = ("/accessibility/", "/privacy/", "/cookies/")


def _footer(html: str) -> str:
    start = html.index('<footer class="govuk-template__footer">')
    return html[start : html.index("</footer>", start)]


def _assert_footer_links(response, url):
    footer = _footer(response.content.decode())
    for link in FOOTER_LINKS:
        assert f'href="{link}"' in footer, f"{url} has no footer link to {link}"


@pytest.mark.parametrize(("name", "heading"), PUBLIC.items())
def test_public_pages_are_read_without_signing_in(client, db, name, heading):
    response = client.get(reverse(name))
    assert response.status_code == 200
    assert f'<h1 class="govuk-heading-l">{heading}</h1>' in response.content.decode()
    assert "Sign out" not in response.content.decode()


def test_the_accessibility_statement_has_the_model_statements_sections(client, db, settings):
    settings.SERVICE_CONTACT_EMAIL = "improvement@council.example"
    html = client.get(reverse("service:accessibility")).content.decode()
    for section in (
        "How accessible this service is",
        "Reporting accessibility problems with this service",
        "Enforcement procedure",
        "Compliance status",
        "Non-accessible content",
        "How we tested this service",
        "Preparation of this accessibility statement",
    ):
        assert f">{section}</h" in html, section
    assert "partially compliant" in html
    assert "Equality Advisory and Support Service" in html
    assert "axe-core" in html and "WCAG 2.0, 2.1 and 2.2" in html
    assert "Nu Html Checker" in html and "keyboard" in html
    assert 'href="mailto:improvement@council.example"' in html


def test_the_cookies_page_names_each_cookie_and_the_idle_time(client, db, settings):
    settings.SESSION_IDLE_SECONDS = 30 * 60
    html = client.get(reverse("service:cookies")).content.decode()
    for cookie in ("sessionid", "csrftoken", "messages"):
        assert f'<th scope="row" class="govuk-table__header">{cookie}</th>' in html
    assert "after 30 minutes without using the service" in html


def test_every_page_before_signing_in_links_to_the_three_pages(client, db):
    factories.make_manager("footer_person")
    for url in [*anonymous_pages(), "/no-such-page/"]:
        response = client.get(url, follow=True)
        assert response.status_code in (200, 404), url
        _assert_footer_links(response, url)


@pytest.mark.parametrize("role", ["manager", "leader", "admin"])
def test_every_page_each_role_reaches_links_to_the_three_pages(client, db, clock, role):
    admin = factories.make_admin("footer_admin")
    people = {
        "manager": factories.make_manager("footer_manager"),
        "leader": factories.make_leader("footer_leader"),
        "admin": admin,
    }
    with clock(date(2026, 12, 4)):
        plan = factories.make_plan(user=admin)
        objective = factories.make_objective(plan, user=admin, owner=people["manager"])
        factories.make_milestone(objective, user=admin, due_date=date(2027, 1, 29))
        factories.publish_plan(plan, user=admin)
        user = people[role]
        client.force_login(user)
        urls = pages_for(user)
        assert len(urls) > 5
        for url in urls:
            response = client.get(url, follow=True)
            assert response.status_code == 200, url
            _assert_footer_links(response, url)


def test_the_server_error_page_links_to_the_three_pages(db):
    """Rendered without the request's context, as when the database is what failed."""
    response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    _assert_footer_links(response, "500")
