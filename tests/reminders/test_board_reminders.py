"""An administrator reminds the owners whose update for the next board is missing: one email per
owner (Django's email framework, locmem here), logged, at most once per owner per board meeting
(a unique constraint: a second click, or a second host, sends nothing more), for administrators
only, and never for a draft."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction

from board import services as board_services
from reminders.board_reminders import board_reminders_send
from reminders.models import SentEmail
from tests import factories
from tests.board.update_cycle_plan import BOARD, TODAY, make_cycle_plan

pytestmark = pytest.mark.django_db


@pytest.fixture
def cp(clock, admin_user, manager, other_manager):
    return make_cycle_plan(clock, admin=admin_user, manager=manager, other_manager=other_manager)


def _press(client, user, clock, cp, meeting=None, **extra):
    client.force_login(user)
    with clock(TODAY):
        return client.post(
            f"/manage/plans/{cp.plan.pk}/remind-owners/",
            {"meeting": meeting if meeting is not None else cp.meeting.pk, **extra},
            follow=True,
        )


def test_one_email_per_missing_owner_with_their_objectives(client, clock, cp, admin_user):
    response = _press(client, admin_user, clock, cp, next="/manage/")
    assert response.redirect_chain[-1][0] == "/manage/"
    page = response.content.decode()
    assert "Reminder sent to 2 owners for the board on 14 May 2026" in page
    assert "Mo_Manager Tester" in page and "Nat_Manager Tester" in page
    assert "2.2 has no named owner" in page
    assert sorted(m.to[0] for m in mail.outbox) == [
        "mo_manager@example.org",
        "nat_manager@example.org",
    ]
    (mo,) = [m for m in mail.outbox if m.to == ["mo_manager@example.org"]]
    assert mo.subject == "Improvement plan: your progress update for the board on 14 May 2026"
    assert "2.1 Virtual school training" in mo.body
    assert "1.1" not in mo.body  # mo's 1.1 is in
    assert f"/objectives/{cp.never.pk}/" in mo.body
    assert "from 30 April 2026 to 13 May 2026" in mo.body
    assert "Thursday 14 May 2026" in mo.body
    assert "Alice_Admin Tester sent this reminder" in mo.body
    assert mo.extra_headers["Auto-Submitted"] == "auto-generated"
    html = mo.alternatives[0][0]
    assert "2.1 Virtual school training" in html and "<!DOCTYPE html>" in html
    rows = SentEmail.objects.filter(kind=SentEmail.Kind.BOARD_UPDATE)
    assert rows.count() == 2
    assert {r.status for r in rows} == {"sent"} and {r.board_meeting_id for r in rows} == {
        cp.meeting.pk
    }
    assert {r.day for r in rows} == {TODAY}


def test_a_second_click_sends_nothing_more(client, clock, cp, admin_user):
    _press(client, admin_user, clock, cp)
    assert len(mail.outbox) == 2
    response = _press(client, admin_user, clock, cp)
    assert len(mail.outbox) == 2
    page = response.content.decode()
    assert "No reminders sent for the board on 14 May 2026" in page
    assert "Already reminded for this board, so not sent again" in page
    assert SentEmail.objects.filter(kind=SentEmail.Kind.BOARD_UPDATE).count() == 2


def test_the_database_refuses_a_second_reminder_for_the_same_meeting(clock, cp, manager):
    with clock(TODAY):
        SentEmail.objects.create(
            person=manager, kind="board_update", day=TODAY, board_meeting=cp.meeting
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            SentEmail.objects.create(
                person=manager, kind="board_update", day=date(2026, 5, 6), board_meeting=cp.meeting
            )
        with pytest.raises(IntegrityError), transaction.atomic():
            SentEmail.objects.create(person=manager, kind="board_update", day=TODAY)


def test_another_meeting_is_another_reminder(client, clock, cp, admin_user):
    _press(client, admin_user, clock, cp)
    with clock(TODAY):
        june = board_services.board_meeting_create(
            user=admin_user, plan=cp.plan, held_on=date(2026, 6, 25), name="June board"
        )
        board_services.board_meeting_cancel(
            user=admin_user, meeting=cp.meeting, reason="Chair unwell", expected_version=None
        )
    mail.outbox.clear()
    response = _press(client, admin_user, clock, cp, meeting=june.pk)
    assert "Reminder sent to 2 owners for the board on 25 June 2026" in response.content.decode()
    assert len(mail.outbox) == 2


def test_a_failed_email_is_retried_by_the_next_click(client, clock, cp, admin_user, settings):
    settings.EMAIL_BACKEND = "tests.reminders.test_accounts.BrokenBackend"
    response = _press(client, admin_user, clock, cp)
    assert "Could not be sent" in response.content.decode()
    assert set(SentEmail.objects.values_list("status", flat=True)) == {"failed"}
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    response = _press(client, admin_user, clock, cp)
    assert "Reminder sent to 2 owners" in response.content.decode()
    assert len(mail.outbox) == 2
    assert set(SentEmail.objects.values_list("status", flat=True)) == {"sent"}
    assert set(SentEmail.objects.values_list("attempts", flat=True)) == {2}


def test_leavers_and_people_without_an_address_are_named_not_emailed(
    clock, cp, admin_user, manager, other_manager
):
    from objectives.history import save_with_history

    with clock(TODAY):
        other_manager.email = ""
        save_with_history(other_manager, user=admin_user, reason="No address")
        manager.is_active = False
        save_with_history(manager, user=admin_user, reason="Left")
        outcome = board_reminders_send(user=admin_user, plan=cp.plan, meeting_id=cp.meeting.pk)
    assert mail.outbox == [] and outcome.sent == []
    assert "Mo_Manager Tester has left" in outcome.message
    assert "Nat_Manager Tester has no email address" in outcome.message


@pytest.mark.parametrize("who", ["leader", "manager", "other_manager"])
def test_only_administrators_may_remind(client, clock, cp, request, who):
    user = request.getfixturevalue(who)
    assert _press(client, user, clock, cp).status_code == 403
    with clock(TODAY), pytest.raises(PermissionDenied):
        board_reminders_send(user=user, plan=cp.plan, meeting_id=cp.meeting.pk)
    assert mail.outbox == [] and not SentEmail.objects.exists()


def test_a_get_or_a_visitor_changes_nothing(client, clock, cp, admin_user):
    client.force_login(admin_user)
    with clock(TODAY):
        assert client.get(f"/manage/plans/{cp.plan.pk}/remind-owners/").status_code == 405
    client.logout()
    with clock(TODAY):
        response = client.post(
            f"/manage/plans/{cp.plan.pk}/remind-owners/", {"meeting": cp.meeting.pk}
        )
    assert response.status_code == 302 and "/accounts/login/" in response.url
    assert mail.outbox == []


def test_the_button_needs_a_csrf_token(clock, cp, admin_user):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(admin_user)
    with clock(TODAY):
        response = client.post(
            f"/manage/plans/{cp.plan.pk}/remind-owners/", {"meeting": cp.meeting.pk}
        )
    assert response.status_code == 403 and mail.outbox == []


@pytest.mark.parametrize("meeting", ["", "abc", "9" * 40, "٣", "-1"])
def test_a_bad_meeting_is_refused_without_a_500(client, clock, cp, admin_user, meeting):
    response = _press(client, admin_user, clock, cp, meeting=meeting)
    assert response.status_code == 400 and mail.outbox == []


def test_a_meeting_that_is_no_longer_the_next_board_sends_nothing(client, clock, cp, admin_user):
    with clock(TODAY):
        other = board_services.board_meeting_create(
            user=admin_user, plan=cp.plan, held_on=date(2026, 6, 25), name="June board"
        )
    response = _press(client, admin_user, clock, cp, meeting=other.pk)
    assert "The next board meeting has changed" in response.content.decode()
    assert mail.outbox == []


def test_an_unsafe_next_address_goes_to_the_dashboard(client, clock, cp, admin_user):
    client.force_login(admin_user)
    with clock(TODAY):
        response = client.post(
            f"/manage/plans/{cp.plan.pk}/remind-owners/",
            {"meeting": cp.meeting.pk, "next": "https://elsewhere.example/"},
        )
    assert response.status_code == 302
    assert response.url == f"/dashboard/?plan={cp.plan.pk}"


def test_never_for_a_draft(clock, admin_user, manager):
    with clock(date(2026, 1, 5)):
        draft = factories.make_plan(user=admin_user, published=False, starts_on=date(2026, 1, 1))
        factories.make_objective(
            draft,
            user=admin_user,
            owner=manager,
            starts_on=date(2026, 1, 1),
            target_date=date(2026, 12, 1),
        )
        meeting = board_services.board_meeting_create(
            user=admin_user, plan=draft, held_on=BOARD, name="Board"
        )
    with clock(TODAY), pytest.raises(ValidationError, match="draft"):
        board_reminders_send(user=admin_user, plan=draft, meeting_id=meeting.pk)
    assert mail.outbox == []


def test_the_email_log_names_the_kind(client, clock, cp, admin_user):
    _press(client, admin_user, clock, cp)
    client.force_login(admin_user)
    with clock(TODAY):
        page = client.get("/manage/emails/").content.decode()
    assert "Update for the board" in page
