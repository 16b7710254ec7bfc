"""Stripe events shaped like the real API (objects of the pinned API version, ids not expanded).

localstripe emits no refund, charge or dispute events, so tests build these and sign them.
"""

import itertools
import time

_counter = itertools.count(1)
API_VERSION = "2026-10-28.endive"


def event(event_type: str, data_object: dict, *, event_id: str | None = None) -> dict:
    return {
        "id": event_id or f"evt_test_{next(_counter):06d}_{int(time.time() * 1000)}",
        "object": "event",
        "api_version": API_VERSION,
        "created": int(time.time()),
        "livemode": False,
        "pending_webhooks": 1,
        "request": {"id": None, "idempotency_key": None},
        "type": event_type,
        "data": {"object": data_object},
    }


def payment_intent(*, intent_id: str, amount: int, status: str = "succeeded", charge_id: str | None = None, **extra):
    return {
        "id": intent_id,
        "object": "payment_intent",
        "amount": amount,
        "amount_received": amount if status == "succeeded" else 0,
        "currency": "usd",
        "status": status,
        "latest_charge": charge_id,  # an id on real Stripe
        "metadata": {},
        "payment_method_types": ["card"],
        **extra,
    }


def charge_refunded(*, charge_id: str, intent_id: str, amount: int, amount_refunded: int) -> dict:
    return {
        "id": charge_id,
        "object": "charge",
        "amount": amount,
        "amount_captured": amount,
        "amount_refunded": amount_refunded,
        "currency": "usd",
        "captured": True,
        "paid": True,
        "payment_intent": intent_id,
        "refunded": amount_refunded >= amount,
        "status": "succeeded",
    }


def refund(*, refund_id: str, charge_id: str, intent_id: str, amount: int, status: str = "succeeded") -> dict:
    return {
        "id": refund_id,
        "object": "refund",
        "amount": amount,
        "charge": charge_id,
        "currency": "usd",
        "payment_intent": intent_id,
        "reason": "requested_by_customer",
        "status": status,
        "metadata": {},
    }


def dispute(*, dispute_id: str, charge_id: str, intent_id: str, amount: int, status: str) -> dict:
    return {
        "id": dispute_id,
        "object": "dispute",
        "amount": amount,
        "charge": charge_id,
        "currency": "usd",
        "payment_intent": intent_id,
        "reason": "fraudulent",
        "status": status,
        "is_charge_refundable": False,
    }
