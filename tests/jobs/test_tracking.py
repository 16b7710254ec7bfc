"""The provider's tracking webhook (Postmark here, through Anymail) flags addresses that bounce or complain."""

import base64
import datetime as dt
import json

import pytest
from django.core import mail

from core.mail import email_send

pytestmark = pytest.mark.django_db

WEBHOOK = "/anymail/postmark/tracking/"
SECRET = "anymail-hook:4f1c9e0b7a2d"


@pytest.fixture(autouse=True)
def _webhook_secret(settings):
    settings.ANYMAIL = {"WEBHOOK_SECRET": SECRET}


def auth(secret=SECRET) -> dict:
    return {"HTTP_AUTHORIZATION": "Basic " + base64.b64encode(secret.encode()).decode()}


def postmark_bounce(email: str, *, kind: str = "HardBounce") -> dict:
    # Shaped like Postmark's documented bounce webhook body.
    return {
        "RecordType": "Bounce",
        "MessageStream": "outbound",
        "ID": 4323372036854775807,
        "Type": kind,
        "TypeCode": 1,
        "Name": "Hard bounce",
        "Tag": "payment_receipt",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Metadata": {"template": "payment_receipt"},
        "ServerID": 23,
        "Description": "The server was unable to deliver your message (ex: unknown user, mailbox not found).",
        "Details": "smtp;550 5.1.1 The email account that you tried to reach does not exist.",
        "Email": email,
        "From": "hello@bostondroneschool.test",
        "BouncedAt": "2026-11-20T16:33:54.9070259Z",
        "DumpAvailable": True,
        "Inactive": True,
        "CanActivate": True,
        "Subject": "Your receipt for Part 107 Remote Pilot Exam Prep",
    }


def post(client, payload, **headers):
    return client.post(WEBHOOK, data=json.dumps(payload), content_type="application/json", **headers)


def test_a_hard_bounce_marks_the_user_undeliverable(client, student, outsider):
    response = post(client, postmark_bounce(student.email.upper()), **auth())
    assert response.status_code == 200
    student.refresh_from_db()
    outsider.refresh_from_db()
    assert student.email_undeliverable_at == dt.datetime(2026, 11, 20, 16, 33, 54, 907025, tzinfo=dt.UTC)
    assert outsider.email_undeliverable_at is None


def test_a_spam_complaint_marks_the_user_undeliverable(client, student):
    payload = {
        "RecordType": "SpamComplaint",
        "MessageStream": "outbound",
        "ID": 42,
        "Type": "SpamComplaint",
        "TypeCode": 512,
        "MessageID": "00000000-0000-0000-0000-000000000000",
        "Email": student.email,
        "From": "hello@bostondroneschool.test",
        "BouncedAt": "2026-11-21T09:00:00Z",
        "Subject": "Reminder: your flight session",
    }
    assert post(client, payload, **auth()).status_code == 200
    student.refresh_from_db()
    assert student.email_undeliverable_at is not None


def test_a_delivery_event_changes_nothing(client, student):
    payload = {
        "RecordType": "Delivery",
        "MessageStream": "outbound",
        "MessageID": "883953f4-6105-42a2-a16a-77a8eac79483",
        "Recipient": student.email,
        "DeliveredAt": "2026-11-20T16:33:54Z",
        "Details": "Test delivery webhook details",
        "Tag": "payment_receipt",
        "ServerID": 23,
        "Metadata": {},
    }
    assert post(client, payload, **auth()).status_code == 200
    student.refresh_from_db()
    assert student.email_undeliverable_at is None


def test_the_first_report_is_kept(client, student):
    post(client, postmark_bounce(student.email), **auth())
    later = postmark_bounce(student.email) | {"BouncedAt": "2026-11-25T10:00:00Z"}
    post(client, later, **auth())
    student.refresh_from_db()
    assert student.email_undeliverable_at.date() == dt.date(2026, 11, 20)


@pytest.mark.parametrize("headers", [{}, auth("anymail-hook:wrong")])
def test_a_post_without_the_secret_is_refused_and_changes_nothing(client, student, headers):
    response = post(client, postmark_bounce(student.email), **headers)
    assert response.status_code == 400
    student.refresh_from_db()
    assert student.email_undeliverable_at is None


def test_after_a_bounce_only_transactional_mail_is_sent(client, student, django_capture_on_commit_callbacks):
    post(client, postmark_bounce(student.email), **auth())
    context = {
        "user_name": "Sam Student",
        "course_title": "Part 107 Flight Practical",
        "session_when": "Saturday",
        "location": "Castle Island",
        "session_url": "https://bds.example/flights/7/",
        "waiver_signed": True,
        "waiver_url": "https://bds.example/flights/7/waiver/",
    }
    with django_capture_on_commit_callbacks(execute=True):
        email_send(template="flight_reminder", to=[student.email], context=context, transactional=False)
        email_send(template="flight_booked", to=[student.email], context=context)
    assert [message.subject for message in mail.outbox] == ["Seat booked: Part 107 Flight Practical"]
