"""The calendar link on /account/: made on first view, always shown, replaceable."""

import re

import pytest
from django.test import Client

from calendars.models import CalendarFeed
from tests import factories

from .conftest import SITE, TODAY

LINK = re.compile(r'value="(https://improve\.example\.org/calendar/([A-Za-z0-9_-]{43})\.ics)"')


def _link(page: str) -> tuple[str, str]:
    found = LINK.search(page)
    assert found, "no calendar link on the page"
    return found.group(1), found.group(2)


def _feed(token: str):
    return Client().get(f"/calendar/{token}.ics")


def test_the_account_page_makes_and_shows_my_link(client, clock, world, manager):
    client.force_login(manager)
    assert not CalendarFeed.objects.filter(user=manager).exists()
    with clock(TODAY):
        response = client.get("/account/")
    page = response.content.decode()
    url, token = _link(page)
    assert url == f"{SITE}/calendar/{token}.ics"
    assert CalendarFeed.objects.filter(user=manager).count() == 1
    assert "no-store" in response["Cache-Control"]
    assert "readonly" in page and 'for="calendar-link"' in page
    assert "Add calendar" in page and "Subscribe from web" in page
    assert "Replace this link" in page
    assert "The old link stops working at once" in page
    with clock(TODAY):
        assert _feed(token).status_code == 200
        # The same link on the next visit in this session; no second link is made.
        assert _link(client.get("/account/").content.decode()) == (url, token)
    assert CalendarFeed.objects.filter(user=manager).count() == 1


def test_every_session_is_shown_the_current_link(client, clock, world, manager):
    client.force_login(manager)
    with clock(TODAY):
        _url, first = _link(client.get("/account/").content.decode())
        other = Client()
        other.force_login(manager)
        assert _link(other.get("/account/").content.decode())[1] == first
        response = other.post("/account/calendar/replace/")
        assert response.status_code == 302 and response.url == "/account/#calendar"
        page = other.get("/account/").content.decode()
        _url, second = _link(page)
        assert "Your calendar link has been replaced" in page
        assert _feed(first).status_code == 404
        assert _feed(second).status_code == 200
        # The first session now shows the new link, never the old one.
        page = client.get("/account/").content.decode()
    assert _link(page)[1] == second and first not in page


def test_a_link_made_when_only_its_hash_was_kept_must_be_made_again(client, clock, world, manager):
    with clock(TODAY):
        CalendarFeed.objects.create(user=manager, token=None)
        client.force_login(manager)
        page = client.get("/account/").content.decode()
        assert not LINK.search(page)
        assert "has stopped working" in page and "Make a new link" in page
        assert "Replace this link" not in page
        page = client.post("/account/calendar/replace/", follow=True).content.decode()
    _url, token = _link(page)
    with clock(TODAY):
        assert _feed(token).status_code == 200
    assert CalendarFeed.objects.get(user=manager).token == token


def test_replacing_my_link_from_the_account_page(client, clock, world, manager):
    client.force_login(manager)
    with clock(TODAY):
        _url, old = _link(client.get("/account/").content.decode())
        response = client.post("/account/calendar/replace/", follow=True)
    page = response.content.decode()
    _url, new = _link(page)
    assert new != old
    assert "The old link has stopped working" in page
    with clock(TODAY):
        assert _feed(old).status_code == 404
        assert _feed(new).status_code == 200
    assert CalendarFeed.objects.filter(user=manager).count() == 1


def test_replacing_needs_a_post_with_the_forms_csrf_token(world, manager):
    client = Client(enforce_csrf_checks=True)
    client.force_login(manager)
    page = client.get("/account/").content.decode()
    _url, token = _link(page)
    assert client.get("/account/calendar/replace/").status_code == 405
    assert client.post("/account/calendar/replace/").status_code == 403
    assert _feed(token).status_code == 200
    csrf = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    response = client.post("/account/calendar/replace/", {"csrfmiddlewaretoken": csrf})
    assert response.status_code == 302
    assert _feed(token).status_code == 404


def test_visitors_cannot_replace_anything(client, world):
    response = client.post("/account/calendar/replace/")
    assert response.status_code == 302 and response.url.startswith("/accounts/login/")
    assert not CalendarFeed.objects.exists()


def test_a_leaver_cannot_make_a_link(world):
    from django.core.exceptions import PermissionDenied

    from calendars import services

    leaver = factories.make_manager("gone_manager", active=False)
    with pytest.raises(PermissionDenied):
        services.calendar_feed_replace(user=leaver)
    with pytest.raises(PermissionDenied):
        services.calendar_feed_start(user=leaver)


def test_the_admin_lists_links_read_only_without_their_token(client, world, manager):
    from calendars import services

    admin = factories.make_admin("staff_alice", is_staff=True)
    services.calendar_feed_replace(user=manager)
    feed = CalendarFeed.objects.get(user=manager)
    client.force_login(admin)
    listing = client.get("/admin/calendars/calendarfeed/")
    assert listing.status_code == 200 and "mo_manager" in listing.content.decode()
    change = client.get(f"/admin/calendars/calendarfeed/{feed.pk}/change/")
    assert change.status_code == 200
    assert feed.token not in change.content.decode()
    assert feed.token not in listing.content.decode()
    assert client.get("/admin/calendars/calendarfeed/add/").status_code == 403
    assert client.post(f"/admin/calendars/calendarfeed/{feed.pk}/delete/").status_code == 403
    assert CalendarFeed.objects.get(user=manager).token == feed.token
