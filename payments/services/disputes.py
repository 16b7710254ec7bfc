"""Disputes (chargebacks): a dispute suspends access; its closing restores or revokes it."""

import logging

from core.mail import email_send
from enrollments import services as enrollment_services
from payments.models import Payment
from payments.services.common import amount_decimal, payment_locked

logger = logging.getLogger(__name__)


# -- disputes -------------------------------------------------------------------------------------


def dispute_fetch(event_object: dict) -> dict:
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
    payment = payment_locked(intent_id=dispute["intent_id"], charge_id=dispute["charge_id"])
    if payment is None:
        logger.warning("dispute for an unknown payment dispute=%s charge=%s", dispute["id"], dispute["charge_id"])
    return payment


def dispute_created_apply(dispute: dict) -> None:
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
            "amount": amount_decimal(int(dispute["amount"])),
            "currency": payment.currency.upper(),
            "receipt_number": payment.receipt_number or "",
        },
        idempotency_key=f"dispute:{dispute['id']}",
    )


def dispute_closed_apply(dispute: dict) -> None:
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
