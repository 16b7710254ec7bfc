"""The real path against a Stripe-compatible server: the SDK creates and confirms PaymentIntents on
localstripe, which signs payment_intent.* events and POSTs them to the live test server."""

import pytest
import stripe
from django.core import mail

from enrollments.models import Enrollment
from payments.models import Payment, StripeEvent
from tests.payments.conftest import wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def start_checkout(client, course) -> Payment:
    response = client.post(f"/courses/{course.slug}/enroll/")
    payment = Payment.objects.get()
    assert response["Location"] == f"/payments/checkout/{payment.pk}/"
    return payment


def test_card_payment_activates_only_after_the_webhook(
    stripe_webhooks_live, student_client, verified_student, paid_course
):
    payment = start_checkout(student_client, paid_course)
    intent = stripe.PaymentIntent.retrieve(payment.stripe_payment_intent_id)
    assert (intent.amount, intent.currency, intent.status) == (4900, "usd", "requires_payment_method")
    assert intent.metadata.to_dict() == {
        "payment_id": str(payment.pk),
        "user_id": str(verified_student.pk),
        "course_id": str(paid_course.pk),
    }
    page = student_client.get(f"/payments/checkout/{payment.pk}/").content.decode()
    assert '<script src="https://js.stripe.com/v3/"></script>' in page
    assert f'data-client-secret="{payment.client_secret}"' in page
    assert 'data-publishable-key="pk_test_bds_payments"' in page
    assert "Test mode" not in page
    assert Enrollment.objects.get().status == Enrollment.Status.PENDING

    # What the browser's stripe.confirmPayment does, done server-side.
    stripe.PaymentIntent.modify(payment.stripe_payment_intent_id, payment_method="pm_card_visa")
    stripe.PaymentIntent.confirm(payment.stripe_payment_intent_id)

    wait_until(lambda: Payment.objects.get(pk=payment.pk).status == Payment.Status.SUCCEEDED)
    wait_until(lambda: len(mail.outbox) == 2)
    payment.refresh_from_db()
    assert payment.card_last4 == "4242" and payment.card_brand == "visa"
    assert payment.stripe_charge_id.startswith("ch_")
    enrollment = Enrollment.objects.get()
    assert enrollment.status == Enrollment.Status.ACTIVE and enrollment.grants_access
    # (Events of earlier tests' intents may arrive too: localstripe sends each a second later.)
    event = StripeEvent.objects.get(
        type="payment_intent.succeeded", payload__data__object__id=payment.stripe_payment_intent_id
    )
    assert event.processed_at is not None and event.error == ""
    receipt = next(message for message in mail.outbox if message.subject.startswith("Your receipt"))
    assert receipt.to == [verified_student.email]
    for expected in ("Part 107 Exam Prep", "49.00 USD", "Visa ending 4242", payment.receipt_number):
        assert expected in receipt.body

    page = student_client.get(f"/payments/return/{payment.pk}/?redirect_status=succeeded").content.decode()
    assert "You are enrolled in Part 107 Exam Prep" in page


def test_declined_card_fails_the_payment_without_access(
    stripe_webhooks_live, student_client, verified_student, paid_course
):
    payment = start_checkout(student_client, paid_course)
    stripe.PaymentIntent.modify(payment.stripe_payment_intent_id, payment_method="pm_card_chargeCustomerFail")
    with pytest.raises(stripe.CardError):
        stripe.PaymentIntent.confirm(payment.stripe_payment_intent_id)

    wait_until(lambda: Payment.objects.get(pk=payment.pk).status == Payment.Status.FAILED)
    payment.refresh_from_db()
    assert payment.failure_message
    assert Enrollment.objects.get().status == Enrollment.Status.PENDING
    assert not Enrollment.objects.granting_access().exists()
    assert not [message for message in mail.outbox if "receipt" in message.subject.lower()]
    page = student_client.get(f"/payments/return/{payment.pk}/").content.decode()
    assert "Nothing was charged" in page and "Try again" in page
    # A failed attempt stays the open checkout: trying again reuses the same PaymentIntent.
    again = student_client.post(f"/courses/{paid_course.slug}/enroll/")
    assert again["Location"] == f"/payments/checkout/{payment.pk}/"
    assert Payment.objects.count() == 1
