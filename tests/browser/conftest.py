"""Browser-test harness: Playwright for Python driving Debian's Chromium against ``live_server``.

Fixtures
--------
``browser``            one Chromium for the whole session (``/usr/bin/chromium``, headless).
``page``               a fresh browser context and page per test, with ``base_url`` set to the
                       live server, so ``page.goto("/accounts/login/")`` works. Needs the
                       database (transactional, as the live server runs in another thread).
``console_errors``     the JavaScript errors and console errors ``page`` has seen so far (CSP
                       violations show up here): ``assert console_errors == []``.
``login``              ``login(page, user)`` signs ``user`` in through the login form with
                       ``tests.factories.PASSWORD`` and returns the page, now on ``/``.
``assert_accessible``  ``assert_accessible(page)`` runs axe-core on the page as it is now and
                       fails, listing them, on violations with impact "serious" or "critical".

Mark browser tests with ``@pytest.mark.browser`` (``make test-fast`` leaves them out); they run
after every other test, so the rest of the suite never shares the process with Playwright's loop.
The role groups come from a data migration that a transactional flush removes, so an autouse
fixture here puts them back before each browser test.

Before ``npm ci && npm run build`` the pages are unstyled and axe-core is missing: the fixtures
fail with that instruction rather than testing a half-built page.
"""

import os
from pathlib import Path

import pytest
from django.contrib.auth.models import Group
from playwright.sync_api import Page, expect, sync_playwright

from objectives.permissions import ROLES
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE_JS = ROOT / "node_modules" / "axe-core" / "axe.min.js"
BUILT_CSS = ROOT / "assets" / "build" / "stylesheets" / "application.css"
BLOCKING_IMPACTS = ("serious", "critical")
TIMEOUT_MS = 10_000


def pytest_collection_modifyitems(config, items):
    """Run browser tests last, so the rest of the suite never runs beside Playwright's loop."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is not None)


@pytest.fixture(scope="session")
def browser():
    if not CHROMIUM.exists():
        pytest.fail(f"{CHROMIUM} is missing: install Debian's chromium package (make browser).")
    if not BUILT_CSS.exists():
        pytest.fail("The GOV.UK assets are not built: run `npm ci && npm run build`.")
    # Playwright's sync API runs an asyncio loop in this thread, and Django refuses database
    # calls from a thread with a running loop (SynchronousOnlyOperation). Fixtures and tests
    # here touch the database in between Playwright calls, which is safe, so say so.
    previous = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    playwright = sync_playwright().start()
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
    try:
        yield chromium
    finally:
        chromium.close()
        playwright.stop()
        if previous is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = previous


@pytest.fixture(autouse=True)
def _role_groups(transactional_db):
    """Recreate the role groups (a data migration made them; a transactional flush drops them)."""
    for name in ROLES:
        Group.objects.get_or_create(name=name)


@pytest.fixture
def _page_and_errors(browser, live_server, transactional_db):
    context = browser.new_context(
        base_url=live_server.url,
        viewport={"width": 1280, "height": 900},
        locale="en-GB",
        timezone_id="Europe/London",
    )
    context.set_default_timeout(TIMEOUT_MS)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: (
            errors.append(f"console {message.type}: {message.text}")
            if message.type == "error"
            else None
        ),
    )
    try:
        yield page, errors
    finally:
        context.close()


@pytest.fixture
def page(_page_and_errors) -> Page:
    return _page_and_errors[0]


@pytest.fixture
def console_errors(_page_and_errors) -> list[str]:
    return _page_and_errors[1]


@pytest.fixture
def login():
    def sign_in(page: Page, user) -> Page:
        page.goto("/accounts/login/")
        page.get_by_label("Username").fill(user.get_username())
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Sign in").click()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        return page

    return sign_in


def _describe(violation: dict) -> str:
    targets = "; ".join(
        " ".join(str(part) for part in node["target"]) for node in violation["nodes"][:5]
    )
    return (
        f"[{violation['impact']}] {violation['id']}: {violation['help']} "
        f"({len(violation['nodes'])} element(s): {targets}) {violation['helpUrl']}"
    )


@pytest.fixture
def assert_accessible():
    """Run axe-core in the page; fail on serious or critical violations.

    axe is evaluated from node_modules/axe-core/axe.min.js through ``page.evaluate`` rather than
    ``page.add_script_tag``: the service's Content-Security-Policy has no 'unsafe-inline', and
    ``add_script_tag`` adds an inline script that the policy blocks, whereas Playwright's
    evaluate is not subject to the page's policy.
    """
    if not AXE_JS.exists():
        pytest.fail(f"{AXE_JS} is missing: run `npm ci`.")
    source = AXE_JS.read_text(encoding="utf-8")

    def check(page: Page, *, impacts=BLOCKING_IMPACTS) -> list[dict]:
        # Right after a click the new page may not have its stylesheet yet, and axe would judge
        # the unstyled page (a skip link beside the header link, say).
        page.wait_for_load_state("load")
        if not page.evaluate("() => typeof window.axe === 'object'"):
            page.evaluate(source)
        violations = page.evaluate(
            """async () => {
                const results = await window.axe.run(document, {
                    runOnly: {type: "tag", values: [
                        "wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa", "best-practice"
                    ]},
                });
                return results.violations.map(v => ({
                    id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                    nodes: v.nodes.map(n => ({target: n.target})),
                }));
            }"""
        )
        blocking = [v for v in violations if v["impact"] in impacts]
        assert not blocking, f"Accessibility problems on {page.url}:\n" + "\n".join(
            _describe(v) for v in blocking
        )
        return violations

    return check
