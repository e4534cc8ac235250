"""A calendar link is a key: it never reaches a log, whatever the answer."""

import logging

import pytest

from calendars import services

from .conftest import TODAY, feed_path


@pytest.fixture
def captured(caplog):
    """Everything logged, the security log included (it does not propagate to the root)."""
    security = logging.getLogger("improve.security")
    security.addHandler(caplog.handler)
    caplog.set_level(logging.DEBUG)
    yield caplog
    security.removeHandler(caplog.handler)


def _all_text(caplog) -> str:
    return caplog.text + "\n".join(record.getMessage() for record in caplog.records)


def test_a_feed_request_logs_no_token_for_200_404_and_405(client, clock, world, manager, captured):
    token = services.calendar_feed_replace(user=manager)
    with clock(TODAY):
        assert client.get(feed_path(token)).status_code == 200
        assert client.get(feed_path(token[:-1] + "Q")).status_code in (200, 404)
        assert client.post(feed_path(token)).status_code == 405
        new = services.calendar_feed_replace(user=manager)
        assert client.get(feed_path(token)).status_code == 404
        assert client.get(feed_path(new)).status_code == 200
        assert client.get(f"/calendar/{new}").status_code == 404
        assert client.get(f"/calendar/{new}.ics/more").status_code == 404
    text = _all_text(captured)
    for secret in (token, new, token[:-1], new[:20]):
        assert secret not in text
    # The requests were logged, with the address hidden.
    assert "Not Found: /calendar/[hidden]" in text
    assert "Method Not Allowed (POST): /calendar/[hidden]" in text
    assert "calendar-link-replaced user=mo_manager" in text


def test_the_filter_hides_the_token_in_every_logged_form():
    from kit.security import HideSecretPaths

    token = "abcDEF123_-" * 4
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET /calendar/{token}.ics?x=1 HTTP/1.1", 200, 512),
        None,
    )
    assert HideSecretPaths().filter(record) is True
    assert token not in record.getMessage()
    assert record.getMessage() == '"GET /calendar/[hidden] HTTP/1.1" 200 512'


def test_showing_and_replacing_the_link_on_the_account_page_logs_no_token(
    client, clock, world, manager, captured
):
    from calendars.models import CalendarFeed

    client.force_login(manager)
    with clock(TODAY):
        assert client.get("/account/").status_code == 200
        first = CalendarFeed.objects.get(user=manager).token
        assert first in client.get("/account/").content.decode()
        client.post("/account/calendar/replace/")
        second = CalendarFeed.objects.get(user=manager).token
    assert first != second
    text = _all_text(captured)
    assert first not in text and second not in text
    assert "calendar-link-made user=mo_manager" in text
