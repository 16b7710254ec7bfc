"""Enroll and checkout: free courses, reuse of an open checkout, Stripe down, offline test mode."""

import socket
import threading

import pytest
from django.core import mail

from enrollments.models import Enrollment
from payments import services
from payments.models import Coupon, Payment, StripeEvent
from tests.payments.conftest import free_port


def enroll(client, course):
    return client.post(f"/courses/{course.slug}/enroll/")


def test_free_course_enrolls_at_once(student_client, verified_student, free_course, committed):
    with committed():
        response = enroll(student_client, free_course)

    assert response.status_code == 302
    enrollment = Enrollment.objects.get(user=verified_student, course=free_course)
    assert enrollment.status == Enrollment.Status.ACTIVE
    assert enrollment.grants_access
    assert not Payment.objects.exists()
    assert [message.subject for message in mail.outbox] == ["Welcome to Drone Basics"]


def test_enroll_needs_a_confirmed_email(client, student, paid_course):
    client.force_login(student)

    response = client.post(
        f"/courses/{paid_course.slug}/enroll/", HTTP_REFERER=f"http://testserver/courses/{paid_course.slug}/"
    )

    assert response["Location"] == f"http://testserver/courses/{paid_course.slug}/"
    page = client.get("/accounts/me/").content.decode()
    assert "Please confirm your email address before paying" in page
    assert "Resend confirmation email" in page
    assert not Payment.objects.exists()
    assert not Enrollment.objects.exists()


def test_enroll_needs_login_and_comes_back_to_the_course(client, verified_student, paid_course):
    response = client.post(f"/courses/{paid_course.slug}/enroll/")
    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next=/courses/{paid_course.slug}/enroll/"

    # After logging in, the login page sends a GET there: back to the course, nothing created.
    client.force_login(verified_student)
    back = client.get(f"/courses/{paid_course.slug}/enroll/")
    assert back["Location"] == f"/courses/{paid_course.slug}/"
    assert not Payment.objects.exists() and not Enrollment.objects.exists()


def test_prerequisites_block_enrollment(student_client, verified_student, paid_course, free_course):
    paid_course.prerequisites.add(free_course)

    response = student_client.post(f"/courses/{paid_course.slug}/enroll/", follow=True)

    assert "Complete the prerequisites first: Drone Basics" in response.content.decode()
    assert not Payment.objects.exists()


# -- offline test mode (no STRIPE_API_KEY: the embedded default) -----------------------------------


def test_offline_checkout_is_labelled_and_pays_through_the_event_path(
    student_client, verified_student, paid_course, committed
):
    response = enroll(student_client, paid_course)
    payment = Payment.objects.get()
    assert response["Location"] == f"/payments/checkout/{payment.pk}/"
    assert payment.amount == 4900 and payment.currency == "usd"
    assert payment.stripe_payment_intent_id.startswith("pi_offline_")
    assert Enrollment.objects.get().status == Enrollment.Status.PENDING

    page = student_client.get(response["Location"]).content.decode()
    assert "Test mode — no real card is charged" in page
    assert "Pay (test mode) $49.00" in page
    assert "js.stripe.com" not in page

    with committed():
        paid = student_client.post(f"/payments/checkout/{payment.pk}/pay-test-mode/", follow=True)

    payment.refresh_from_db()
    assert payment.status == Payment.Status.SUCCEEDED
    assert payment.card_last4 == "4242"
    assert payment.receipt_number
    assert Enrollment.objects.get().status == Enrollment.Status.ACTIVE
    # The same event processing as a real webhook ran, and recorded the event.
    event = StripeEvent.objects.get()
    assert event.type == "payment_intent.succeeded" and event.processed_at is not None
    assert "You are enrolled in Part 107 Exam Prep" in paid.content.decode()
    subjects = sorted(message.subject for message in mail.outbox)
    receipt_subject = "Your receipt for Part 107 Exam Prep"
    assert subjects == ["Welcome to Part 107 Exam Prep", receipt_subject]


def test_test_mode_button_is_refused_when_stripe_is_configured(student_client, verified_student, paid_course, settings):
    payment = services.checkout_start(user=verified_student, course=paid_course)
    settings.PAYMENTS_OFFLINE_MODE = False

    response = student_client.post(f"/payments/checkout/{payment.pk}/pay-test-mode/")

    assert response.status_code == 404
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REQUIRES_PAYMENT


def test_checkout_pages_are_scoped_to_their_owner(client, outsider, verified_student, paid_course):
    payment = services.checkout_start(user=verified_student, course=paid_course)
    client.force_login(outsider)

    assert client.get(f"/payments/checkout/{payment.pk}/").status_code == 404
    assert client.get(f"/payments/return/{payment.pk}/").status_code == 404
    assert client.post(f"/payments/checkout/{payment.pk}/pay-test-mode/").status_code == 404
    payment.refresh_from_db()
    assert payment.status == Payment.Status.REQUIRES_PAYMENT


def test_an_open_checkout_is_reused(student_client, verified_student, paid_course):
    first = enroll(student_client, paid_course)
    second = enroll(student_client, paid_course)

    assert first["Location"] == second["Location"]
    assert Payment.objects.count() == 1
    assert Enrollment.objects.get().status == Enrollment.Status.PENDING


def test_a_paid_student_is_not_charged_again(student_client, verified_student, paid_course):
    payment = services.checkout_start(user=verified_student, course=paid_course)
    services.checkout_pay_offline(payment=payment)

    response = enroll(student_client, paid_course)

    assert response.status_code == 302
    assert Payment.objects.count() == 1
    assert Payment.objects.get().status == Payment.Status.SUCCEEDED


# -- coupons ----------------------------------------------------------------------------------------


def test_coupon_discount_is_fixed_on_the_payment_and_reserved_at_checkout(
    student_client, verified_student, paid_course
):
    Coupon.objects.create(code="SPRING25", percent_off=25, max_redemptions=10)
    payment = services.checkout_start(user=verified_student, course=paid_course)

    response = student_client.post(f"/payments/checkout/{payment.pk}/coupon/", {"coupon": "spring25"})

    discounted = Payment.objects.get(coupon__isnull=False)
    assert response["Location"] == f"/payments/checkout/{discounted.pk}/"
    assert discounted.amount == 3675
    payment.refresh_from_db()
    assert payment.status == Payment.Status.CANCELED  # the full-price checkout can no longer be paid
    assert Coupon.objects.get().times_redeemed == 1  # reserved when the checkout opened
    assert discounted.coupon_reserved

    services.checkout_pay_offline(payment=discounted)
    services.checkout_pay_offline(payment=discounted)  # a second press changes nothing

    assert Coupon.objects.get().times_redeemed == 1


def test_unknown_or_exhausted_coupon_is_refused(student_client, verified_student, paid_course):
    Coupon.objects.create(code="GONE", amount_off=1000, max_redemptions=1, times_redeemed=1)
    payment = services.checkout_start(user=verified_student, course=paid_course)

    for code, message in (("NOPE", "That coupon code is not valid for this course"), ("gone", "has just been used up")):
        response = student_client.post(f"/payments/checkout/{payment.pk}/coupon/", {"coupon": code}, follow=True)
        assert message in response.content.decode()
    assert Payment.objects.get().amount == 4900


def test_a_full_discount_enrolls_without_stripe(verified_student, paid_course):
    Coupon.objects.create(code="FREE", percent_off=100, course=paid_course)

    payment = services.checkout_start(user=verified_student, course=paid_course, coupon_code="free")

    assert payment.amount == 0 and payment.status == Payment.Status.SUCCEEDED
    assert Enrollment.objects.get().status == Enrollment.Status.ACTIVE


def test_a_single_use_coupon_opened_by_three_students_discounts_one_and_tells_the_others(
    verified_student, outsider, paid_course, django_user_model
):
    """Sequential open-then-pay: the review's 50% single-use coupon gave three discounts."""
    from tests.payments.conftest import verify_email

    third = django_user_model.objects.create_user(email="third@example.com", password="x", full_name="Third Student")
    for user in (outsider, third):
        verify_email(user)
    coupon = Coupon.objects.create(code="ONCE", percent_off=50, max_redemptions=1)
    first = services.checkout_start(user=verified_student, course=paid_course, coupon_code="ONCE")
    for user in (outsider, third):
        with pytest.raises(services.CheckoutError, match="has just been used up"):
            services.checkout_start(user=user, course=paid_course, coupon_code="ONCE")

    services.checkout_pay_offline(payment=first)

    coupon.refresh_from_db()
    assert coupon.times_redeemed == 1
    assert list(Payment.objects.filter(coupon=coupon).values_list("status", "coupon_reserved")) == [
        (Payment.Status.SUCCEEDED, True)
    ]
    assert Enrollment.objects.filter(status=Enrollment.Status.ACTIVE).count() == 1


def test_the_student_who_loses_the_coupon_sees_why_and_keeps_the_full_price_checkout(
    student_client, verified_student, outsider, paid_course
):
    from tests.payments.conftest import verify_email

    verify_email(outsider)
    Coupon.objects.create(code="LAST", amount_off=900, max_redemptions=1)
    services.checkout_start(user=outsider, course=paid_course, coupon_code="LAST")
    payment = services.checkout_start(user=verified_student, course=paid_course)

    page = student_client.post(f"/payments/checkout/{payment.pk}/coupon/", {"coupon": "last"}, follow=True)

    html = page.content.decode()
    assert "the coupon LAST has just been used up" in html
    payment.refresh_from_db()
    assert payment.is_open and payment.amount == 4900 and payment.coupon_id is None


# -- Stripe unreachable -----------------------------------------------------------------------------


@pytest.fixture
def stripe_configured(settings):
    settings.STRIPE_API_KEY = "sk_test_unreachable"
    settings.STRIPE_PUBLISHABLE_KEY = "pk_test_unreachable"
    settings.STRIPE_WEBHOOK_SECRET = "whsec_unreachable"
    settings.PAYMENTS_OFFLINE_MODE = False
    settings.STRIPE_MAX_NETWORK_RETRIES = 0
    settings.STRIPE_TIMEOUT_SECONDS = 0.5
    return settings


def assert_friendly_retry_page(response):
    assert response.status_code == 503
    page = response.content.decode()
    assert "We could not reach our payment provider. Nothing was charged." in page
    assert "Try again" in page
    assert not Payment.objects.open().exists()
    assert Payment.objects.get().status == Payment.Status.CANCELED


def test_stripe_down_at_checkout_gives_a_retry_page(student_client, verified_student, paid_course, stripe_configured):
    stripe_configured.STRIPE_API_BASE = f"http://127.0.0.1:{free_port()}"  # nothing listens: refused

    assert_friendly_retry_page(enroll(student_client, paid_course))


def test_stripe_timing_out_at_checkout_gives_a_retry_page(
    student_client, verified_student, paid_course, stripe_configured
):
    # A server that accepts the connection and never answers.
    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    accepted = []
    stop = threading.Event()

    def accept_and_hold():
        listener.settimeout(0.2)
        while not stop.is_set():
            try:
                accepted.append(listener.accept()[0])
            except TimeoutError:
                continue

    thread = threading.Thread(target=accept_and_hold, daemon=True)
    thread.start()
    stripe_configured.STRIPE_API_BASE = f"http://127.0.0.1:{listener.getsockname()[1]}"
    try:
        response = enroll(student_client, paid_course)
    finally:
        stop.set()
        thread.join()
        for connection in accepted:
            connection.close()
        listener.close()

    assert accepted, "the client never connected"
    assert_friendly_retry_page(response)
