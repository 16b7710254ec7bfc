"""Refunds: staff-initiated refunds, and the refund events that settle them."""

import logging
import secrets
from dataclasses import dataclass

import stripe
from django.db import transaction
from django.db.models import Sum
from django.utils import dateformat, timezone

from core.mail import email_send
from enrollments import services as enrollment_services
from payments.models import Payment, Refund, money_label
from payments.services.common import (
    OFFLINE_PREFIX,
    RefundError,
    amount_decimal,
    as_dict,
    is_offline,
    payment_locked,
    stripe_configure,
)

logger = logging.getLogger(__name__)


# -- refunds --------------------------------------------------------------------------------------


@dataclass
class RefundFacts:
    intent_id: str
    charge_id: str
    refunds: list[dict]


def refunds_fetch(event_object: dict) -> RefundFacts:
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
    return RefundFacts(intent_id=intent_id, charge_id=charge_id, refunds=[as_dict(r) for r in listed.data])


_REFUND_STATUSES = {choice.value for choice in Refund.Status}
# A staff refund's row before Stripe has given it an id (payment_refund, step 1).
PENDING_REFUND_PREFIX = "pending_"


def refunds_apply(
    facts: RefundFacts, *, requested_by=None, reason: str = "", idempotency_key: str | None = None
) -> Payment | None:
    """Reconcile our Refund rows with Stripe's (by refund id) and the Payment's totals.

    Works for refunds made in our admin and in Stripe's dashboard, several partial ones per
    payment, in any order. A refund that newly succeeded emails the student; a full refund
    ends the enrollment.
    """
    payment = payment_locked(intent_id=facts.intent_id, charge_id=facts.charge_id)
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
                "amount": amount_decimal(refund.amount),
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
            data = as_dict(
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
        refunds_apply(
            RefundFacts(intent_id=payment.stripe_payment_intent_id, charge_id="", refunds=[data]),
            requested_by=requested_by,
            reason=reason,
            idempotency_key=key,
        )
    return Refund.objects.get(stripe_refund_id=data["id"])
