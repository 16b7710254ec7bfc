"""Stripe events: record each once, re-read the object it names, apply what Stripe says under the row lock."""

import logging
from dataclasses import dataclass, field
from typing import Any

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import dateformat, timezone

from core.mail import email_send
from enrollments import services as enrollment_services
from payments.models import Payment, StripeEvent
from payments.services.common import amount_decimal, as_dict, is_offline, payment_locked, stripe_configure
from payments.services.coupons import coupon_hold_at_success, coupon_release
from payments.services.disputes import dispute_closed_apply, dispute_created_apply, dispute_fetch
from payments.services.refunds import refunds_apply, refunds_fetch

logger = logging.getLogger(__name__)


# -- events ---------------------------------------------------------------------------------------


def stripe_event_record(*, payload: dict) -> tuple[StripeEvent, bool]:
    """Store a verified event under its unique Stripe id. Returns (event, created).

    A replayed or concurrently delivered event finds the row already there (created is False).
    """
    try:
        with transaction.atomic():
            event = StripeEvent.objects.create(
                stripe_event_id=payload["id"], type=payload.get("type", ""), payload=payload
            )
        logger.info("stripe event received event=%s type=%s", event.stripe_event_id, event.type)
        return event, True
    except IntegrityError:
        event = StripeEvent.objects.get(stripe_event_id=payload["id"])
        logger.info("stripe event replayed event=%s type=%s", event.stripe_event_id, event.type)
        return event, False


def stripe_event_process(*, stripe_event: StripeEvent) -> None:
    """Apply a stored event once. Safe to call again, concurrently, or for any type.

    Reads what it needs from Stripe first (no locks held), then, in one transaction, locks the
    event row (a concurrent delivery waits here and then finds it processed) and the Payment row
    and applies the change. Unknown types are marked processed and ignored. On an unexpected
    error the event keeps the error and the attempt count, and the exception propagates so the
    webhook answers 5xx and Stripe retries.
    """
    if stripe_event.processed_at is not None:
        return
    handler = EVENT_HANDLERS.get(stripe_event.type)
    try:
        facts = handler.fetch(stripe_event.payload["data"]["object"]) if handler else None
        with transaction.atomic():
            event = StripeEvent.objects.select_for_update().get(pk=stripe_event.pk)
            if event.processed_at is not None:
                return
            if handler:
                handler.apply(facts)
            else:
                logger.info("stripe event ignored (unhandled type) event=%s type=%s", event.stripe_event_id, event.type)
            event.processed_at = timezone.now()
            event.attempts = F("attempts") + 1
            event.error = ""
            event.save(update_fields=["processed_at", "attempts", "error"])
    except Exception as error:
        StripeEvent.objects.filter(pk=stripe_event.pk).update(
            error=f"{error.__class__.__name__}: {error}"[:2000], attempts=F("attempts") + 1
        )
        logger.exception("stripe event failed event=%s type=%s", stripe_event.stripe_event_id, stripe_event.type)
        raise
    stripe_event.refresh_from_db()


@dataclass
class IntentFacts:
    intent_id: str
    status: str
    amount: int
    currency: str
    metadata: dict = field(default_factory=dict)
    charge_id: str = ""
    last4: str = ""
    brand: str = ""
    failure_message: str = ""


def _charge_card(charge: dict) -> tuple[str, str]:
    card = (charge.get("payment_method_details") or {}).get("card") or {}
    return card.get("last4") or "", card.get("brand") or ""


def intent_fetch(event_object: dict) -> IntentFacts:
    """What Stripe says about the PaymentIntent now (offline: the event body, which we built)."""
    intent_id = event_object["id"]
    if is_offline():
        # Offline test mode: the event was built by checkout_pay_offline, not received from outside.
        intent = event_object
    else:
        stripe_configure()
        intent = as_dict(stripe.PaymentIntent.retrieve(intent_id, expand=["latest_charge"]))
    charge = intent.get("latest_charge") or {}
    if isinstance(charge, str):  # real Stripe gives an id unless expanded
        charge = as_dict(stripe.Charge.retrieve(charge))
    last4, brand = _charge_card(charge)
    method_id = charge.get("payment_method") or intent.get("payment_method")
    if not last4 and isinstance(method_id, str) and not is_offline():
        # Some Stripe-compatible servers keep card details only on the PaymentMethod.
        card = as_dict(stripe.PaymentMethod.retrieve(method_id)).get("card") or {}
        last4, brand = card.get("last4") or "", card.get("brand") or ""
    error = intent.get("last_payment_error") or {}
    received = intent.get("amount_received")
    return IntentFacts(
        intent_id=intent_id,
        status=intent.get("status") or "",
        amount=int(received if received else intent.get("amount") or 0),
        currency=(intent.get("currency") or "").lower(),
        metadata=intent.get("metadata") or {},
        charge_id=charge.get("id") or "",
        last4=last4,
        brand=brand,
        failure_message=(error.get("message") or "")[:300],
    )


def _receipt_number(payment: Payment) -> str:
    # The school's local date, as the receipt and the dashboard show it.
    return f"BDS-{timezone.localtime():%Y%m%d}-{payment.pk:06d}"


def payment_succeed(*, payment: Payment, charge_id: str, last4: str, brand: str) -> None:
    """Inside a transaction with `payment` locked: mark it paid, activate, queue the emails."""
    now = timezone.now()
    payment.status = Payment.Status.SUCCEEDED
    payment.succeeded_at = now
    payment.stripe_charge_id = charge_id
    payment.card_last4 = last4[-4:]
    payment.card_brand = brand[:20]
    payment.failure_message = ""
    payment.receipt_number = payment.receipt_number or _receipt_number(payment)
    coupon_hold_at_success(payment)
    enrollment = enrollment_services.enrollment_activate(
        user=payment.user, course=payment.course, reason=f"payment {payment.pk}"
    )
    payment.enrollment = enrollment
    payment.save()
    logger.info(
        "payment succeeded payment=%s intent=%s amount=%s currency=%s user=%s course=%s receipt=%s",
        payment.pk,
        payment.stripe_payment_intent_id,
        payment.amount,
        payment.currency,
        payment.user_id,
        payment.course_id,
        payment.receipt_number,
    )
    email_send(
        template="payment_receipt",
        to=[payment.user.email],
        context={
            "user_name": payment.user.get_short_name(),
            "course_title": payment.course.title,
            "amount": amount_decimal(payment.amount),
            "currency": payment.currency.upper(),
            "paid_at": dateformat.format(timezone.localtime(now), "F j, Y, g:i A T"),
            "receipt_number": payment.receipt_number,
            "payment_method": f"{payment.card_brand.title()} ending {payment.card_last4}" if payment.card_last4 else "",
            "dashboard_url": f"{settings.SITE_URL}/dashboard/receipts/{payment.receipt_number}/",
        },
        idempotency_key=f"receipt:payment:{payment.pk}",
    )


def intent_succeeded_apply(facts: IntentFacts) -> None:
    payment = payment_locked(intent_id=facts.intent_id, metadata=facts.metadata)
    if payment is None:
        logger.warning("payment_intent.succeeded for an unknown payment intent=%s", facts.intent_id)
        return
    if payment.status in Payment.PAID_STATUSES or payment.flagged_reason:
        return  # already applied (duplicate, replay) or waiting for staff
    if facts.status != "succeeded":
        logger.info("stale succeeded event: Stripe says %s payment=%s", facts.status, payment.pk)
        return
    if facts.amount != payment.amount or facts.currency != payment.currency:
        payment.flagged_reason = (
            f"Stripe received {facts.amount} {facts.currency}, expected {payment.amount} {payment.currency}."
        )
        payment.save(update_fields=["flagged_reason", "updated_at"])
        logger.error(
            "payment amount mismatch, no access given payment=%s intent=%s expected=%s %s received=%s %s",
            payment.pk,
            facts.intent_id,
            payment.amount,
            payment.currency,
            facts.amount,
            facts.currency,
        )
        return
    # Failed and canceled move forward to succeeded: Stripe says the money arrived.
    payment_succeed(payment=payment, charge_id=facts.charge_id, last4=facts.last4, brand=facts.brand)


def intent_failed_apply(facts: IntentFacts) -> None:
    payment = payment_locked(intent_id=facts.intent_id, metadata=facts.metadata)
    if payment is None:
        logger.warning("payment_intent.payment_failed for an unknown payment intent=%s", facts.intent_id)
        return
    if payment.status not in (Payment.Status.REQUIRES_PAYMENT, Payment.Status.PROCESSING):
        return
    if facts.status in ("succeeded", "processing"):
        return  # stale: a later attempt on the same intent went through
    payment.status = Payment.Status.FAILED
    payment.failure_message = facts.failure_message or "Your card was declined."
    payment.save(update_fields=["status", "failure_message", "updated_at"])
    logger.info("payment failed payment=%s intent=%s reason=%s", payment.pk, facts.intent_id, payment.failure_message)


def intent_processing_apply(facts: IntentFacts) -> None:
    payment = payment_locked(intent_id=facts.intent_id, metadata=facts.metadata)
    if payment is None or facts.status != "processing":
        return
    if payment.status in (Payment.Status.REQUIRES_PAYMENT, Payment.Status.FAILED):
        payment.status = Payment.Status.PROCESSING
        payment.save(update_fields=["status", "updated_at"])
        logger.info("payment processing payment=%s intent=%s", payment.pk, facts.intent_id)


def intent_canceled_apply(facts: IntentFacts) -> None:
    payment = payment_locked(intent_id=facts.intent_id, metadata=facts.metadata)
    if payment is None or facts.status != "canceled":
        return
    if payment.status in Payment.OPEN_STATUSES:
        payment.status = Payment.Status.CANCELED
        coupon_release(payment)
        payment.save(update_fields=["status", "coupon_reserved", "updated_at"])
        logger.info("payment canceled payment=%s intent=%s", payment.pk, facts.intent_id)


# -- dispatch -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventHandler:
    fetch: Any  # (event data object) -> facts; may call Stripe; runs with no lock held
    apply: Any  # (facts) -> None; runs inside the transaction


EVENT_HANDLERS: dict[str, EventHandler] = {
    "payment_intent.succeeded": EventHandler(intent_fetch, intent_succeeded_apply),
    "payment_intent.payment_failed": EventHandler(intent_fetch, intent_failed_apply),
    "payment_intent.processing": EventHandler(intent_fetch, intent_processing_apply),
    "payment_intent.canceled": EventHandler(intent_fetch, intent_canceled_apply),
    "charge.refunded": EventHandler(refunds_fetch, refunds_apply),
    "refund.created": EventHandler(refunds_fetch, refunds_apply),
    "refund.updated": EventHandler(refunds_fetch, refunds_apply),
    "charge.refund.updated": EventHandler(refunds_fetch, refunds_apply),
    "charge.dispute.created": EventHandler(dispute_fetch, dispute_created_apply),
    "charge.dispute.closed": EventHandler(dispute_fetch, dispute_closed_apply),
}


# -- validation of a signed body, before it is stored ------------------------------------------------


def _is_amount(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0


def _refund_problem(refund) -> str | None:
    if not isinstance(refund, dict) or not isinstance(refund.get("id"), str) or not refund["id"]:
        return "a refund without an id"
    if not _is_amount(refund.get("amount")):
        return f"refund {refund['id'][:60]} without a valid amount"
    return None


def stripe_event_payload_problem(payload) -> str | None:
    """What makes a signed body unusable as an event, or None. Checked before anything is stored:
    a body we could never process must get a 400 (Stripe stops), not a stored event whose retries
    fail forever or a 500 that Stripe repeats for three days."""
    if not isinstance(payload, dict):
        return "the body is not a JSON object"
    event_id, event_type = payload.get("id"), payload.get("type")
    if (
        not isinstance(event_id, str)
        or not 0 < len(event_id) <= StripeEvent._meta.get_field("stripe_event_id").max_length
    ):
        return "the event id is missing or too long"
    if not isinstance(event_type, str) or not 0 < len(event_type) <= StripeEvent._meta.get_field("type").max_length:
        return "the event type is missing or too long"
    data = payload.get("data")
    if not isinstance(data, dict) or not isinstance(data.get("object"), dict):
        return "data.object is missing or not an object"
    if event_type not in EVENT_HANDLERS:
        return None  # stored and acknowledged, never processed
    event_object = data["object"]
    if not isinstance(event_object.get("id"), str) or not event_object["id"]:
        return "data.object has no id"
    if event_type.startswith("refund."):
        return _refund_problem(event_object)
    if event_type == "charge.refunded":
        refunds = (event_object.get("refunds") or {}) if isinstance(event_object.get("refunds"), dict | None) else None
        if refunds is None or not isinstance(refunds.get("data", []), list):
            return "charge.refunds is malformed"
        return next(filter(None, map(_refund_problem, refunds.get("data", []))), None)
    if event_type.startswith("payment_intent.") and not isinstance(event_object.get("metadata") or {}, dict):
        return "payment_intent.metadata is malformed"
    return None
