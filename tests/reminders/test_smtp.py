"""One morning sent through a real SMTP server (aiosmtpd) started in the test."""

import email
import socket
from email import policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from django.core.management import call_command

from reminders.models import SentEmail

from .conftest import T


class Inbox(Message):
    def __init__(self):
        super().__init__()
        self.messages = []

    def handle_message(self, message):
        self.messages.append(message)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, inbox
    finally:
        controller.stop()


def test_the_reminders_arrive_through_a_real_smtp_server(morning, clock, settings, smtp_server):
    controller, inbox = smtp_server
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = controller.hostname
    settings.EMAIL_PORT = controller.port
    settings.EMAIL_USE_TLS = False
    settings.DEFAULT_FROM_EMAIL = "Improvement plan <improvement-plan@example.org>"
    settings.SITE_URL = "https://improve.example.org"
    with clock(T, hour=7):
        call_command("send_reminders", "--date", T.isoformat())
    received = {m["To"]: m for m in inbox.messages}
    assert sorted(received) == [
        "ada@example.org",
        "lee@example.org",
        "mo@example.org",
        "nat@example.org",
    ]
    raw = received["mo@example.org"].as_bytes()
    parsed = email.message_from_bytes(raw, policy=policy.default)
    assert parsed["Subject"] == (
        "Improvement plan: 1 milestone overdue, 1 due soon, 1 progress update due"
    )
    assert parsed["From"] == "Improvement plan <improvement-plan@example.org>"
    text = parsed.get_body(("plain",)).get_content()
    page = parsed.get_body(("html",)).get_content()
    objective = morning.objectives["1.1"]
    assert f"https://improve.example.org/objectives/{objective.pk}/" in text
    assert "Recruit ten social workers" in text and "Recruit ten social workers" in page
    assert SentEmail.objects.filter(status="sent").count() == 4
