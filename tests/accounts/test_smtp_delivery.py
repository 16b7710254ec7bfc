"""A confirmation email all the way over SMTP to a real server on 127.0.0.1 (aiosmtpd)."""

import socket
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from django.test import override_settings
from django.urls import reverse

pytestmark = pytest.mark.django_db


class Recorder:
    def __init__(self):
        self.envelopes = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 (aiosmtpd's hook name)
        self.envelopes.append(envelope)
        return "250 OK"


@pytest.fixture
def smtp_server():
    # aiosmtpd cannot bind port 0, so ask the OS for a free port first.
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    recorder = Recorder()
    controller = Controller(recorder, hostname="127.0.0.1", port=port)
    controller.start()
    yield recorder, port
    controller.stop()


def test_signup_confirmation_arrives_over_smtp_from_the_school_with_reply_to(
    client, settings, smtp_server, django_capture_on_commit_callbacks
):
    recorder, port = smtp_server
    settings.EMAIL_REPLY_TO = "office@bostondroneschool.test"
    mailers = {
        "default": {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {"host": "127.0.0.1", "port": port, "use_tls": False, "timeout": 10},
        }
    }
    password = "Flight-plan-over-Charles-2031"
    with override_settings(MAILERS=mailers), django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("account_signup"),
            {"email": "nova@example.com", "full_name": "Nova Pilot", "password1": password, "password2": password},
        )

    [envelope] = recorder.envelopes
    assert envelope.rcpt_tos == ["nova@example.com"]
    assert envelope.mail_from == "hello@bostondroneschool.test"
    message = message_from_bytes(envelope.original_content)
    assert message["From"] == settings.EMAIL_FROM_ADDRESS
    assert message["Reply-To"] == "office@bostondroneschool.test"
    assert message["Subject"] == "Boston Drone School: Welcome! Please confirm your email address"
    parts = {p.get_content_type(): p.get_payload(decode=True).decode() for p in message.walk() if not p.is_multipart()}
    assert "/accounts/confirm-email/" in parts["text/plain"]
    assert "Confirm my email address" in parts["text/html"]
