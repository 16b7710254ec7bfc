"""Reads for staff reports: revenue totals and per day, disputes, failed webhooks, and the
accountant's payments-and-refunds export. Each selector runs a fixed number of queries."""

from collections.abc import Iterator
from datetime import date, datetime, timedelta

from django.db.models import Sum
from django.db.models.functions import TruncDate
from django.utils import timezone

from payments.models import Payment, Refund, StripeEvent

DISPUTE_FINAL_STATUSES = ("won", "lost")


def revenue_between(*, start: datetime, end: datetime) -> list[dict]:
    """Gross taken, refunded and net per currency for [start, end): two queries.

    Gross counts payments that succeeded in the period (whatever happened to them later);
    refunds count refunds that succeeded in the period, so "net" is the money that stayed.
    """
    gross = dict(
        Payment.objects.filter(status__in=Payment.PAID_STATUSES, succeeded_at__gte=start, succeeded_at__lt=end)
        .order_by()
        .values_list("currency")
        .annotate(total=Sum("amount"))
    )
    refunded = dict(
        Refund.objects.filter(status=Refund.Status.SUCCEEDED, created_at__gte=start, created_at__lt=end)
        .order_by()
        .values_list("payment__currency")
        .annotate(total=Sum("amount"))
    )
    return [
        {
            "currency": currency,
            "gross": gross.get(currency, 0) or 0,
            "refunded": refunded.get(currency, 0) or 0,
            "net": (gross.get(currency, 0) or 0) - (refunded.get(currency, 0) or 0),
        }
        for currency in sorted(set(gross) | set(refunded))
    ]


def revenue_per_day(*, days: int = 30, currency: str = "usd", today: date | None = None) -> list[dict]:
    """Gross per local calendar day for the last `days` days (today included), zeros filled in."""
    today = today or timezone.localdate()
    first = today - timedelta(days=days - 1)
    start = timezone.make_aware(datetime.combine(first, datetime.min.time()))
    totals = dict(
        Payment.objects.filter(status__in=Payment.PAID_STATUSES, currency=currency, succeeded_at__gte=start)
        .annotate(day=TruncDate("succeeded_at", tzinfo=timezone.get_current_timezone()))
        .order_by()
        .values_list("day")
        .annotate(total=Sum("amount"))
    )
    return [
        {"day": first + timedelta(days=offset), "amount": totals.get(first + timedelta(days=offset), 0) or 0}
        for offset in range(days)
    ]


def disputes_open():
    return Payment.objects.filter(status=Payment.Status.DISPUTED).exclude(dispute_status__in=DISPUTE_FINAL_STATUSES)


def stripe_events_failed():
    """Webhook events that were stored but could not be processed (the retry task keeps trying)."""
    return StripeEvent.objects.filter(processed_at__isnull=True).exclude(error="")


ACCOUNTING_HEADER = [
    "kind",
    "date",
    "payment_id",
    "receipt_number",
    "email",
    "name",
    "course",
    "currency",
    "amount",
    "status",
    "stripe_id",
    "refund_reason",
    "refunded_by",
]


def accounting_rows(*, start: datetime, end: datetime) -> Iterator[list]:
    """Payments that succeeded and refunds that succeeded in [start, end), as CSV rows.

    Streams from two `.iterator()` queries; refunds are negative amounts so a spreadsheet SUM of
    the column is the net.
    """
    payments = (
        Payment.objects.filter(status__in=Payment.PAID_STATUSES, succeeded_at__gte=start, succeeded_at__lt=end)
        .select_related("user", "course")
        .order_by("succeeded_at", "pk")
    )
    for payment in payments.iterator(chunk_size=500):
        yield [
            "payment",
            timezone.localtime(payment.succeeded_at).isoformat(),
            payment.pk,
            payment.receipt_number or "",
            payment.user.email,
            payment.user.full_name,
            payment.course.title,
            payment.currency.upper(),
            f"{payment.amount / 100:.2f}",
            payment.status,
            payment.stripe_payment_intent_id or "",
            "",
            "",
        ]
    refunds = (
        Refund.objects.filter(status=Refund.Status.SUCCEEDED, created_at__gte=start, created_at__lt=end)
        .select_related("payment__user", "payment__course", "requested_by")
        .order_by("created_at", "pk")
    )
    for refund in refunds.iterator(chunk_size=500):
        payment = refund.payment
        yield [
            "refund",
            timezone.localtime(refund.created_at).isoformat(),
            payment.pk,
            payment.receipt_number or "",
            payment.user.email,
            payment.user.full_name,
            payment.course.title,
            payment.currency.upper(),
            f"{-refund.amount / 100:.2f}",
            refund.status,
            refund.stripe_refund_id,
            refund.reason,
            refund.requested_by.email if refund.requested_by else "",
        ]


def revenue_per_course(*, currency: str = "usd") -> dict[int, dict]:
    """All-time gross, refunded and net per course in one currency: {course_id: {...}}, two queries.

    Gross counts every payment that succeeded (refunded later or not); refunded counts the refunds
    that succeeded, so net is the money the school kept."""
    gross = dict(
        Payment.objects.filter(status__in=Payment.PAID_STATUSES, currency=currency)
        .order_by()
        .values_list("course_id")
        .annotate(total=Sum("amount"))
    )
    refunded = dict(
        Refund.objects.filter(status=Refund.Status.SUCCEEDED, payment__currency=currency)
        .order_by()
        .values_list("payment__course_id")
        .annotate(total=Sum("amount"))
    )
    return {
        course_id: {
            "gross": gross.get(course_id) or 0,
            "refunded": refunded.get(course_id) or 0,
            "net": (gross.get(course_id) or 0) - (refunded.get(course_id) or 0),
        }
        for course_id in set(gross) | set(refunded)
    }
