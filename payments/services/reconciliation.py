"""Safety nets on a schedule: failed event processing retried, open payments re-read from Stripe."""

import logging
from datetime import timedelta

from django.utils import timezone

from payments.models import Payment, StripeEvent
from payments.services.checkout import payment_intent_refresh
from payments.services.common import is_offline
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
