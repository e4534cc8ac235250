"""Challenge emails go through the one sender: marked automatic and in the sent-email log,
each one (several a day to one person are all kept)."""

from django.core import mail

from board import services
from kit.formatting import person_name
from reminders.models import SentEmail

from .conftest import TODAY

AUTOMATIC = {"Auto-Submitted": "auto-generated", "X-Auto-Response-Suppress": "All"}


def _automatic(message) -> bool:
    return all(message.message()[h] == v for h, v in AUTOMATIC.items())


def test_raised_and_answered_challenges_are_marked_automatic_and_logged(
    board, leader, manager, clock, django_capture_on_commit_callbacks
):
    with clock(TODAY), django_capture_on_commit_callbacks(execute=True):
        first = services.challenge_raise(user=leader, objective=board.red, question="Why?")
    with clock(TODAY), django_capture_on_commit_callbacks(execute=True):
        services.challenge_raise(user=leader, objective=board.red, question="When?")
    with clock(TODAY), django_capture_on_commit_callbacks(execute=True):
        services.challenge_answer(user=manager, challenge=first, answer="Recruiting now.")
    assert [m.to for m in mail.outbox] == [[manager.email], [manager.email], [leader.email]]
    assert all(_automatic(m) for m in mail.outbox)
    raised = SentEmail.objects.filter(person=manager, kind=SentEmail.Kind.CHALLENGE_RAISED)
    assert raised.count() == 2
    assert set(raised.values_list("status", flat=True)) == {SentEmail.Status.SENT}
    answered = SentEmail.objects.get(person=leader, kind=SentEmail.Kind.CHALLENGE_ANSWERED)
    assert answered.status == SentEmail.Status.SENT
    assert answered.subject == mail.outbox[2].subject


def test_challenge_emails_start_with_the_service_name_like_every_other_email(
    board, leader, manager, clock, django_capture_on_commit_callbacks
):
    with clock(TODAY), django_capture_on_commit_callbacks(execute=True):
        challenge = services.challenge_raise(user=leader, objective=board.red, question="Why?")
    with clock(TODAY), django_capture_on_commit_callbacks(execute=True):
        services.challenge_answer(user=manager, challenge=challenge, answer="Recruiting now.")
    ref = board.red.ref
    assert [m.subject for m in mail.outbox] == [
        f"Improvement plan: a question about objective {ref} from {person_name(leader)}",
        f"Improvement plan: {person_name(manager)} answered your question about objective {ref}",
    ]
