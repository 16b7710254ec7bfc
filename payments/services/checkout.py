"""Checkout: the amount, coupons, the PaymentIntent, offline test payments, re-reading an intent."""

import logging
import secrets
from datetime import timedelta

import stripe
from django.db import IntegrityError, transaction
from django.utils import timezone

from courses.models import Course
from enrollments import services as enrollment_services
from payments.models import Coupon, Payment
from payments.services.common import (
    OFFLINE_PREFIX,
    CheckoutError,
    CouponUsedUp,
    PaymentProviderUnavailable,
    is_offline,
    stripe_configure,
)
from payments.services.coupons import coupon_release, coupon_reserve
from payments.services.events import (
    intent_canceled_apply,
    intent_failed_apply,
    intent_fetch,
    intent_processing_apply,
    intent_succeeded_apply,
    payment_succeed,
    stripe_event_process,
    stripe_event_record,
)

logger = logging.getLogger(__name__)


# -- checkout -------------------------------------------------------------------------------------


def checkout_amount(*, course: Course, coupon: Coupon | None) -> int:
    amount = course.price_minor_units
    return coupon.discounted(amount) if coupon else amount


def coupon_find(*, code: str, course: Course) -> Coupon:
    """The coupon for `code` (any case) if it can be used on `course` now, else CheckoutError."""
    coupon = Coupon.objects.valid_for(course).filter(code__iexact=code.strip()).first()
    if coupon is None:
        raise CheckoutError("That coupon code is not valid for this course (or it has expired).")
    if coupon.is_used_up:
        raise CouponUsedUp(coupon)
    return coupon


# A checkout whose PaymentIntent creation never finished (a crashed process) is replaced after this.
_ABANDONED_CREATION = timedelta(minutes=2)


def checkout_start(*, user, course: Course, coupon_code: str | None = None) -> Payment:
    """Open (or reuse) the checkout for `user` paying for `course`.

    Returns the Payment to show on the checkout page. An open checkout for the same
    (user, course) with the same price is reused, so pressing Enroll twice never makes a second
    charge possible; a different price or coupon cancels the old one first. The amount and
    currency come from the course after the coupon and are fixed on the Payment. A zero amount
    (a 100% coupon) succeeds at once without Stripe.

    Raises CheckoutError (free course, already enrolled, bad coupon) or PaymentProviderUnavailable
    when Stripe cannot be reached; then no Payment is left open.
    """
    if course.is_free:
        raise CheckoutError("This course is free: no payment is needed.")
    coupon = coupon_find(code=coupon_code, course=course) if coupon_code else None
    currency = course.currency.lower()

    replaced_intent_id = None
    carried_over = False
    try:
        with transaction.atomic():
            enrollment = enrollment_services.enrollment_reserve(user=user, course=course)
            if enrollment.grants_access:
                raise CheckoutError("You are already enrolled in this course.")
            current = Payment.objects.select_for_update().open().filter(user=user, course=course).first()
            if current is not None and coupon is None and current.coupon_id:
                # Pressing Enroll again keeps the coupon the student already applied.
                coupon = current.coupon
            amount = checkout_amount(course=course, coupon=coupon)
            if current is not None:
                same_terms = (current.amount, current.currency, current.coupon_id) == (
                    amount,
                    currency,
                    coupon.pk if coupon else None,
                )
                abandoned = (
                    not current.stripe_payment_intent_id and current.created_at < timezone.now() - _ABANDONED_CREATION
                )
                if current.status == Payment.Status.PROCESSING or (same_terms and not abandoned):
                    logger.info("checkout reused payment=%s user=%s course=%s", current.pk, user.pk, course.pk)
                    return current
                replaced_intent_id = current.stripe_payment_intent_id
                # The same coupon again (a new price, an abandoned start): the new checkout takes
                # over the redemption the old one held rather than competing for another.
                if coupon is not None and current.coupon_reserved and current.coupon_id == coupon.pk:
                    current.coupon_reserved, carried_over = False, True
                else:
                    coupon_release(current)
                current.status = Payment.Status.CANCELED
                current.failure_message = "Replaced by a new checkout."
                current.save(update_fields=["status", "failure_message", "coupon_reserved", "updated_at"])
                logger.info("checkout replaced payment=%s user=%s course=%s", current.pk, user.pk, course.pk)
            if coupon is not None and not carried_over and not coupon_reserve(coupon=coupon):
                raise CouponUsedUp(coupon)  # rolls back the whole transaction: an old checkout stays as it was
            payment = Payment.objects.create(
                user=user,
                course=course,
                enrollment=enrollment,
                amount=amount,
                currency=currency,
                coupon=coupon,
                coupon_reserved=coupon is not None,
            )
            logger.info(
                "checkout started payment=%s user=%s course=%s amount=%s currency=%s coupon=%s",
                payment.pk,
                user.pk,
                course.pk,
                amount,
                currency,
                coupon.code if coupon else "-",
            )
            if amount == 0:
                payment_succeed(payment=payment, charge_id="", last4="", brand="")
                return payment
    except IntegrityError:
        # Another request opened this checkout a moment ago (the one-open-checkout constraint).
        existing = Payment.objects.open().filter(user=user, course=course).first()
        if existing is None:
            raise
        return existing

    if replaced_intent_id and not replaced_intent_id.startswith(OFFLINE_PREFIX):
        _intent_cancel_quietly(intent_id=replaced_intent_id)

    if is_offline():
        intent_id = f"{OFFLINE_PREFIX}{payment.pk}_{secrets.token_hex(6)}"
        Payment.objects.filter(pk=payment.pk).update(stripe_payment_intent_id=intent_id)
        payment.stripe_payment_intent_id = intent_id
        return payment

    stripe_configure()
    try:
        intent = stripe.PaymentIntent.create(
            amount=payment.amount,
            currency=payment.currency,
            payment_method_types=["card"],
            metadata={"payment_id": str(payment.pk), "user_id": str(user.pk), "course_id": str(course.pk)},
            # The same Payment can only ever create one PaymentIntent, even if this call is retried.
            idempotency_key=f"bds-payment-{payment.pk}-create",
        )
    except stripe.StripeError as error:
        # Nothing was charged. The Payment must not stay open without a PaymentIntent, nor keep a
        # coupon redemption another student could use.
        with transaction.atomic():
            failed = Payment.objects.select_for_update().get(pk=payment.pk)
            failed.status = Payment.Status.CANCELED
            failed.failure_message = "Stripe could not be reached to start the payment."
            coupon_release(failed)
            failed.save(update_fields=["status", "failure_message", "coupon_reserved", "updated_at"])
        unreachable = isinstance(error, (stripe.APIConnectionError, stripe.RateLimitError, stripe.APIError))
        (logger.warning if unreachable else logger.error)(
            "checkout failed at Stripe payment=%s user=%s course=%s amount=%s error=%s: %s",
            payment.pk,
            user.pk,
            course.pk,
            payment.amount,
            error.__class__.__name__,
            error,
        )
        raise PaymentProviderUnavailable(
            "We could not reach our payment provider. Nothing was charged. Please try again in a minute."
            if unreachable
            else "We could not start this payment. Nothing was charged. Please try again later or contact us."
        ) from error
    Payment.objects.filter(pk=payment.pk).update(
        stripe_payment_intent_id=intent.id, client_secret=intent.client_secret or "", updated_at=timezone.now()
    )
    payment.stripe_payment_intent_id = intent.id
    payment.client_secret = intent.client_secret or ""
    logger.info("payment intent created payment=%s intent=%s amount=%s", payment.pk, intent.id, payment.amount)
    return payment


def _intent_cancel_quietly(*, intent_id: str) -> None:
    """Best effort: a replaced checkout's PaymentIntent can no longer be paid."""
    stripe_configure()
    try:
        stripe.PaymentIntent.cancel(intent_id)
    except stripe.StripeError as error:
        # If it succeeded meanwhile, its payment_intent.succeeded event still grants access.
        logger.warning("could not cancel replaced intent=%s error=%s", intent_id, error.__class__.__name__)


def checkout_pay_offline(*, payment: Payment) -> Payment:
    """Offline test mode only: pay `payment` as if Stripe had confirmed a test card.

    Builds a payment_intent.succeeded-shaped event and runs it through the same recording and
    processing as a real webhook, so the offline path exercises the real code.
    """
    if not is_offline():
        raise CheckoutError("Test-mode payments are only possible when Stripe is not configured.")
    intent = {
        "id": payment.stripe_payment_intent_id,
        "object": "payment_intent",
        "amount": payment.amount,
        "amount_received": payment.amount,
        "currency": payment.currency,
        "status": "succeeded",
        "metadata": {
            "payment_id": str(payment.pk),
            "user_id": str(payment.user_id),
            "course_id": str(payment.course_id),
        },
        "latest_charge": {
            "id": f"ch_offline_{payment.pk}",
            "object": "charge",
            "payment_method_details": {"type": "card", "card": {"brand": "visa", "last4": "4242"}},
        },
    }
    event = {
        "id": f"evt_offline_{secrets.token_hex(8)}",
        "object": "event",
        "type": "payment_intent.succeeded",
        "created": int(timezone.now().timestamp()),
        "livemode": False,
        "data": {"object": intent},
    }
    stripe_event, _ = stripe_event_record(payload=event)
    stripe_event_process(stripe_event=stripe_event)
    payment.refresh_from_db()
    return payment


def payment_intent_refresh(*, payment: Payment) -> Payment:
    """Return page helper: ask Stripe about an open payment and apply what it says.

    Runs the same handlers as the webhook, so a missed or slow webhook does not leave the
    student waiting; the webhook arriving later then changes nothing.
    """
    if not payment.is_open or not payment.stripe_payment_intent_id or is_offline():
        return payment
    try:
        facts = intent_fetch({"id": payment.stripe_payment_intent_id})
    except stripe.StripeError as error:
        logger.warning("return page could not re-read intent payment=%s error=%s", payment.pk, error)
        return payment
    handler = {
        "succeeded": intent_succeeded_apply,
        "processing": intent_processing_apply,
        "canceled": intent_canceled_apply,
    }.get(facts.status)
    if facts.status == "requires_payment_method" and facts.failure_message:
        handler = intent_failed_apply
    if handler:
        with transaction.atomic():
            handler(facts)
    payment.refresh_from_db()
    return payment
