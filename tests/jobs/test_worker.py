"""Email through a real Celery worker on Redis (started by the celery_worker fixture; skipped without Redis)."""

import time

import pytest
from django.utils import timezone

from backoffice.emails_catalog import EMAILS
from core.mail import email_send, email_was_sent

pytestmark = pytest.mark.redis


def test_the_worker_delivers_a_queued_email_after_a_transient_failure(celery_worker, smtp_server):
    smtp_server.refuse_next = 1  # the first attempt meets "451 try again later"
    email_send(
        template="payment_receipt",
        to=["sam.student@example.com"],
        context=EMAILS["payment_receipt"].context(),
        idempotency_key="receipt:payment:42",
    )
    [message] = smtp_server.wait_for(1)
    assert message["Subject"] == "Your receipt for Part 107 Remote Pilot Exam Prep"
    assert smtp_server.attempts == 2
    log = celery_worker.log_path.read_text()
    assert "will retry (retry 1 of 8)" in log
    assert "451" in log
    # The worker writes the "sent" marker just after the SMTP server has the message: the message
    # can arrive here first (a clean-clone CI run on 2026-12-04 saw it), so wait for the marker.
    assert _sent_marker_written(
        template="payment_receipt", to=["sam.student@example.com"], idempotency_key="receipt:payment:42"
    )


def _sent_marker_written(*, deadline_seconds: float = 30, **delivery) -> bool:
    give_up_at = time.monotonic() + deadline_seconds
    while not email_was_sent(**delivery):
        if time.monotonic() > give_up_at:
            return False
        time.sleep(0.05)
    return True


def test_the_worker_sends_a_key_once_and_skips_bounced_addresses_for_optional_mail(celery_worker, smtp_server, student):
    student.email_undeliverable_at = timezone.now()
    student.save(update_fields=["email_undeliverable_at"])  # committed: the worker reads it
    receipt = EMAILS["payment_receipt"]
    email_send(template="payment_receipt", to=["olive@example.com"], context=receipt.context(), idempotency_key="r:7")
    email_send(template="payment_receipt", to=["olive@example.com"], context=receipt.context(), idempotency_key="r:7")
    reminder = EMAILS["flight_reminder"]
    email_send(template="flight_reminder", to=[student.email], context=reminder.context(), transactional=False)
    # The solo worker takes tasks in order: once this last one arrives, the ones before it were handled.
    booked = EMAILS["flight_booked"]
    email_send(template="flight_booked", to=[student.email], context=booked.context())
    messages = smtp_server.wait_for(2)
    assert [(message["To"], message["Subject"]) for message in messages] == [
        ("olive@example.com", "Your receipt for Part 107 Remote Pilot Exam Prep"),
        (student.email, "Seat booked: Part 107 Flight Practical"),
    ]
    assert "already sent; skipped" in celery_worker.log_path.read_text()


def test_a_worker_killed_mid_send_loses_no_email_and_duplicates_none(start_celery_worker, smtp_server):
    first = start_celery_worker()
    smtp_server.hold = True  # the first attempt stays "in flight" at the SMTP server
    receipt = EMAILS["payment_receipt"]
    email_send(template="payment_receipt", to=["sam@example.com"], context=receipt.context(), idempotency_key="r:9")
    assert smtp_server.holding.wait(timeout=90), "the worker never started sending"
    first.kill()  # SIGKILL by its own PID: no warm shutdown, the message stays unacknowledged
    first.wait()
    second = start_celery_worker()
    # The unacknowledged message comes back after the visibility timeout and the second worker sends it.
    [message] = smtp_server.wait_for(1)
    assert message["To"] == "sam@example.com"
    # Once a later email arrives, the queue before it is drained: still one receipt.
    booked = EMAILS["flight_booked"]
    email_send(template="flight_booked", to=["sam@example.com"], context=booked.context())
    messages = smtp_server.wait_for(2)
    assert [message["Subject"] for message in messages] == [
        "Your receipt for Part 107 Remote Pilot Exam Prep",
        "Seat booked: Part 107 Flight Practical",
    ]
    assert "died while sending; sending again" in second.log_path.read_text()
