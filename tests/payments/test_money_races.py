"""Money under concurrency: coupon redemptions and refunds, on PostgreSQL with real threads.

Each thread has its own database connection, so these are real interleavings of real transactions
(the outside review's six students enrolling at the same moment; three staff refunds at once).
"""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from enrollments.models import Enrollment
from payments import services
from payments.models import Coupon, Payment, Refund
from payments.services.events import IntentFacts, intent_canceled_apply
from payments.services.refunds import RefundFacts, refunds_apply
from tests.payments.conftest import free_port, verify_email
from tests.payments.test_webhooks import require_postgres, run_at_once

STUDENTS = 6


@pytest.fixture
def students(django_user_model):
    made = []
    for number in range(STUDENTS):
        user = django_user_model.objects.create_user(
            email=f"racer{number}@example.com", password="x", full_name=f"Racer {number}"
        )
        verify_email(user)
        made.append(user)
    return made


def open_checkout(user, course, code):
    """What the Enroll button does; a lost coupon race comes back as the student's message."""
    try:
        return services.checkout_start(user=user, course=course, coupon_code=code)
    except services.CouponUsedUp as error:
        return str(error)
    finally:
        connection.close()


# -- coupons ------------------------------------------------------------------------------------------


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("percent_off", [100, 50])
def test_concurrent_checkouts_never_exceed_a_single_use_coupon(students, paid_course, percent_off):
    require_postgres()
    coupon = Coupon.objects.create(code="ONLYONE", percent_off=percent_off, max_redemptions=1)

    results = run_at_once(*(lambda user=user: open_checkout(user, paid_course, "onlyone") for user in students))

    winners = [result for result in results if isinstance(result, Payment)]
    losers = [result for result in results if isinstance(result, str)]
    assert len(winners) == 1 and len(losers) == STUDENTS - 1
    assert all("has just been used up" in message for message in losers)
    coupon.refresh_from_db()
    assert coupon.times_redeemed == 1
    assert Payment.objects.filter(coupon=coupon).count() == 1
    if percent_off == 100:
        assert Enrollment.objects.filter(status=Enrollment.Status.ACTIVE).count() == 1
    else:
        for payment in Payment.objects.open():
            services.checkout_pay_offline(payment=payment)
        assert Payment.objects.filter(status=Payment.Status.SUCCEEDED, coupon=coupon).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_coupon_with_three_redemptions_gives_exactly_three_under_a_rush(students, paid_course):
    require_postgres()
    coupon = Coupon.objects.create(code="THREE", amount_off=1000, max_redemptions=3)

    results = run_at_once(*(lambda user=user: open_checkout(user, paid_course, "THREE") for user in students))

    assert sum(isinstance(result, Payment) for result in results) == 3
    coupon.refresh_from_db()
    assert coupon.times_redeemed == 3


def test_cancelling_a_checkout_gives_its_redemption_back(verified_student, outsider, paid_course):
    verify_email(outsider)
    coupon = Coupon.objects.create(code="ONCE", amount_off=900, max_redemptions=1)
    held = services.checkout_start(user=verified_student, course=paid_course, coupon_code="ONCE")
    with pytest.raises(services.CouponUsedUp):
        services.checkout_start(user=outsider, course=paid_course, coupon_code="ONCE")

    # Stripe says the PaymentIntent was cancelled (payment_intent.canceled, here applied directly).
    intent_canceled_apply(
        IntentFacts(intent_id=held.stripe_payment_intent_id, status="canceled", amount=0, currency="usd")
    )

    held.refresh_from_db()
    assert (held.status, held.coupon_reserved) == (Payment.Status.CANCELED, False)
    assert Coupon.objects.get().times_redeemed == 0
    taken = services.checkout_start(user=outsider, course=paid_course, coupon_code="ONCE")
    assert taken.coupon_reserved and Coupon.objects.get(pk=coupon.pk).times_redeemed == 1


def test_replacing_a_checkout_with_another_coupon_releases_the_first(verified_student, paid_course):
    Coupon.objects.create(code="FIRST", amount_off=500, max_redemptions=1)
    Coupon.objects.create(code="BETTER", amount_off=900, max_redemptions=1)
    services.checkout_start(user=verified_student, course=paid_course, coupon_code="FIRST")

    services.checkout_start(user=verified_student, course=paid_course, coupon_code="BETTER")

    assert dict(Coupon.objects.values_list("code", "times_redeemed")) == {"FIRST": 0, "BETTER": 1}
    assert Payment.objects.open().get().coupon.code == "BETTER"


def test_pressing_enroll_again_keeps_the_one_redemption(verified_student, paid_course):
    Coupon.objects.create(code="ONCE", amount_off=900, max_redemptions=1)
    first = services.checkout_start(user=verified_student, course=paid_course, coupon_code="ONCE")
    Payment.objects.filter(pk=first.pk).update(amount=1)  # the price changed meanwhile: a new checkout

    second = services.checkout_start(user=verified_student, course=paid_course)

    assert second.pk != first.pk and second.coupon_reserved
    first.refresh_from_db()
    assert (first.status, first.coupon_reserved) == (Payment.Status.CANCELED, False)
    assert Coupon.objects.get().times_redeemed == 1


def test_an_abandoned_checkout_releases_its_coupon_after_the_hold(verified_student, outsider, paid_course, settings):
    verify_email(outsider)
    Coupon.objects.create(code="ONCE", amount_off=900, max_redemptions=1)
    held = services.checkout_start(user=verified_student, course=paid_course, coupon_code="ONCE")
    assert services.checkouts_abandoned_release() == 0  # still within the hold

    Payment.objects.filter(pk=held.pk).update(
        updated_at=timezone.now() - timedelta(seconds=settings.PAYMENTS_COUPON_HOLD_SECONDS + 1)
    )
    assert services.checkouts_abandoned_release() == 1

    held.refresh_from_db()
    assert (held.status, held.coupon_reserved) == (Payment.Status.CANCELED, False)
    assert "expired unpaid" in held.failure_message
    assert services.checkout_start(user=outsider, course=paid_course, coupon_code="ONCE").coupon_reserved
    assert services.checkouts_abandoned_release() == 0  # nothing twice


def test_stripe_down_at_checkout_releases_the_coupon(verified_student, paid_course, settings):
    Coupon.objects.create(code="ONCE", amount_off=900, max_redemptions=1)
    settings.STRIPE_API_KEY = "sk_test_unreachable"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_unreachable"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_unreachable"
    settings.PAYMENTS_OFFLINE_MODE = False
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    settings.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"  # nothing listens

    with pytest.raises(services.PaymentProviderUnavailable):
        services.checkout_start(user=verified_student, course=paid_course, coupon_code="ONCE")

    assert Coupon.objects.get().times_redeemed == 0
    assert not Payment.objects.filter(coupon_reserved=True).exists()


# -- refunds ------------------------------------------------------------------------------------------


@pytest.fixture
def paid_149_50(verified_student, paid_course):
    paid_course.price = Decimal("149.50")
    paid_course.save()
    payment = services.checkout_start(user=verified_student, course=paid_course)
    services.checkout_pay_offline(payment=payment)
    payment.refresh_from_db()
    assert (payment.status, payment.amount) == (Payment.Status.SUCCEEDED, 14950)
    return payment


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_three_concurrent_100_dollar_refunds_of_149_50_never_exceed_the_payment(paid_149_50, staff):
    require_postgres()

    def refund(key):
        try:
            return services.payment_refund(
                payment=paid_149_50, amount=10000, reason="race", requested_by=staff, idempotency_key=key
            )
        except services.RefundError as error:
            return str(error)
        finally:
            connection.close()

    results = run_at_once(*(lambda key=key: refund(key) for key in ("a", "b", "c")))

    assert sum(isinstance(result, Refund) for result in results) == 1
    assert all("between" in r or "Nothing is left" in r for r in results if isinstance(r, str))
    paid_149_50.refresh_from_db()
    assert paid_149_50.amount_refunded == 10000
    assert Refund.objects.filter(status=Refund.Status.SUCCEEDED).count() == 1


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_the_same_refund_submitted_twice_at_once_refunds_once(paid_149_50, staff):
    require_postgres()

    def refund():
        try:
            return services.payment_refund(payment=paid_149_50, amount=5000, reason="twice", requested_by=staff)
        finally:
            connection.close()

    first, second = run_at_once(refund, refund)

    assert first.pk == second.pk
    paid_149_50.refresh_from_db()
    assert paid_149_50.amount_refunded == 5000


def test_a_pending_refund_counts_against_what_is_refundable(paid_149_50, staff):
    Refund.objects.create(
        payment=paid_149_50, amount=14000, stripe_refund_id="pending_elsewhere", status=Refund.Status.PENDING
    )
    with pytest.raises(services.RefundError, match="between"):
        services.payment_refund(payment=paid_149_50, amount=1000, reason="too much", requested_by=staff)
    assert services.payment_refund(payment=paid_149_50, amount=950, reason="fits", requested_by=staff).amount == 950


def test_refund_events_never_record_more_than_was_paid(paid_149_50):
    intent = paid_149_50.stripe_payment_intent_id
    facts = RefundFacts(
        intent_id=intent,
        charge_id="",
        refunds=[
            {"id": "re_dash_1", "object": "refund", "amount": 10000, "status": "succeeded"},
            {"id": "re_dash_2", "object": "refund", "amount": 10000, "status": "succeeded"},
        ],
    )
    refunds_apply(facts)
    refunds_apply(facts)  # the same event again

    paid_149_50.refresh_from_db()
    assert paid_149_50.amount_refunded == 14950
    assert paid_149_50.status == Payment.Status.REFUNDED
    assert Refund.objects.count() == 2
