"""Staff money tools: refund page with confirmation, totals, CSV export, event reprocessing."""

import pytest
from allauth.mfa.models import Authenticator
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enrollments.models import Enrollment
from payments import services
from payments.models import Payment, Refund, StripeEvent
from tests.payments.conftest import deliver, free_port, verify_email
from tests.payments.test_webhooks import confirm_at_stripe, succeeded_event


@pytest.fixture
def staff_client(client, staff):
    # The admin asks staff for a second factor first (accounts.middleware).
    Authenticator.objects.get_or_create(
        user=staff, type=Authenticator.Type.TOTP, defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}}
    )
    client.force_login(staff)
    return client


@pytest.fixture
def paid(verified_student, paid_course):
    """A payment made in offline test mode (the refund path is the same service)."""
    payment = services.checkout_start(user=verified_student, course=paid_course)
    return services.checkout_pay_offline(payment=payment)


def refund_url(payment):
    return f"/admin/payments/payment/{payment.pk}/refund/"


def test_partial_refund_needs_a_confirmation_step(staff_client, staff, paid, committed):
    page = staff_client.get(refund_url(paid)).content.decode()
    assert "paid <strong>$49.00</strong>" in page
    token = page.split('name="token" value="')[1].split('"')[0]
    data = {"amount": "10.00", "reason": "Missed the flight day", "token": token}

    review = staff_client.post(refund_url(paid), data).content.decode()

    assert "Refund $10.00 to sam.student@example.com?" in review
    assert "partial refund" in review
    assert not Refund.objects.exists()

    with committed():
        done = staff_client.post(refund_url(paid), {**data, "confirm": "yes"})
        again = staff_client.post(refund_url(paid), {**data, "confirm": "yes"})  # double-submitted

    assert done.status_code == again.status_code == 302
    refund = Refund.objects.get()
    assert (refund.amount, refund.requested_by, refund.reason) == (1000, staff, "Missed the flight day")
    paid.refresh_from_db()
    assert (paid.status, paid.amount_refunded) == (Payment.Status.PARTIALLY_REFUNDED, 1000)
    assert [message.subject for message in mail.outbox] == ["Refund of 10.00 USD for Part 107 Exam Prep"]
    assert Enrollment.objects.get().grants_access


def test_full_refund_from_admin_revokes_access(staff_client, paid):
    token = "fixed-token-for-this-test"
    data = {"amount": "49.00", "reason": "Changed plans", "token": token, "confirm": "yes"}

    staff_client.post(refund_url(paid), data)

    paid.refresh_from_db()
    assert (paid.status, paid.amount_refunded) == (Payment.Status.REFUNDED, 4900)
    assert Enrollment.objects.get().status == Enrollment.Status.REFUNDED


def test_refund_cannot_exceed_what_is_left(staff_client, paid):
    response = staff_client.post(refund_url(paid), {"amount": "49.01", "reason": "x", "token": "t", "confirm": "yes"})
    assert "At most $49.00 can be refunded." in response.content.decode()
    assert not Refund.objects.exists()


def test_refund_page_is_staff_only(client, student, paid):
    client.force_login(student)
    response = client.get(refund_url(paid))
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_changelist_shows_totals_without_per_row_queries(staff_client, paid, outsider, paid_course, free_course):
    services.payment_refund(payment=paid, amount=900, reason="goodwill", requested_by=paid.user)

    with CaptureQueriesContext(connection) as one_row:
        page = staff_client.get("/admin/payments/payment/").content.decode()
    assert "Totals for the payments listed" in page
    assert "$49.00" in page and "$9.00" in page

    verify_email(outsider)
    services.checkout_pay_offline(payment=services.checkout_start(user=outsider, course=paid_course))
    with CaptureQueriesContext(connection) as two_rows:
        staff_client.get("/admin/payments/payment/")
    assert len(two_rows) == len(one_row)


def test_csv_export_streams_every_selected_payment(staff_client, paid, paid_course):
    paid_course.title = "=HYPERLINK(evil)"
    paid_course.save()

    response = staff_client.post("/admin/payments/payment/", {"action": "export_csv", "_selected_action": [paid.pk]})

    assert response.streaming and response["Content-Type"] == "text/csv"
    lines = b"".join(response.streaming_content).decode().splitlines()
    assert lines[0].startswith("id,created_at,succeeded_at,receipt_number,email,course,amount,currency,status")
    assert len(lines) == 2
    assert f"{paid.receipt_number},sam.student@example.com,'=HYPERLINK(evil),49.00,usd,succeeded" in lines[1]


def test_failed_event_can_be_reprocessed_from_admin(
    client, staff_client, stripe_online, settings, verified_student, paid_course
):
    payment = services.checkout_start(user=verified_student, course=paid_course)
    event = succeeded_event(payment, confirm_at_stripe(payment))
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"  # Stripe unreachable for the re-read

    assert deliver(client, event).status_code == 500
    stored = StripeEvent.objects.get()
    assert stored.processed_at is None and "APIConnectionError" in stored.error

    settings.STRIPE_API_BASE = stripe_online
    response = staff_client.post(
        "/admin/payments/stripeevent/", {"action": "reprocess", "_selected_action": [stored.pk]}, follow=True
    )

    assert "Reprocessed 1 event(s); 0 failed." in response.content.decode()
    stored.refresh_from_db()
    assert stored.processed_at is not None and stored.error == ""
    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED


def test_enrollment_admin_revokes_with_a_reason_through_the_service(staff_client, paid):
    enrollment = Enrollment.objects.get()
    url = "/admin/enrollments/enrollment/"
    form = staff_client.post(url, {"action": "revoke_access", "_selected_action": [enrollment.pk]})
    assert "Revoke access for:" in form.content.decode()

    staff_client.post(
        url, {"action": "revoke_access", "_selected_action": [enrollment.pk], "apply": "1", "reason": "Chargeback"}
    )

    enrollment.refresh_from_db()
    assert (enrollment.status, enrollment.ended_reason) == (Enrollment.Status.REVOKED, "Chargeback")


def test_full_refund_frees_the_flight_seat_the_enrollment_held(staff_client, paid, committed):
    from datetime import timedelta

    from django.utils import timezone

    from flights.models import FlightSession, SeatBooking

    starts = timezone.now() + timedelta(days=10)
    session = FlightSession.objects.create(
        course=paid.course,
        starts_at=starts,
        ends_at=starts + timedelta(hours=4),
        location_name="Stow field",
        location_address="1 Airfield Road, Stow, MA",
        capacity=4,
    )
    booking = SeatBooking.objects.create(
        enrollment=paid.enrollment, session=session, status=SeatBooking.Status.BOOKED, booked_at=timezone.now()
    )

    with committed():
        staff_client.post(
            refund_url(paid), {"amount": "49.00", "reason": "Moving away", "token": "seat", "confirm": "yes"}
        )

    booking.refresh_from_db()
    assert booking.status == SeatBooking.Status.CANCELED
    assert booking.cancel_reason == SeatBooking.CancelReason.ENROLLMENT_REVOKED
