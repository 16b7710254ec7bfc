"""Email delivery, eagerly: once per key, retried on transient failures, given up on permanent ones."""

import logging
import smtplib

import pytest
from anymail.exceptions import AnymailAPIError, AnymailInvalidAddress, AnymailRecipientsRefused
from django.core import mail
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from core.mail import (
    _delivery_key,
    email_deliver_once,
    email_failure_is_transient,
    email_send,
    email_send_rendered,
    email_was_sent,
)
from core.tasks import TransientError

RECEIVER = "sam.student@example.com"
RECEIPT = {
    "user_name": "Sam Student",
    "course_title": "Part 107 Remote Pilot Exam Prep",
    "amount": "499.00",
    "currency": "USD",
    "paid_at": "November 26, 2026",
    "receipt_number": "BDS-000042",
    "dashboard_url": "https://bds.example/dashboard/",
}


def send_receipt(to="sam.student@example.com", **options):
    email_send(template="payment_receipt", to=[to], context=RECEIPT, **options)


@pytest.mark.django_db
def test_email_is_queued_after_commit_and_goes_to_the_recipient_with_reply_to(
    django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_REPLY_TO = "help@bostondroneschool.test"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        send_receipt()
        assert mail.outbox == []  # nothing leaves before the transaction commits
    assert len(callbacks) == 1
    [message] = mail.outbox
    assert message.to == ["sam.student@example.com"]
    assert message.reply_to == ["help@bostondroneschool.test"]
    assert message.from_email == settings.EMAIL_FROM_ADDRESS
    assert message.subject == "Your receipt for Part 107 Remote Pilot Exam Prep"
    assert "BDS-000042" in message.body
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    assert "499.00 USD" in html


@pytest.mark.django_db
def test_an_email_rolled_back_with_its_transaction_is_never_sent(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        send_receipt()
    # The callbacks were never run: that is what a rollback does.
    assert len(callbacks) == 1
    assert mail.outbox == []


@pytest.mark.django_db
def test_the_same_idempotency_key_sends_once(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_receipt(idempotency_key="receipt:payment:42")
        send_receipt(idempotency_key="receipt:payment:42")
    with django_capture_on_commit_callbacks(execute=True):
        send_receipt(idempotency_key="receipt:payment:42")
    assert len(mail.outbox) == 1
    assert email_was_sent(template="payment_receipt", to=[RECEIVER], idempotency_key="receipt:payment:42")


@pytest.mark.django_db
def test_another_key_or_another_recipient_is_another_email(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        send_receipt(idempotency_key="receipt:payment:42")
        send_receipt(idempotency_key="receipt:payment:43")
        send_receipt(to="olive.outsider@example.com", idempotency_key="receipt:payment:42")
        # Without a key each call is its own email (the task id keys retries of one call).
        send_receipt()
        send_receipt()
    assert [message.to for message in mail.outbox] == [
        ["sam.student@example.com"],
        ["sam.student@example.com"],
        ["olive.outsider@example.com"],
        ["sam.student@example.com"],
        ["sam.student@example.com"],
    ]


@pytest.mark.django_db
def test_a_delivery_in_progress_elsewhere_is_not_doubled_but_retried():
    key = _delivery_key(template="payment_receipt", to=["sam.student@example.com"], idempotency_key="k1")
    cache.add(f"{key}:sending", "1", timeout=60)
    with pytest.raises(TransientError, match="being sent by another worker"):
        email_deliver_once(
            template="payment_receipt", to=["sam.student@example.com"], context=RECEIPT, idempotency_key="k1"
        )
    assert mail.outbox == []


@pytest.mark.django_db
def test_a_transient_smtp_failure_is_retried_until_it_goes_through(
    smtp_server, smtp_mailers, django_capture_on_commit_callbacks
):
    smtp_server.refuse_next = 2  # "451 try again later", twice
    with override_settings(MAILERS=smtp_mailers), django_capture_on_commit_callbacks(execute=True):
        send_receipt(idempotency_key="receipt:payment:42")
    assert smtp_server.attempts == 3
    [message] = smtp_server.messages
    assert message["Subject"] == "Your receipt for Part 107 Remote Pilot Exam Prep"
    assert email_was_sent(template="payment_receipt", to=[RECEIVER], idempotency_key="receipt:payment:42")


@pytest.mark.django_db
def test_retries_stop_at_the_cap_and_the_failure_is_logged(
    smtp_server, smtp_mailers, settings, caplog, django_capture_on_commit_callbacks
):
    settings.TASK_MAX_RETRIES = 2
    smtp_server.refuse_next = 10
    with (
        override_settings(MAILERS=smtp_mailers),
        caplog.at_level(logging.WARNING, logger="bds.tasks"),
        pytest.raises(TransientError, match="451"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        send_receipt(idempotency_key="receipt:payment:42")
    assert smtp_server.attempts == 3  # the first try and two retries
    assert smtp_server.messages == []
    retries = [record for record in caplog.records if "will retry" in record.getMessage()]
    assert len(retries) == 2
    [failure] = [record for record in caplog.records if record.levelno == logging.ERROR]
    assert "bds.tasks.deliver_email" in failure.getMessage()
    # The lock is released, so a later attempt (or a staff resend) can still deliver it.
    assert not email_was_sent(
        template="payment_receipt", to=["sam.student@example.com"], idempotency_key="receipt:payment:42"
    )


@pytest.mark.django_db
def test_a_refused_address_is_not_retried_but_logged_and_reported(
    smtp_server, smtp_mailers, caplog, monkeypatch, django_capture_on_commit_callbacks
):
    reported = []
    monkeypatch.setattr("core.tasks.sentry_sdk.capture_exception", reported.append)
    context = RECEIPT | {"reset_url": "https://bds.example/reset/secret-token/"}
    with (
        override_settings(MAILERS=smtp_mailers),
        caplog.at_level(logging.ERROR, logger="bds.tasks"),
        django_capture_on_commit_callbacks(execute=True),
    ):
        email_send(template="payment_receipt", to=["nobody@example.com"], context=context, idempotency_key="r:1")
    assert smtp_server.attempts == 0  # refused at RCPT, before any data
    [record] = caplog.records
    logged = record.getMessage()
    assert "failed permanently, not retried" in logged
    assert "SMTPRecipientsRefused" in logged
    assert "n***@example.com" in logged  # the address, masked
    assert "nobody@example.com" not in logged
    assert "secret-token" not in logged  # the context is reduced to its keys
    assert "reset_url" in logged
    [error] = reported
    assert isinstance(error.__cause__, smtplib.SMTPRecipientsRefused)


@pytest.mark.django_db
def test_marketing_like_mail_skips_undeliverable_addresses_but_receipts_still_go(
    student, django_capture_on_commit_callbacks
):
    student.email_undeliverable_at = timezone.now()
    student.save(update_fields=["email_undeliverable_at"])
    with django_capture_on_commit_callbacks(execute=True):
        send_receipt(to=student.email.upper(), transactional=False)
        send_receipt(to=student.email, transactional=True)
    assert [message.to for message in mail.outbox] == [[student.email]]


@pytest.mark.django_db
def test_an_email_rendered_elsewhere_is_queued_and_sent_once(django_capture_on_commit_callbacks):
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            email_send_rendered(
                label="account_confirmation",
                to=["sam.student@example.com"],
                subject="Please confirm your email address",
                text="Confirm: https://bds.example/accounts/confirm-email/abc/",
                html="<p>Confirm</p>",
                idempotency_key="confirm:abc",
            )
    [message] = mail.outbox
    assert message.subject == "Please confirm your email address"
    assert message.alternatives[0][0] == "<p>Confirm</p>"


class _Response:
    def __init__(self, status_code):
        self.status_code = status_code
        self.text = ""


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (smtplib.SMTPDataError(451, b"try again later"), True),
        (smtplib.SMTPDataError(554, b"rejected as spam"), False),
        (smtplib.SMTPRecipientsRefused({"a@example.com": (450, b"greylisted")}), True),
        (smtplib.SMTPRecipientsRefused({"a@example.com": (550, b"no such user")}), False),
        (smtplib.SMTPServerDisconnected("gone"), True),
        (smtplib.SMTPAuthenticationError(535, b"bad credentials"), False),
        (ConnectionRefusedError(), True),
        (TimeoutError(), True),
        (AnymailAPIError("provider down", status_code=503), True),
        (AnymailAPIError("slow down", status_code=429), True),
        (AnymailAPIError("no answer"), True),
        (AnymailAPIError("bad request", status_code=422), False),
        (AnymailRecipientsRefused("all refused"), False),
        (AnymailInvalidAddress("not an address"), False),
        (KeyError("a bug"), None),
    ],
)
def test_failures_are_classified_as_transient_or_permanent(error, transient):
    assert email_failure_is_transient(error) is transient


@pytest.mark.django_db
def test_a_redelivered_task_takes_over_the_lock_its_dead_earlier_run_left():
    key = _delivery_key(template="payment_receipt", to=[RECEIVER], idempotency_key="k2")
    cache.add(f"{key}:sending", "task-123", timeout=60)  # a worker was killed mid-send
    with pytest.raises(TransientError):
        email_deliver_once(
            template="payment_receipt", to=[RECEIVER], context=RECEIPT, idempotency_key="k2", attempt_id="task-999"
        )
    assert email_deliver_once(
        template="payment_receipt", to=[RECEIVER], context=RECEIPT, idempotency_key="k2", attempt_id="task-123"
    )
    assert len(mail.outbox) == 1
    assert cache.get(f"{key}:sending") is None


def test_a_context_the_queue_cannot_carry_fails_at_the_call_not_later_in_the_worker(student):
    with pytest.raises(TypeError, match="JSON-serialisable"):
        email_send(template="payment_receipt", to=[RECEIVER], context=RECEIPT | {"user": student})
    assert mail.outbox == []
