"""What every part of the money path shares: its errors, the Stripe client, the Payment row lock."""

import logging
from typing import Any

import stripe
from django.conf import settings

from payments.models import Coupon, Payment

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


def amount_decimal(amount: int) -> str:
    """Minor units as the emails show them: 4900 → "49.00" (the currency code goes beside it)."""
    return f"{amount / 100:,.2f}"


def as_dict(value) -> dict:
    if value is None:
        return {}
    if isinstance(value, dict):
        return value
    return value.to_dict()


def payment_locked(*, intent_id: str = "", charge_id: str = "", metadata: dict | None = None) -> Payment | None:
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
