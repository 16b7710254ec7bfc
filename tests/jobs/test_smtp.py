"""One email all the way over SMTP to a real server on 127.0.0.1 (aiosmtpd), through the smtp provider."""

import pytest
from django.test import override_settings

from backoffice.emails_catalog import EMAILS
from core.mail import email_send


@pytest.mark.django_db
def test_a_receipt_arrives_over_smtp_with_text_and_html_parts(
    smtp_server, smtp_mailers, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_REPLY_TO = "help@bostondroneschool.test"
    context = EMAILS["payment_receipt"].context()
    with override_settings(MAILERS=smtp_mailers), django_capture_on_commit_callbacks(execute=True):
        email_send(template="payment_receipt", to=["sam.student@example.com"], context=context, idempotency_key="r:42")
    [envelope] = smtp_server.envelopes
    assert envelope.rcpt_tos == ["sam.student@example.com"]
    assert envelope.mail_from == "hello@bostondroneschool.test"
    [message] = smtp_server.messages
    assert message["Subject"] == "Your receipt for Part 107 Remote Pilot Exam Prep"
    assert message["To"] == "sam.student@example.com"
    assert message["Reply-To"] == "help@bostondroneschool.test"
    assert message["From"] == settings.EMAIL_FROM_ADDRESS
    parts = {
        part.get_content_type(): part.get_payload(decode=True).decode()
        for part in message.walk()
        if not part.is_multipart()
    }
    assert "BDS-000042" in parts["text/plain"]
    assert "499.00 USD" in parts["text/html"]
    assert settings.SCHOOL_POSTAL_ADDRESS in parts["text/html"]
