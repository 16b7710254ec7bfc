"""Safety nets on a schedule: failed event processing retried, open payments re-read from Stripe."""

import logging
from datetime import timedelta

import stripe
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from payments.models import Payment, StripeEvent
from payments.services.checkout import payment_intent_refresh
from payments.services.common import OFFLINE_PREFIX, is_offline, stripe_configure
from payments.services.coupons import coupon_release
from payments.services.events import stripe_event_process

logger = logging.getLogger(__name__)


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
            coupon_release(payment)
            payment.save(update_fields=["status", "failure_message", "coupon_reserved", "updated_at"])
            released += 1
    if released:
        logger.info("abandoned checkouts released count=%s", released)
    return released
