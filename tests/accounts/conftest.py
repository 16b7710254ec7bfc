"""Helpers for the account flows: sign-up, reading links out of the mail outbox, TOTP codes."""

import re

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value, yield_hotp_counters_from_time
from django.core import mail
from django.urls import reverse

STRONG_PASSWORD = "Flight-plan-over-Charles-2031"


def last_link(message, path_contains: str) -> str:
    """The site-relative path of the first link in `message` (text body) whose URL contains `path_contains`."""
    for url in re.findall(r"https?://[^\s\"'<>]+", message.body):
        if path_contains in url:
            return re.sub(r"^https?://[^/]+", "", url)
    raise AssertionError(f"no link containing {path_contains!r} in:\n{message.body}")


def totp_code(secret: str) -> str:
    """The current code an authenticator app would show for `secret` (RFC 6238, as allauth checks)."""
    counter = next(iter(yield_hotp_counters_from_time()))
    return format_hotp_value(hotp_value(secret, counter))


@pytest.fixture
def mailbox(django_capture_on_commit_callbacks):
    """Run a block so that emails queued after commit are delivered; returns mail.outbox."""

    class _Mailbox:
        outbox = mail.outbox

        def __call__(self):
            return django_capture_on_commit_callbacks(execute=True)

    return _Mailbox()


@pytest.fixture
def signup(client, mailbox):
    def _signup(email="new.pilot@example.com", full_name="Nova Pilot", password=STRONG_PASSWORD, **extra):
        with mailbox():
            return client.post(
                reverse("account_signup"),
                {"email": email, "full_name": full_name, "password1": password, "password2": password, **extra},
            )

    return _signup


@pytest.fixture
def verified_student(student):
    EmailAddress.objects.create(user=student, email=student.email, verified=True, primary=True)
    return student
