"""Bulk payments for the load benchmark (bench_data): realistic rows, no Stripe, no services.

Several attempts per paid enrollment: failed or canceled ones first, then the one that matches
the enrollment (paid for active/completed, open for pending), so the one-open-checkout and unique
receipt constraints hold exactly as in production data.
"""

from datetime import timedelta

from core.bulk_copy import bulk_insert


def bench_payments(*, rng, enrollments, count: int, model, batch_size: int = 1000) -> list:
    paid_for = [enrollment for enrollment in enrollments if not enrollment.course.is_free]
    rows = []
    for enrollment in paid_for:
        if len(rows) >= count:
            break
        amount = enrollment.course.price_minor_units
        created = enrollment.created_at - timedelta(minutes=rng.randint(1, 60 * 24))
        for _ in range(rng.choice([0, 0, 0, 1, 2])):
            rows.append(
                model(
                    user_id=enrollment.user_id,
                    course_id=enrollment.course_id,
                    enrollment_id=enrollment.pk,
                    amount=amount,
                    currency=enrollment.course.currency.lower(),
                    status="canceled",  # failed attempts that were replaced by a new checkout
                    failure_message="Your card was declined.",
                )
            )
        index = len(rows) + 1
        if enrollment.status in ("active", "completed"):
            rows.append(
                model(
                    user_id=enrollment.user_id,
                    course_id=enrollment.course_id,
                    enrollment_id=enrollment.pk,
                    amount=amount,
                    currency=enrollment.course.currency.lower(),
                    status="succeeded",
                    stripe_payment_intent_id=f"pi_bench_{enrollment.pk}_{index}",
                    stripe_charge_id=f"ch_bench_{enrollment.pk}_{index}",
                    card_brand="visa",
                    card_last4="4242",
                    receipt_number=f"BDS-BENCH-{enrollment.pk:08d}",
                    succeeded_at=created,
                )
            )
        elif enrollment.status == "pending":
            rows.append(
                model(
                    user_id=enrollment.user_id,
                    course_id=enrollment.course_id,
                    enrollment_id=enrollment.pk,
                    amount=amount,
                    currency=enrollment.course.currency.lower(),
                    status="requires_payment",
                    stripe_payment_intent_id=f"pi_bench_{enrollment.pk}_{index}",
                )
            )
    return bulk_insert(model, rows[:count], batch_size=batch_size)
