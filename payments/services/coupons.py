"""Coupon redemptions: reserved when a checkout opens, given back when it ends unpaid."""

import logging

from django.db.models import F, Q

from payments.models import Coupon, Payment

logger = logging.getLogger(__name__)


# -- coupons: a redemption is reserved when the checkout opens ------------------------------------
#
# Coupon.times_redeemed counts the payments that hold a redemption: open checkouts and paid ones.
# Taking one is a single conditional UPDATE (the row lock makes concurrent checkouts queue, and the
# loser's WHERE no longer matches), so a coupon never goes beyond max_redemptions, which the
# database also enforces (payments_coupon_redemptions_within_max). An unpaid checkout gives its
# redemption back when it is cancelled, replaced, or abandoned for PAYMENTS_COUPON_HOLD_SECONDS.


def coupon_reserve(*, coupon: Coupon) -> bool:
    """Take one redemption of `coupon`; False when none is left."""
    return bool(
        Coupon.objects.filter(pk=coupon.pk)
        .filter(Q(max_redemptions__isnull=True) | Q(times_redeemed__lt=F("max_redemptions")))
        .update(times_redeemed=F("times_redeemed") + 1)
    )


def coupon_release(payment: Payment) -> None:
    """Give back the redemption an unpaid checkout holds (the caller saves `coupon_reserved`)."""
    if not payment.coupon_reserved:
        return
    Coupon.objects.filter(pk=payment.coupon_id, times_redeemed__gt=0).update(times_redeemed=F("times_redeemed") - 1)
    payment.coupon_reserved = False
    logger.info("coupon released coupon=%s payment=%s", payment.coupon_id, payment.pk)


def coupon_hold_at_success(payment: Payment) -> None:
    """A payment that succeeds keeps its redemption. One that holds none (its checkout was cancelled
    while the student paid in another tab, or it predates reservations) takes one if any is left;
    if none is, the money has arrived at the discounted price already: honoured, and logged."""
    if payment.coupon_id is None or payment.coupon_reserved:
        return
    payment.coupon_reserved = coupon_reserve(coupon=payment.coupon)
    if not payment.coupon_reserved:
        logger.warning("coupon over its limit at success coupon=%s payment=%s", payment.coupon_id, payment.pk)
