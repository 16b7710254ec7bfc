"""The money path (DESIGN.md, "The money path"): checkout, Stripe events, refunds, disputes.

Rules every function here keeps:
- No network call while a row lock is held: Stripe is read first, then one short transaction
  locks the Payment row (`select_for_update`) and applies what Stripe said.
- Stripe is the source of truth: event handlers re-read the PaymentIntent (and its refunds)
  instead of trusting the event body, which may be stale or arrive out of order.
- Status changes only move forward; a duplicate or stale event changes nothing.
- Emails and enrollment signals go out after commit.
- Every money event is logged at INFO (problems at WARNING/ERROR) with the ids and amounts.

Offline test mode (no STRIPE_API_KEY) uses the same functions: PaymentIntents get local ids and
`checkout_pay_offline` feeds a payment_intent.succeeded-shaped event through `stripe_event_process`.
"""

import logging
import secrets
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import stripe
from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F, Q, Sum
from django.utils import dateformat, timezone

from bds.lib.mail import email_send
from courses.models import Course
from enrollments import services as enrollment_services
from payments.models import Coupon, Payment, Refund, StripeEvent, money_label

logger = logging.getLogger(__name__)

OFFLINE_PREFIX = "pi_offline_"


class CheckoutError(Exception):
    """A checkout cannot start; the message is meant for the student."""


class CouponUsedUp(CheckoutError):
    """Every redemption of the coupon is taken (by paid checkouts and open ones holding theirs)."""

    def __init__(self, coupon: Coupon):
        super().__init__(
            f"Sorry, the coupon {coupon.code.upper()} has just been used up by other students. "
            "Your checkout was not changed; you can continue at the regular price."
        )


class PaymentProviderUnavailable(CheckoutError):
    """Stripe did not answer in time; nothing was charged and the student may try again."""


class RefundError(Exception):
    """A refund cannot be made; the message is meant for staff."""


# -- Stripe client --------------------------------------------------------------------------------

_http_clients: dict[float, Any] = {}


def stripe_configure() -> None:
    """Point the SDK at Stripe (or STRIPE_API_BASE, e.g. localstripe) with short timeouts.

    Read from settings at every call so tests and management commands see the current values.
    """
    stripe.api_key = settings.STRIPE_API_KEY
    stripe.api_base = settings.STRIPE_API_BASE or stripe.DEFAULT_API_BASE
    stripe.max_network_retries = settings.STRIPE_MAX_NETWORK_RETRIES
    timeout = settings.STRIPE_TIMEOUT_SECONDS
    if timeout not in _http_clients:
        _http_clients[timeout] = stripe.RequestsClient(timeout=timeout)
    stripe.default_http_client = _http_clients[timeout]


def is_offline() -> bool:
    return bool(settings.PAYMENTS_OFFLINE_MODE)


def _decimal(amount: int) -> str:
    """Minor units as the emails show them: 4900 → "49.00" (the currency code goes beside it)."""
    return f"{amount / 100:,.2f}"


def _as_dict(value) -> dict:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    return value.to_dict()


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
                    _coupon_release(current)
                current.status = Payment.Status.CANCELED
                current.failure_message = "Replaced by a new checkout."
                current.save(update_fields=["status", "failure_message", "coupon_reserved", "updated_at"])
                logger.info("checkout replaced payment=%s user=%s course=%s", current.pk, user.pk, course.pk)
            if coupon is not None and not carried_over and not _coupon_reserve(coupon=coupon):
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
                _payment_succeed(payment=payment, charge_id="", last4="", brand="")
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
            _coupon_release(failed)
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
        facts = _intent_fetch({"id": payment.stripe_payment_intent_id})
    except stripe.StripeError as error:
        logger.warning("return page could not re-read intent payment=%s error=%s", payment.pk, error)
        return payment
    handler = {
        "succeeded": _intent_succeeded_apply,
        "processing": _intent_processing_apply,
        "canceled": _intent_canceled_apply,
    }.get(facts.status)
    if facts.status == "requires_payment_method" and facts.failure_message:
        handler = _intent_failed_apply
    if handler:
        with transaction.atomic():
            handler(facts)
    payment.refresh_from_db()
    return payment


# -- events ---------------------------------------------------------------------------------------


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


def _intent_fetch(event_object: dict) -> IntentFacts:
    """What Stripe says about the PaymentIntent now (offline: the event body, which we built)."""
    intent_id = event_object["id"]
    if is_offline():
        # Offline test mode: the event was built by checkout_pay_offline, not received from outside.
        intent = event_object
    else:
        stripe_configure()
        intent = _as_dict(stripe.PaymentIntent.retrieve(intent_id, expand=["latest_charge"]))
    charge = intent.get("latest_charge") or {}
    if isinstance(charge, str):  # real Stripe gives an id unless expanded
        charge = _as_dict(stripe.Charge.retrieve(charge))
    last4, brand = _charge_card(charge)
    method_id = charge.get("payment_method") or intent.get("payment_method")
    if not last4 and isinstance(method_id, str) and not is_offline():
        # Some Stripe-compatible servers keep card details only on the PaymentMethod.
        card = _as_dict(stripe.PaymentMethod.retrieve(method_id)).get("card") or {}
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


def _payment_locked(*, intent_id: str = "", charge_id: str = "", metadata: dict | None = None) -> Payment | None:
    """The Payment for a Stripe object, row-locked for this transaction, or None if we do not know it."""
    query = Payment.objects.select_for_update()
    if intent_id:
        payment = query.filter(stripe_payment_intent_id=intent_id).first()
        if payment is not None:
            return payment
    if charge_id:
        payment = query.filter(stripe_charge_id=charge_id).first()
        if payment is not None:
            return payment
    payment_id = (metadata or {}).get("payment_id")
    if intent_id and payment_id and str(payment_id).isdigit():
        # The PaymentIntent was created but its id never reached our row (a crash in between).
        payment = query.filter(pk=int(payment_id), stripe_payment_intent_id__isnull=True).first()
        if payment is not None and str(payment.user_id) == str((metadata or {}).get("user_id")):
            payment.stripe_payment_intent_id = intent_id
            payment.save(update_fields=["stripe_payment_intent_id", "updated_at"])
            return payment
    return None


def _receipt_number(payment: Payment) -> str:
    # The school's local date, as the receipt and the dashboard show it.
    return f"BDS-{timezone.localtime():%Y%m%d}-{payment.pk:06d}"


# -- coupons: a redemption is reserved when the checkout opens ------------------------------------
#
# Coupon.times_redeemed counts the payments that hold a redemption: open checkouts and paid ones.
# Taking one is a single conditional UPDATE (the row lock makes concurrent checkouts queue, and the
# loser's WHERE no longer matches), so a coupon never goes beyond max_redemptions, which the
# database also enforces (payments_coupon_redemptions_within_max). An unpaid checkout gives its
# redemption back when it is cancelled, replaced, or abandoned for PAYMENTS_COUPON_HOLD_SECONDS.


def _coupon_reserve(*, coupon: Coupon) -> bool:
    """Take one redemption of `coupon`; False when none is left."""
    return bool(
        Coupon.objects.filter(pk=coupon.pk)
        .filter(Q(max_redemptions__isnull=True) | Q(times_redeemed__lt=F("max_redemptions")))
        .update(times_redeemed=F("times_redeemed") + 1)
    )


def _coupon_release(payment: Payment) -> None:
    """Give back the redemption an unpaid checkout holds (the caller saves `coupon_reserved`)."""
    if not payment.coupon_reserved:
        return
    Coupon.objects.filter(pk=payment.coupon_id, times_redeemed__gt=0).update(times_redeemed=F("times_redeemed") - 1)
    payment.coupon_reserved = False
    logger.info("coupon released coupon=%s payment=%s", payment.coupon_id, payment.pk)


def _coupon_hold_at_success(payment: Payment) -> None:
    """A payment that succeeds keeps its redemption. One that holds none (its checkout was cancelled
    while the student paid in another tab, or it predates reservations) takes one if any is left;
    if none is, the money has arrived at the discounted price already: honoured, and logged."""
    if payment.coupon_id is None or payment.coupon_reserved:
        return
    payment.coupon_reserved = _coupon_reserve(coupon=payment.coupon)
    if not payment.coupon_reserved:
        logger.warning("coupon over its limit at success coupon=%s payment=%s", payment.coupon_id, payment.pk)


def checkouts_abandoned_release(*, older_than: timedelta | None = None) -> int:
    """Cancel unpaid checkouts that have held a coupon redemption for longer than the hold, so the
    redemption goes to a student who pays. A PaymentIntent Stripe will not cancel (paid or processing
    meanwhile) is left for the webhook and `payments_reconcile_open`. Returns how many were released."""
    cutoff = timezone.now() - (older_than or timedelta(seconds=settings.PAYMENTS_COUPON_HOLD_SECONDS))
    candidates = Payment.objects.filter(
        coupon_reserved=True,
        status__in=[Payment.Status.REQUIRES_PAYMENT, Payment.Status.FAILED],
        updated_at__lt=cutoff,
    ).order_by("updated_at")
    released = 0
    for candidate in candidates[:200]:
        intent_id = candidate.stripe_payment_intent_id or ""
        if intent_id and not intent_id.startswith(OFFLINE_PREFIX) and not is_offline():
            stripe_configure()
            try:
                stripe.PaymentIntent.cancel(intent_id, idempotency_key=f"bds-payment-{candidate.pk}-abandon")
            except stripe.StripeError as error:
                logger.info("abandoned checkout kept payment=%s error=%s", candidate.pk, error.__class__.__name__)
                continue
        with transaction.atomic():
            payment = Payment.objects.select_for_update().get(pk=candidate.pk)
            if payment.status not in (Payment.Status.REQUIRES_PAYMENT, Payment.Status.FAILED):
                continue
            payment.status = Payment.Status.CANCELED
            payment.failure_message = "This checkout expired unpaid. Press Enroll to start a new one."
            _coupon_release(payment)
            payment.save(update_fields=["status", "failure_message", "coupon_reserved", "updated_at"])
            released += 1
    if released:
        logger.info("abandoned checkouts released count=%s", released)
    return released


def _payment_succeed(*, payment: Payment, charge_id: str, last4: str, brand: str) -> None:
    """Inside a transaction with `payment` locked: mark it paid, activate, queue the emails."""
    now = timezone.now()
    payment.status = Payment.Status.SUCCEEDED
    payment.succeeded_at = now
    payment.stripe_charge_id = charge_id
    payment.card_last4 = last4[-4:]
    payment.card_brand = brand[:20]
    payment.failure_message = ""
    payment.receipt_number = payment.receipt_number or _receipt_number(payment)
    _coupon_hold_at_success(payment)
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
            "amount": _decimal(payment.amount),
            "currency": payment.currency.upper(),
            "paid_at": dateformat.format(timezone.localtime(now), "F j, Y, g:i A T"),
            "receipt_number": payment.receipt_number,
            "payment_method": f"{payment.card_brand.title()} ending {payment.card_last4}" if payment.card_last4 else "",
            "dashboard_url": f"{settings.SITE_URL}/dashboard/receipts/{payment.receipt_number}/",
        },
        idempotency_key=f"receipt:payment:{payment.pk}",
    )


def _intent_succeeded_apply(facts: IntentFacts) -> None:
    payment = _payment_locked(intent_id=facts.intent_id, metadata=facts.metadata)
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
    _payment_succeed(payment=payment, charge_id=facts.charge_id, last4=facts.last4, brand=facts.brand)


def _intent_failed_apply(facts: IntentFacts) -> None:
    payment = _payment_locked(intent_id=facts.intent_id, metadata=facts.metadata)
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


def _intent_processing_apply(facts: IntentFacts) -> None:
    payment = _payment_locked(intent_id=facts.intent_id, metadata=facts.metadata)
    if payment is None or facts.status != "processing":
        return
    if payment.status in (Payment.Status.REQUIRES_PAYMENT, Payment.Status.FAILED):
        payment.status = Payment.Status.PROCESSING
        payment.save(update_fields=["status", "updated_at"])
        logger.info("payment processing payment=%s intent=%s", payment.pk, facts.intent_id)


def _intent_canceled_apply(facts: IntentFacts) -> None:
    payment = _payment_locked(intent_id=facts.intent_id, metadata=facts.metadata)
    if payment is None or facts.status != "canceled":
        return
    if payment.status in Payment.OPEN_STATUSES:
        payment.status = Payment.Status.CANCELED
        _coupon_release(payment)
        payment.save(update_fields=["status", "coupon_reserved", "updated_at"])
        logger.info("payment canceled payment=%s intent=%s", payment.pk, facts.intent_id)


# -- refunds --------------------------------------------------------------------------------------


@dataclass
class RefundFacts:
    intent_id: str
    charge_id: str
    refunds: list[dict]


def _refunds_fetch(event_object: dict) -> RefundFacts:
    """All refunds of the payment, as Stripe lists them now (offline: from the event body)."""
    if event_object.get("object") == "refund":
        charge_id = event_object.get("charge") or ""
        intent_id = event_object.get("payment_intent") or ""
        from_body = [event_object]
    else:  # a charge (charge.refunded)
        charge_id = event_object.get("id") or ""
        intent_id = event_object.get("payment_intent") or ""
        from_body = ((event_object.get("refunds") or {}).get("data")) or []
    if isinstance(charge_id, dict):
        charge_id = charge_id.get("id", "")
    if is_offline():
        return RefundFacts(intent_id=intent_id, charge_id=charge_id, refunds=from_body)
    stripe_configure()
    listed = stripe.Refund.list(**({"payment_intent": intent_id} if intent_id else {"charge": charge_id}), limit=100)
    return RefundFacts(intent_id=intent_id, charge_id=charge_id, refunds=[_as_dict(r) for r in listed.data])


_REFUND_STATUSES = {choice.value for choice in Refund.Status}
# A staff refund's row before Stripe has given it an id (payment_refund, step 1).
PENDING_REFUND_PREFIX = "pending_"


def _refunds_apply(
    facts: RefundFacts, *, requested_by=None, reason: str = "", idempotency_key: str | None = None
) -> Payment | None:
    """Reconcile our Refund rows with Stripe's (by refund id) and the Payment's totals.

    Works for refunds made in our admin and in Stripe's dashboard, several partial ones per
    payment, in any order. A refund that newly succeeded emails the student; a full refund
    ends the enrollment.
    """
    payment = _payment_locked(intent_id=facts.intent_id, charge_id=facts.charge_id)
    if payment is None:
        logger.warning("refund for an unknown payment intent=%s charge=%s", facts.intent_id, facts.charge_id)
        return None
    newly_succeeded = []
    for data in facts.refunds:
        status = data.get("status") if data.get("status") in _REFUND_STATUSES else Refund.Status.PENDING
        refund = Refund.objects.filter(stripe_refund_id=data["id"]).first()
        if refund is None:
            refund = Refund.objects.create(
                payment=payment,
                amount=int(data["amount"]),
                stripe_refund_id=data["id"],
                status=status,
                requested_by=requested_by,
                idempotency_key=idempotency_key,
                reason=(reason or (data.get("metadata") or {}).get("reason") or data.get("reason") or "")[:300],
            )
            if status == Refund.Status.SUCCEEDED:
                newly_succeeded.append(refund)
        elif refund.status != status:
            if status == Refund.Status.SUCCEEDED:
                newly_succeeded.append(refund)
            refund.status = status
            refund.save(update_fields=["status", "updated_at"])
    total = payment.refunds.filter(status=Refund.Status.SUCCEEDED).aggregate(total=Sum("amount"))["total"] or 0
    total = min(total, payment.amount)
    if total != payment.amount_refunded:
        payment.amount_refunded = total
        if total >= payment.amount:
            payment.status = Payment.Status.REFUNDED
        elif total > 0 and payment.status in (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED):
            payment.status = Payment.Status.PARTIALLY_REFUNDED
        payment.save(update_fields=["amount_refunded", "status", "updated_at"])
    for refund in newly_succeeded:
        logger.info(
            "refund succeeded payment=%s refund=%s amount=%s total_refunded=%s currency=%s",
            payment.pk,
            refund.stripe_refund_id,
            refund.amount,
            payment.amount_refunded,
            payment.currency,
        )
        email_send(
            template="refund_issued",
            to=[payment.user.email],
            context={
                "user_name": payment.user.get_short_name(),
                "course_title": payment.course.title,
                "amount": _decimal(refund.amount),
                "currency": payment.currency.upper(),
                "refunded_at": dateformat.format(timezone.localtime(refund.updated_at), "F j, Y"),
                "receipt_number": payment.receipt_number or "",
                "is_full_refund": payment.status == Payment.Status.REFUNDED,
                "reason": refund.reason,
            },
            idempotency_key=f"refund:{refund.stripe_refund_id}",
        )
    if payment.status == Payment.Status.REFUNDED and payment.enrollment_id:
        enrollment_services.enrollment_refund(enrollment=payment.enrollment, reason=f"payment {payment.pk} refunded")
    return payment


def _refund_headroom(payment: Payment) -> int:
    """What may still be refunded: the amount less every refund that succeeded or is under way
    (a pending row reserved by a staff refund whose Stripe call has not answered yet included)."""
    committed = (
        payment.refunds.filter(status__in=[Refund.Status.PENDING, Refund.Status.SUCCEEDED]).aggregate(
            total=Sum("amount")
        )["total"]
        or 0
    )
    return max(0, payment.amount - max(committed, payment.amount_refunded))


def payment_refund(
    *, payment: Payment, amount: int, reason: str, requested_by, idempotency_key: str | None = None
) -> Refund:
    """Refund `amount` (minor units) of a paid payment through Stripe and record who asked.

    Three steps, so that concurrent refunds can never exceed the payment and no row lock is held
    while Stripe answers: (1) with the Payment row locked, check the headroom and reserve it with a
    pending Refund row; (2) call Stripe; (3) with the row locked again, record Stripe's answer (or
    release the reservation if Stripe refused). The Stripe call carries an Idempotency-Key (by
    default derived from the payment, the amount already refunded and this amount), so a
    double-submitted form finds the first request's row instead of refunding twice. A refund that
    brings the total to the full amount ends the enrollment (which frees flight seats via
    `enrollment_revoked`). The refund webhook later reconciles the same refund by its id.
    """
    with transaction.atomic():
        payment = Payment.objects.select_for_update().get(pk=payment.pk)
        key = idempotency_key or f"bds-refund-{payment.pk}-{payment.amount_refunded}-{amount}"
        already = Refund.objects.filter(idempotency_key=key).first()
        if already is not None:
            # The same request again (a double-submitted form): Stripe would answer with the same refund.
            logger.info("refund request repeated payment=%s refund=%s", payment.pk, already.stripe_refund_id)
            return already
        if payment.status not in (Payment.Status.SUCCEEDED, Payment.Status.PARTIALLY_REFUNDED):
            raise RefundError(f"A payment that is {payment.get_status_display().lower()} cannot be refunded here.")
        headroom = _refund_headroom(payment)
        if amount <= 0 or amount > headroom:
            raise RefundError(
                f"The amount must be between {money_label(1, payment.currency)} and "
                f"{money_label(headroom, payment.currency)}."
                if headroom
                else "Nothing is left to refund on this payment (other refunds may still be under way)."
            )
        reservation = Refund.objects.create(
            payment=payment,
            amount=amount,
            stripe_refund_id=f"{PENDING_REFUND_PREFIX}{secrets.token_hex(12)}",
            status=Refund.Status.PENDING,
            requested_by=requested_by,
            idempotency_key=key,
            reason=reason[:300],
        )
    metadata = {"payment_id": str(payment.pk), "requested_by": str(requested_by.pk), "reason": reason[:450]}
    if is_offline() or payment.stripe_payment_intent_id.startswith(OFFLINE_PREFIX):
        data = {
            "id": f"re_offline_{secrets.token_hex(8)}",
            "object": "refund",
            "amount": amount,
            "status": "succeeded",
            "metadata": metadata,
        }
    else:
        stripe_configure()
        try:
            data = _as_dict(
                stripe.Refund.create(
                    payment_intent=payment.stripe_payment_intent_id,
                    amount=amount,
                    metadata=metadata,
                    idempotency_key=key,
                )
            )
        except stripe.StripeError as error:
            logger.warning("refund failed at Stripe payment=%s amount=%s error=%s", payment.pk, amount, error)
            # Release the reservation; the key is freed too, so the same refund can be asked again.
            Refund.objects.filter(pk=reservation.pk).update(
                status=Refund.Status.FAILED, idempotency_key=None, updated_at=timezone.now()
            )
            raise RefundError(f"Stripe refused or could not be reached: {error.user_message or error}") from error
    logger.info(
        "refund requested payment=%s refund=%s amount=%s by=%s", payment.pk, data["id"], amount, requested_by.pk
    )
    with transaction.atomic():
        Payment.objects.select_for_update().get(pk=payment.pk)
        reservation = Refund.objects.get(pk=reservation.pk)
        arrived_first = Refund.objects.filter(stripe_refund_id=data["id"]).first()
        if arrived_first is not None:
            # Stripe's webhook recorded this refund while we waited: keep that row, with who asked and why.
            reservation.delete()
            arrived_first.requested_by, arrived_first.reason = requested_by, reason[:300]
            arrived_first.idempotency_key = key
            arrived_first.save(update_fields=["requested_by", "reason", "idempotency_key", "updated_at"])
        else:
            reservation.stripe_refund_id = data["id"]
            reservation.save(update_fields=["stripe_refund_id", "updated_at"])
        _refunds_apply(
            RefundFacts(intent_id=payment.stripe_payment_intent_id, charge_id="", refunds=[data]),
            requested_by=requested_by,
            reason=reason,
            idempotency_key=key,
        )
    return Refund.objects.get(stripe_refund_id=data["id"])


# -- disputes -------------------------------------------------------------------------------------


def _dispute_fetch(event_object: dict) -> dict:
    # Disputes are taken from the verified event body: their final states (won, lost) never
    # change again, and the handlers below ignore a "created" that arrives after "closed".
    charge = event_object.get("charge") or ""
    intent = event_object.get("payment_intent") or ""
    return {
        "id": event_object["id"],
        "status": event_object.get("status") or "",
        "reason": event_object.get("reason") or "",
        "amount": event_object.get("amount") or 0,
        "charge_id": charge.get("id", "") if isinstance(charge, dict) else charge,
        "intent_id": intent.get("id", "") if isinstance(intent, dict) else intent,
    }


_DISPUTE_FINAL = ("won", "lost")


def _dispute_payment(dispute: dict) -> Payment | None:
    payment = _payment_locked(intent_id=dispute["intent_id"], charge_id=dispute["charge_id"])
    if payment is None:
        logger.warning("dispute for an unknown payment dispute=%s charge=%s", dispute["id"], dispute["charge_id"])
    return payment


def _dispute_created_apply(dispute: dict) -> None:
    payment = _dispute_payment(dispute)
    if payment is None:
        return
    if payment.dispute_id == dispute["id"]:
        return  # already recorded, or already closed (events out of order)
    payment.status = Payment.Status.DISPUTED
    payment.dispute_id = dispute["id"]
    payment.dispute_status = dispute["status"][:40]
    payment.save(update_fields=["status", "dispute_id", "dispute_status", "updated_at"])
    logger.warning(
        "dispute opened payment=%s dispute=%s amount=%s reason=%s",
        payment.pk,
        dispute["id"],
        dispute["amount"],
        dispute["reason"],
    )
    if payment.enrollment_id:
        enrollment_services.enrollment_suspend(enrollment=payment.enrollment, reason=f"card dispute {dispute['id']}")
    email_send(
        template="dispute_opened",
        to=[payment.user.email],
        context={
            "user_name": payment.user.get_short_name(),
            "course_title": payment.course.title,
            "amount": _decimal(int(dispute["amount"])),
            "currency": payment.currency.upper(),
            "receipt_number": payment.receipt_number or "",
        },
        idempotency_key=f"dispute:{dispute['id']}",
    )


def _dispute_closed_apply(dispute: dict) -> None:
    payment = _dispute_payment(dispute)
    if payment is None or (payment.dispute_id == dispute["id"] and payment.dispute_status in _DISPUTE_FINAL):
        return
    won = dispute["status"] == "won"
    payment.dispute_id = dispute["id"]
    payment.dispute_status = dispute["status"][:40]
    if won:
        payment.status = Payment.Status.PARTIALLY_REFUNDED if payment.amount_refunded else Payment.Status.SUCCEEDED
        if payment.amount_refunded >= payment.amount:
            payment.status = Payment.Status.REFUNDED
    else:
        payment.status = Payment.Status.DISPUTED
    payment.save(update_fields=["status", "dispute_id", "dispute_status", "updated_at"])
    logger.warning("dispute closed payment=%s dispute=%s status=%s", payment.pk, dispute["id"], dispute["status"])
    if payment.enrollment_id is None:
        return
    if won:
        enrollment_services.enrollment_restore(enrollment=payment.enrollment)
    elif dispute["status"] == "lost":
        reason = f"card dispute {dispute['id']} lost"
        enrollment_services.enrollment_revoke(enrollment=payment.enrollment, reason=reason)


# -- dispatch -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class EventHandler:
    fetch: Any  # (event data object) -> facts; may call Stripe; runs with no lock held
    apply: Any  # (facts) -> None; runs inside the transaction


EVENT_HANDLERS: dict[str, EventHandler] = {
    "payment_intent.succeeded": EventHandler(_intent_fetch, _intent_succeeded_apply),
    "payment_intent.payment_failed": EventHandler(_intent_fetch, _intent_failed_apply),
    "payment_intent.processing": EventHandler(_intent_fetch, _intent_processing_apply),
    "payment_intent.canceled": EventHandler(_intent_fetch, _intent_canceled_apply),
    "charge.refunded": EventHandler(_refunds_fetch, _refunds_apply),
    "refund.created": EventHandler(_refunds_fetch, _refunds_apply),
    "refund.updated": EventHandler(_refunds_fetch, _refunds_apply),
    "charge.refund.updated": EventHandler(_refunds_fetch, _refunds_apply),
    "charge.dispute.created": EventHandler(_dispute_fetch, _dispute_created_apply),
    "charge.dispute.closed": EventHandler(_dispute_fetch, _dispute_closed_apply),
}


# -- reconciliation (beat) ------------------------------------------------------------------------


def stripe_events_retry_failed(*, older_than: timedelta = timedelta(minutes=5), max_attempts: int = 10) -> int:
    """Process again the stored events whose processing failed (our outage, not Stripe's).

    Stripe retries deliveries for days too; this catches up sooner and after the retries end.
    Returns how many events are processed now.
    """
    cutoff = timezone.now() - older_than
    done = 0
    pending = StripeEvent.objects.filter(processed_at__isnull=True, received_at__lt=cutoff, attempts__lt=max_attempts)
    for event in pending.order_by("received_at")[:200]:
        try:
            stripe_event_process(stripe_event=event)
        except Exception:  # noqa: BLE001, S112 - stored and logged by stripe_event_process; try the next one
            continue
        done += 1
    if done:
        logger.info("stripe events reprocessed count=%s", done)
    return done


def payments_reconcile_open(*, older_than: timedelta = timedelta(minutes=15)) -> int:
    """Re-read from Stripe the open payments a browser confirmed but no webhook settled.

    Only payments that are processing, or whose student came back from Stripe, need it; each is
    settled through the same handlers as the webhook. Returns how many changed status.
    """
    if is_offline():
        return 0
    cutoff = timezone.now() - older_than
    changed = 0
    # Stripe itself retries webhooks for three days; abandoned checkouts older than that are left alone.
    stale = Payment.objects.filter(
        status__in=[Payment.Status.PROCESSING, Payment.Status.REQUIRES_PAYMENT],
        updated_at__lt=cutoff,
        created_at__gt=timezone.now() - timedelta(days=3),
        stripe_payment_intent_id__isnull=False,
    ).exclude(flagged_reason__gt="")
    for payment in stale.order_by("updated_at")[:200]:
        before = payment.status
        if payment_intent_refresh(payment=payment).status != before:
            changed += 1
    if changed:
        logger.info("open payments reconciled changed=%s", changed)
    return changed
