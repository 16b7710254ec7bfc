"""/payments/confirm with signed events shaped like Stripe's, re-reads served by localstripe."""

import json
import logging
import threading
import time
from datetime import timedelta

import pytest
import stripe
from django.core import mail
from django.db import connection

from enrollments.models import Enrollment
from enrollments.signals import enrollment_revoked
from payments import services
from payments.models import Coupon, Payment, Refund, StripeEvent
from tests.payments import events
from tests.payments.conftest import deliver, sign


def confirm_at_stripe(payment: Payment, card: str = "pm_card_visa") -> str:
    """What the browser does with the Payment Element; returns the charge id."""
    stripe.PaymentIntent.modify(payment.stripe_payment_intent_id, payment_method=card)
    intent = stripe.PaymentIntent.confirm(payment.stripe_payment_intent_id)
    charge = intent.latest_charge
    return charge if isinstance(charge, str) else charge.id


def succeeded_event(payment: Payment, charge_id: str, **kwargs) -> dict:
    return events.event(
        "payment_intent.succeeded",
        events.payment_intent(intent_id=payment.stripe_payment_intent_id, amount=payment.amount, charge_id=charge_id),
        **kwargs,
    )


@pytest.fixture
def open_payment(stripe_online, verified_student, paid_course):
    return services.checkout_start(user=verified_student, course=paid_course)


@pytest.fixture
def paid_payment(client, open_payment, committed):
    charge_id = confirm_at_stripe(open_payment)
    with committed():
        assert deliver(client, succeeded_event(open_payment, charge_id)).status_code == 200
    open_payment.refresh_from_db()
    assert open_payment.status == Payment.Status.SUCCEEDED
    mail.outbox.clear()
    return open_payment


@pytest.fixture
def revocations():
    received = []

    def receiver(sender, enrollment, reason, **kwargs):
        received.append((enrollment.pk, reason))

    enrollment_revoked.connect(receiver)
    yield received
    enrollment_revoked.disconnect(receiver)


# -- the door: signature, size, method ------------------------------------------------------------


def test_bad_signature_is_refused_and_nothing_stored(client, open_payment, caplog):
    charge_id = confirm_at_stripe(open_payment)
    event = succeeded_event(open_payment, charge_id)
    body = json.dumps(event)

    wrong_secret = deliver(client, event, secret="whsec_someone_else")
    tampered = client.post(
        "/payments/confirm",
        data=body.replace('"amount": 4900', '"amount": 1'),
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(body),
    )
    unsigned = client.post("/payments/confirm", data=body, content_type="application/json")

    assert [wrong_secret.status_code, tampered.status_code, unsigned.status_code] == [400, 400, 400]
    assert not StripeEvent.objects.exists()
    open_payment.refresh_from_db()
    assert open_payment.status == Payment.Status.REQUIRES_PAYMENT
    assert "stripe webhook refused" in caplog.text


def test_webhook_refuses_everything_without_a_secret(client, open_payment, settings):
    settings.STRIPE_WEBHOOK_SECRET = ""
    event = events.event("payment_intent.succeeded", events.payment_intent(intent_id="pi_x", amount=4900))
    body = json.dumps(event)
    # Signed with an empty key: must not pass as "verified".
    response = client.post(
        "/payments/confirm", data=body, content_type="application/json", HTTP_STRIPE_SIGNATURE=sign(body, secret="")
    )
    assert response.status_code == 400
    assert not StripeEvent.objects.exists()


def test_oversized_body_is_refused_before_reading(db, client, stripe_online):
    event = events.event("customer.updated", {"id": "cus_1", "object": "customer", "padding": "x" * 70_000})
    response = deliver(client, event)
    assert response.status_code == 413
    assert not StripeEvent.objects.exists()


def test_webhook_is_post_only(db, client, stripe_online):
    assert client.get("/payments/confirm").status_code == 405


def test_unhandled_event_types_are_stored_and_acknowledged(db, client, stripe_online):
    event = events.event("customer.created", {"id": "cus_123", "object": "customer"})
    response = deliver(client, event)
    assert response.status_code == 200
    stored = StripeEvent.objects.get()
    assert (stored.stripe_event_id, stored.type) == (event["id"], "customer.created")
    assert stored.processed_at is not None and stored.error == ""


# -- payment_intent events --------------------------------------------------------------------------


def test_replayed_event_changes_nothing(client, open_payment, committed):
    event = succeeded_event(open_payment, confirm_at_stripe(open_payment))

    with committed():
        first = deliver(client, event)
    with committed():
        again = deliver(client, event)

    assert (first.status_code, again.status_code) == (200, 200)
    assert StripeEvent.objects.count() == 1
    assert Enrollment.objects.get().status == Enrollment.Status.ACTIVE
    assert len([message for message in mail.outbox if message.subject.startswith("Your receipt")]) == 1


def test_same_payment_succeeding_twice_under_new_event_ids_is_applied_once(client, open_payment, committed):
    charge_id = confirm_at_stripe(open_payment)
    with committed():
        deliver(client, succeeded_event(open_payment, charge_id))
        deliver(client, succeeded_event(open_payment, charge_id))
    assert StripeEvent.objects.count() == 2
    assert len([message for message in mail.outbox if message.subject.startswith("Your receipt")]) == 1


def test_stale_succeeded_payload_is_checked_against_stripe(client, open_payment):
    # The event body claims success, but Stripe says the intent was never paid.
    response = deliver(client, succeeded_event(open_payment, "ch_forged"))

    assert response.status_code == 200
    open_payment.refresh_from_db()
    assert open_payment.status == Payment.Status.REQUIRES_PAYMENT
    assert not Enrollment.objects.granting_access().exists()


def test_failed_event_arriving_after_success_does_not_undo_it(client, paid_payment):
    late_failure = events.event(
        "payment_intent.payment_failed",
        events.payment_intent(
            intent_id=paid_payment.stripe_payment_intent_id,
            amount=4900,
            status="requires_payment_method",
            last_payment_error={"code": "card_declined", "message": "Your card was declined."},
        ),
    )
    assert deliver(client, late_failure).status_code == 200
    paid_payment.refresh_from_db()
    assert paid_payment.status == Payment.Status.SUCCEEDED
    assert Enrollment.objects.get().grants_access


def test_amount_mismatch_flags_the_payment_and_gives_no_access(client, student_client, open_payment, committed):
    # Someone changed the amount at Stripe after our Payment fixed it.
    stripe.PaymentIntent.modify(open_payment.stripe_payment_intent_id, amount=100)
    charge_id = confirm_at_stripe(open_payment)

    with committed():
        response = deliver(client, succeeded_event(open_payment, charge_id))

    assert response.status_code == 200
    open_payment.refresh_from_db()
    assert "Stripe received 100 usd, expected 4900 usd" in open_payment.flagged_reason
    assert open_payment.status != Payment.Status.SUCCEEDED
    assert not Enrollment.objects.granting_access().exists()
    assert not mail.outbox
    page = student_client.get(f"/payments/return/{open_payment.pk}/").content.decode()
    assert "Under review" in page


def test_currency_mismatch_flags_the_payment(client, open_payment):
    Payment.objects.filter(pk=open_payment.pk).update(currency="eur")
    open_payment.refresh_from_db()
    charge_id = confirm_at_stripe(open_payment)

    deliver(client, succeeded_event(open_payment, charge_id))

    open_payment.refresh_from_db()
    assert "usd, expected 4900 eur" in open_payment.flagged_reason
    assert not Enrollment.objects.granting_access().exists()


def test_succeeded_for_an_unknown_payment_is_acknowledged_and_logged(db, client, stripe_online, caplog):
    intent = stripe.PaymentIntent.create(amount=2500, currency="usd", payment_method_types=["card"])
    stripe.PaymentIntent.modify(intent.id, payment_method="pm_card_visa")
    stripe.PaymentIntent.confirm(intent.id)

    with caplog.at_level(logging.WARNING, logger="payments.services"):
        response = deliver(
            client, events.event("payment_intent.succeeded", events.payment_intent(intent_id=intent.id, amount=2500))
        )

    assert response.status_code == 200
    assert f"payment_intent.succeeded for an unknown payment intent={intent.id}" in caplog.text
    assert StripeEvent.objects.get().processed_at is not None
    assert not Payment.objects.exists()


def test_unexpected_error_answers_500_and_keeps_the_error(db, client, stripe_online):
    # Stripe does not know this intent: re-reading it fails, so processing cannot finish.
    event = events.event("payment_intent.succeeded", events.payment_intent(intent_id="pi_missing123", amount=100))

    response = deliver(client, event)

    assert response.status_code == 500
    stored = StripeEvent.objects.get()
    assert stored.processed_at is None
    assert stored.attempts == 1
    assert "InvalidRequestError" in stored.error
    # Stripe retries the delivery: the stored event is processed again, not duplicated.
    assert deliver(client, event).status_code == 500
    stored.refresh_from_db()
    assert (StripeEvent.objects.count(), stored.attempts) == (1, 2)


# -- refunds -----------------------------------------------------------------------------------------


def test_two_partial_refunds_then_a_full_one(client, paid_payment, staff, committed, revocations):
    intent_id, charge_id = paid_payment.stripe_payment_intent_id, paid_payment.stripe_charge_id

    # 1. Staff refund $10 from our admin.
    with committed():
        first = services.payment_refund(payment=paid_payment, amount=1000, reason="Missed a module", requested_by=staff)
    assert (first.status, first.requested_by, first.reason) == (Refund.Status.SUCCEEDED, staff, "Missed a module")
    paid_payment.refresh_from_db()
    assert (paid_payment.status, paid_payment.amount_refunded) == (Payment.Status.PARTIALLY_REFUNDED, 1000)
    # Stripe's charge.refunded for it changes nothing.
    with committed():
        echo = events.event(
            "charge.refunded",
            events.charge_refunded(charge_id=charge_id, intent_id=intent_id, amount=4900, amount_refunded=1000),
        )
        assert deliver(client, echo).status_code == 200

    # 2. Someone refunds $15 in Stripe's dashboard.
    dashboard = stripe.Refund.create(payment_intent=intent_id, amount=1500)
    with committed():
        refunded = events.event(
            "charge.refunded",
            events.charge_refunded(charge_id=charge_id, intent_id=intent_id, amount=4900, amount_refunded=2500),
        )
        assert deliver(client, refunded).status_code == 200
    paid_payment.refresh_from_db()
    assert (paid_payment.status, paid_payment.amount_refunded) == (Payment.Status.PARTIALLY_REFUNDED, 2500)
    from_dashboard = Refund.objects.get(stripe_refund_id=dashboard.id)
    assert (from_dashboard.amount, from_dashboard.requested_by) == (1500, None)
    assert Enrollment.objects.get().grants_access

    # 3. The rest, in the dashboard too; this time Stripe's refund.updated arrives first.
    rest = stripe.Refund.create(payment_intent=intent_id, amount=2400)
    with committed():
        update = events.event(
            "refund.updated", events.refund(refund_id=rest.id, charge_id=charge_id, intent_id=intent_id, amount=2400)
        )
        assert deliver(client, update).status_code == 200
    with committed():
        late = events.event(
            "charge.refunded",
            events.charge_refunded(charge_id=charge_id, intent_id=intent_id, amount=4900, amount_refunded=4900),
        )
        assert deliver(client, late).status_code == 200

    paid_payment.refresh_from_db()
    assert (paid_payment.status, paid_payment.amount_refunded) == (Payment.Status.REFUNDED, 4900)
    assert sorted(Refund.objects.values_list("amount", flat=True)) == [1000, 1500, 2400]
    enrollment = Enrollment.objects.get()
    assert enrollment.status == Enrollment.Status.REFUNDED and not enrollment.grants_access
    assert revocations == [(enrollment.pk, f"payment {paid_payment.pk} refunded")]
    refund_emails = [message for message in mail.outbox if message.subject.startswith("Refund of")]
    assert [message.subject for message in refund_emails] == [
        "Refund of 10.00 USD for Part 107 Exam Prep",
        "Refund of 15.00 USD for Part 107 Exam Prep",
        "Refund of 24.00 USD for Part 107 Exam Prep",
    ]
    assert "your access to Part 107 Exam Prep has ended" in refund_emails[-1].body
    assert "stays active" in refund_emails[0].body


def test_refund_more_than_paid_is_refused(paid_payment, staff):
    with pytest.raises(services.RefundError):
        services.payment_refund(payment=paid_payment, amount=4901, reason="", requested_by=staff)
    assert not Refund.objects.exists()


# -- disputes ----------------------------------------------------------------------------------------


def dispute_event(payment: Payment, event_type: str, status: str, dispute_id: str = "dp_1Test") -> dict:
    return events.event(
        event_type,
        events.dispute(
            dispute_id=dispute_id,
            charge_id=payment.stripe_charge_id,
            intent_id=payment.stripe_payment_intent_id,
            amount=payment.amount,
            status=status,
        ),
    )


def test_dispute_suspends_access_until_won(client, paid_payment, committed, revocations):
    with committed():
        assert (
            deliver(client, dispute_event(paid_payment, "charge.dispute.created", "needs_response")).status_code == 200
        )

    paid_payment.refresh_from_db()
    assert paid_payment.status == Payment.Status.DISPUTED
    enrollment = Enrollment.objects.get()
    assert enrollment.status == Enrollment.Status.ACTIVE and enrollment.is_suspended
    assert not enrollment.grants_access
    assert not Enrollment.objects.granting_access().exists()
    assert [message.subject for message in mail.outbox] == ["Your payment for Part 107 Exam Prep is disputed"]

    with committed():
        assert deliver(client, dispute_event(paid_payment, "charge.dispute.closed", "won")).status_code == 200

    paid_payment.refresh_from_db()
    assert (paid_payment.status, paid_payment.dispute_status) == (Payment.Status.SUCCEEDED, "won")
    assert Enrollment.objects.granting_access().get().pk == enrollment.pk
    assert revocations == []


def test_dispute_closed_before_created_keeps_the_outcome(client, paid_payment):
    deliver(client, dispute_event(paid_payment, "charge.dispute.closed", "won"))
    deliver(client, dispute_event(paid_payment, "charge.dispute.created", "needs_response"))

    paid_payment.refresh_from_db()
    assert (paid_payment.status, paid_payment.dispute_status) == (Payment.Status.SUCCEEDED, "won")
    assert Enrollment.objects.get().grants_access


def test_lost_dispute_revokes_the_enrollment(client, paid_payment, committed, revocations):
    with committed():
        deliver(client, dispute_event(paid_payment, "charge.dispute.created", "needs_response"))
        deliver(client, dispute_event(paid_payment, "charge.dispute.closed", "lost"))

    enrollment = Enrollment.objects.get()
    assert enrollment.status == Enrollment.Status.REVOKED
    assert revocations == [(enrollment.pk, "card dispute dp_1Test lost")]


# -- concurrency (PostgreSQL row locks) --------------------------------------------------------------


def run_at_once(*calls):
    """Start every call at the same moment in its own thread (own database connection)."""
    barrier = threading.Barrier(len(calls))
    results, errors = [None] * len(calls), []

    def worker(index, call):
        try:
            barrier.wait()
            results[index] = call()
        except Exception as error:  # noqa: BLE001 - reported to the test below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(index, call)) for index, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return results


def require_postgres():
    if connection.vendor != "postgresql":
        pytest.skip("needs PostgreSQL row locks")


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_same_event_delivered_twice_at_once(stripe_online, verified_student, paid_course):
    require_postgres()
    from django.test import Client

    payment = services.checkout_start(user=verified_student, course=paid_course)
    event = succeeded_event(payment, confirm_at_stripe(payment))

    responses = run_at_once(lambda: deliver(Client(), event), lambda: deliver(Client(), event))

    assert [response.status_code for response in responses] == [200, 200]
    assert StripeEvent.objects.count() == 1
    assert Enrollment.objects.filter(status=Enrollment.Status.ACTIVE).count() == 1
    assert len([message for message in mail.outbox if message.subject.startswith("Your receipt")]) == 1


def test_return_page_reads_stripe_when_the_webhook_is_late(client, student_client, open_payment, committed):
    charge_id = confirm_at_stripe(open_payment)

    with committed():
        page = student_client.get(f"/payments/return/{open_payment.pk}/?redirect_status=succeeded").content.decode()

    assert "You are enrolled in Part 107 Exam Prep" in page
    open_payment.refresh_from_db()
    assert open_payment.status == Payment.Status.SUCCEEDED
    with committed():
        assert deliver(client, succeeded_event(open_payment, charge_id)).status_code == 200  # the late webhook
    assert len([message for message in mail.outbox if message.subject.startswith("Your receipt")]) == 1


def test_return_page_while_the_payment_is_not_confirmed_yet(student_client, open_payment):
    page = student_client.get(f"/payments/return/{open_payment.pk}/?redirect_status=succeeded").content.decode()
    assert "Your payment is being confirmed" in page
    assert '<meta http-equiv="refresh" content="5">' in page


def test_reused_checkout_keeps_one_intent_and_a_replaced_one_is_canceled_at_stripe(
    open_payment, verified_student, paid_course
):
    again = services.checkout_start(user=verified_student, course=paid_course)
    assert (again.pk, again.stripe_payment_intent_id) == (open_payment.pk, open_payment.stripe_payment_intent_id)

    Coupon.objects.create(code="HALF", percent_off=50)
    discounted = services.checkout_start(user=verified_student, course=paid_course, coupon_code="half")

    assert discounted.pk != open_payment.pk
    assert stripe.PaymentIntent.retrieve(discounted.stripe_payment_intent_id).amount == 2450
    # The full-price intent can no longer be paid.
    assert stripe.PaymentIntent.retrieve(open_payment.stripe_payment_intent_id).status == "canceled"
    open_payment.refresh_from_db()
    assert open_payment.status == Payment.Status.CANCELED
    assert list(Payment.objects.open()) == [discounted]


def test_beat_retries_events_that_failed_during_our_outage(client, open_payment, settings, stripe_online):
    from datetime import timedelta

    from payments import tasks
    from tests.payments.conftest import free_port

    event = succeeded_event(open_payment, confirm_at_stripe(open_payment))
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"
    assert deliver(client, event).status_code == 500
    settings.STRIPE_API_BASE = stripe_online

    assert tasks.stripe_events_retry.delay().get() == 0  # too recent: Stripe's own retry comes first
    assert services.stripe_events_retry_failed(older_than=timedelta(0)) == 1

    open_payment.refresh_from_db()
    assert open_payment.status == Payment.Status.SUCCEEDED
    assert StripeEvent.objects.get().processed_at is not None


def test_beat_settles_a_confirmed_payment_no_webhook_reported(open_payment):
    from datetime import timedelta

    confirm_at_stripe(open_payment)

    assert services.payments_reconcile_open(older_than=timedelta(0)) == 1
    assert services.payments_reconcile_open(older_than=timedelta(0)) == 0

    open_payment.refresh_from_db()
    assert open_payment.status == Payment.Status.SUCCEEDED
    assert Enrollment.objects.get().grants_access


# -- signed but unusable bodies: 400, nothing stored, nothing for Stripe or the retry job to repeat --


def deliver_body(client, body: str, *, timestamp: int | None = None):
    return client.post(
        "/payments/confirm",
        data=body,
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=sign(body, timestamp=timestamp),
    )


def refund_object(**fields) -> dict:
    return {"id": "re_1", "object": "refund", "payment_intent": "pi_x", "status": "succeeded", **fields}


UNUSABLE_BODIES = {
    "a JSON array": "[1, 2]",
    "a JSON string": '"evt_1"',
    "not JSON": "{not json",
    "an event id over the column": json.dumps(
        {"id": "evt_" + "x" * 300, "type": "customer.created", "data": {"object": {}}}
    ),
    "an event type over the column": json.dumps({"id": "evt_1", "type": "t" * 101, "data": {"object": {}}}),
    "no type": json.dumps({"id": "evt_1", "data": {"object": {}}}),
    "an id that is a number": json.dumps({"id": 12, "type": "customer.created", "data": {"object": {}}}),
    "no data.object": json.dumps({"id": "evt_1", "type": "payment_intent.succeeded", "data": {}}),
    "data.object a list": json.dumps({"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": []}}),
    "a payment intent without id": json.dumps(
        {"id": "evt_1", "type": "payment_intent.succeeded", "data": {"object": {"amount": 4900}}}
    ),
    "a refund without an amount": json.dumps(
        {"id": "evt_1", "type": "refund.created", "data": {"object": refund_object()}}
    ),
    "a refund with a text amount": json.dumps(
        {"id": "evt_1", "type": "refund.updated", "data": {"object": refund_object(amount="100")}}
    ),
    "a charge whose refunds lack amounts": json.dumps(
        {
            "id": "evt_1",
            "type": "charge.refunded",
            "data": {"object": {"id": "ch_1", "refunds": {"data": [{"id": "re_1"}]}}},
        }
    ),
    "a charge whose refunds are malformed": json.dumps(
        {"id": "evt_1", "type": "charge.refunded", "data": {"object": {"id": "ch_1", "refunds": "all of them"}}}
    ),
}


@pytest.mark.parametrize("body", UNUSABLE_BODIES.values(), ids=UNUSABLE_BODIES.keys())
def test_a_signed_but_unusable_body_is_a_400_and_nothing_is_stored(db, client, stripe_online, body):
    response = deliver_body(client, body)

    assert response.status_code == 400
    assert not StripeEvent.objects.exists()
    assert services.stripe_events_retry_failed(older_than=timedelta(0)) == 0


def test_a_signed_body_older_than_five_minutes_is_refused(db, client, stripe_online):
    body = json.dumps({"id": "evt_old", "type": "customer.created", "data": {"object": {}}})
    assert deliver_body(client, body, timestamp=int(time.time()) - 301).status_code == 400
    assert deliver_body(client, body, timestamp=int(time.time()) - 60).status_code == 200
    assert StripeEvent.objects.count() == 1
