"""Bulk payments for the load benchmark (bench_data) on databases other than PostgreSQL.

PostgreSQL builds the same rows in SQL (bds/management/bench_sql.py). Per enrollment in a paid
course: zero to two canceled attempts first (cards declined, replaced by a new checkout), then the
one that matches the enrollment (paid for active/completed, open for pending), so the
one-open-checkout, unique receipt and unique PaymentIntent constraints hold as in production data.
"""

from payments.models import Payment


def bench_payments(*, rng, enrollments, batch_size: int = 1000) -> list[Payment]:
    rows = []
    for enrollment in enrollments:
        if enrollment.course.is_free:
            continue
        common = {
            "user_id": enrollment.user_id,
            "course_id": enrollment.course_id,
            "enrollment_id": enrollment.pk,
            "amount": enrollment.course.price_minor_units,
            "currency": enrollment.course.currency.lower(),
        }
        canceled_count = rng.choice([0, 0, 0, 1, 2])
        for attempt in range(canceled_count):
            rows.append(
                Payment(
                    **common,
                    status=Payment.Status.CANCELED,
                    stripe_payment_intent_id=f"pi_bench_{enrollment.pk}_{attempt}",
                    failure_message="Your card was declined.",
                )
            )
        intent_id = f"pi_bench_{enrollment.pk}_{canceled_count}"
        if enrollment.status in ("active", "completed"):
            rows.append(
                Payment(
                    **common,
                    status=Payment.Status.SUCCEEDED,
                    stripe_payment_intent_id=intent_id,
                    stripe_charge_id=f"ch_bench_{enrollment.pk}",
                    card_brand="visa",
                    card_last4="4242",
                    receipt_number=f"BDS-BENCH-{enrollment.pk:08d}",
                    succeeded_at=enrollment.created_at,
                )
            )
        else:
            rows.append(Payment(**common, status=Payment.Status.REQUIRES_PAYMENT, stripe_payment_intent_id=intent_id))
    return Payment.objects.bulk_create(rows, batch_size=batch_size)
