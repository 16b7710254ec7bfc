"""The money path (docs/ARCHITECTURE.md, "The money path"): checkout, Stripe events, refunds, disputes.

One module per job: common (errors, Stripe client, the row lock), coupons, checkout, events, refunds,
disputes, reconciliation. Callers import from `payments.services`, which names the public surface.

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

from payments.services.checkout import (
    checkout_amount,
    checkout_pay_offline,
    checkout_start,
    coupon_find,
    payment_intent_refresh,
)
from payments.services.common import (
    CheckoutError,
    CouponUsedUp,
    PaymentProviderUnavailable,
    RefundError,
    is_offline,
    stripe_configure,
)
from payments.services.events import (
    EVENT_HANDLERS,
    stripe_event_payload_problem,
    stripe_event_process,
    stripe_event_record,
)
from payments.services.reconciliation import (
    checkouts_abandoned_release,
    payments_reconcile_open,
    stripe_events_retry_failed,
)
from payments.services.refunds import payment_refund

__all__ = [
    "EVENT_HANDLERS",
    "CheckoutError",
    "CouponUsedUp",
    "PaymentProviderUnavailable",
    "RefundError",
    "checkout_amount",
    "checkout_pay_offline",
    "checkout_start",
    "checkouts_abandoned_release",
    "coupon_find",
    "is_offline",
    "payment_intent_refresh",
    "payment_refund",
    "payments_reconcile_open",
    "stripe_configure",
    "stripe_event_payload_problem",
    "stripe_event_process",
    "stripe_event_record",
    "stripe_events_retry_failed",
]
