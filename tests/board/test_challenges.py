"""Challenges: who may raise, answer and close them, the emails, and where they show."""

from datetime import date

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError

from board import services
from board.models import Challenge
from tests import factories

from .conftest import TODAY


@pytest.fixture
def challenge(board, leader, clock, django_capture_on_commit_callbacks):
    with clock(TODAY), django_capture_on_commit_callbacks(execute=True):
        return services.challenge_raise(
            user=leader, objective=board.red, question="Why is recruitment overdue?"
        )


def test_raising_records_history_and_emails_the_owner(challenge, manager):
    assert challenge.status == Challenge.Status.OPEN
    record = challenge.history.get()
    assert record.history_user.username == "lee_leader"
    assert record.history_change_reason == "Challenge raised"
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == [manager.email]
    assert "1.1" in email.subject
    assert "Why is recruitment overdue?" in email.body
    assert f"/objectives/{challenge.objective_id}/#challenges" in email.body


@pytest.mark.parametrize("who", ["manager", "other_manager"])
def test_managers_cannot_raise_a_challenge(board, request, who, clock):
    user = request.getfixturevalue(who)
    with clock(TODAY), pytest.raises(PermissionDenied):
        services.challenge_raise(user=user, objective=board.red, question="Why?")
    assert not Challenge.objects.exists()


def test_administrators_may_raise_and_a_blank_question_is_refused(board, admin_user, clock):
    with clock(TODAY):
        with pytest.raises(ValidationError):
            services.challenge_raise(user=admin_user, objective=board.red, question="  \n ")
        services.challenge_raise(user=admin_user, objective=board.red, question="When?")
    assert Challenge.objects.count() == 1


def test_only_the_owner_answers_once_and_the_raiser_is_emailed(
    challenge, manager, other_manager, leader, admin_user, clock, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with clock(TODAY):
        for user in (other_manager, leader, admin_user):
            with pytest.raises(PermissionDenied):
                services.challenge_answer(user=user, challenge=challenge, answer="Mine")
        with django_capture_on_commit_callbacks(execute=True):
            answered = services.challenge_answer(
                user=manager, challenge=challenge, answer="Agency cover from May."
            )
        with pytest.raises(ValidationError):
            services.challenge_answer(user=manager, challenge=challenge, answer="Changed my mind")
    answered.refresh_from_db()
    assert answered.answer == "Agency cover from May."
    assert answered.answered_by == manager
    assert answered.status == Challenge.Status.ANSWERED
    assert [m.to for m in mail.outbox] == [[leader.email]]
    assert "Agency cover from May." in mail.outbox[0].body
    assert answered.history.count() == 2


def test_the_raiser_or_an_administrator_closes_it(
    challenge, manager, other_manager, admin_user, leader, clock
):
    other_leader = factories.make_leader("other_leader")
    with clock(TODAY):
        for user in (manager, other_manager, other_leader):
            with pytest.raises(PermissionDenied):
                services.challenge_close(user=user, challenge=challenge)
        closed = services.challenge_close(user=leader, challenge=challenge)
        with pytest.raises(PermissionDenied):
            services.challenge_close(user=admin_user, challenge=challenge)
    assert closed.status == Challenge.Status.CLOSED
    assert closed.closed_by == leader
    assert closed.question == "Why is recruitment overdue?"
    reasons = list(
        closed.history.order_by("history_id").values_list("history_change_reason", flat=True)
    )
    assert reasons == ["Challenge raised", "Challenge closed"]


def test_an_administrator_closes_anyone_s_challenge(challenge, admin_user, clock):
    with clock(TODAY):
        assert services.challenge_close(user=admin_user, challenge=challenge).is_closed


def test_open_challenges_show_on_the_objective_worklist_dashboard_and_pack(
    client, challenge, manager, leader, clock
):
    with clock(TODAY):
        client.force_login(manager)
        page = client.get(f"/objectives/{challenge.objective_id}/").content.decode()
        assert "Why is recruitment overdue?" in page
        assert f"/challenges/{challenge.pk}/answer/" in page
        assert f"/challenges/{challenge.pk}/close/" not in page
        worklist = client.get("/").content.decode()
        assert "Questions for you" in worklist
        assert f"/challenges/{challenge.pk}/answer/" in worklist
        client.force_login(leader)
        page = client.get(f"/objectives/{challenge.objective_id}/").content.decode()
        assert f"/challenges/{challenge.pk}/close/" in page
        assert f"/challenges/{challenge.pk}/answer/" not in page
        dashboard = client.get("/dashboard/").content.decode()
        assert "1 open challenge</a>" in dashboard
        pack = client.get("/dashboard/report/").content.decode()
        assert "Why is recruitment overdue?" in pack
        assert "Waiting for an answer from Mo_Manager Tester" in pack


def test_the_pages_raise_answer_and_close(client, board, leader, manager, clock):
    objective = board.red
    with clock(TODAY):
        client.force_login(leader)
        response = client.get(f"/objectives/{objective.pk}/challenges/new/")
        assert response.status_code == 200
        response = client.post(f"/objectives/{objective.pk}/challenges/new/", {"question": ""})
        assert response.status_code == 200
        assert "Enter your question for the owner" in response.content.decode()
        response = client.post(
            f"/objectives/{objective.pk}/challenges/new/", {"question": "x" * 5001}
        )
        assert response.status_code == 200
        response = client.post(
            f"/objectives/{objective.pk}/challenges/new/", {"question": "What help is needed?"}
        )
        assert response.status_code == 302
        challenge = Challenge.objects.get()
        client.force_login(manager)
        response = client.post(f"/challenges/{challenge.pk}/answer/", {"answer": ""})
        assert response.status_code == 200
        assert "Enter your answer" in response.content.decode()
        response = client.post(f"/challenges/{challenge.pk}/answer/", {"answer": "Two posts."})
        assert response.status_code == 302
        assert client.post(f"/challenges/{challenge.pk}/close/").status_code == 403
        client.force_login(leader)
        assert client.get(f"/challenges/{challenge.pk}/close/").status_code == 200
        assert client.post(f"/challenges/{challenge.pk}/close/").status_code == 302
    challenge.refresh_from_db()
    assert challenge.status == Challenge.Status.CLOSED
    assert challenge.answer == "Two posts."


def test_past_pack_shows_challenges_as_they_stood(client, board, leader, manager, clock):
    with clock(date(2026, 3, 1)):
        challenge = services.challenge_raise(user=leader, objective=board.red, question="Q?")
    with clock(date(2026, 3, 10)):
        services.challenge_answer(user=manager, challenge=challenge, answer="A.")
    with clock(date(2026, 3, 20)):
        services.challenge_close(user=leader, challenge=challenge)
    client.force_login(leader)
    with clock(TODAY):
        before = client.get("/dashboard/report/", {"as_of": "2026-03-05"}).content.decode()
        during = client.get("/dashboard/report/", {"as_of": "2026-03-15"}).content.decode()
        after = client.get("/dashboard/report/", {"as_of": "2026-03-25"}).content.decode()
    assert "Lee_Leader Tester asked on 1 March 2026" in before and "answered on" not in before
    assert "answered on 10 March 2026: A." in during
    assert "There are no open challenges." in after


def test_django_admin_shows_challenges_read_only(client, challenge, admin_user):
    admin_user.is_staff = True
    admin_user.save()
    client.force_login(admin_user)
    assert client.get(f"/admin/board/challenge/{challenge.pk}/change/").status_code == 200
    assert client.get(f"/admin/board/challenge/{challenge.pk}/history/").status_code == 200
    assert client.post(f"/admin/board/challenge/{challenge.pk}/change/").status_code == 403
    assert client.get("/admin/board/challenge/add/").status_code == 403
    assert client.get("/admin/board/boardmeeting/").status_code == 200
