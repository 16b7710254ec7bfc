"""Trust pages in the browser: policies at sign-up and checkout, an instructor page, a receipt.

Screenshots at 390 and 1366 px (tests/e2e/screenshots/trust-*.png); axe-core clean on each.
"""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

STUDENT = ("student@bostondroneschool.test", "demo-student-pass-2026")


def test_policies_instructor_page_checkout_and_receipt(demo, page, screenshot, axe_violations):
    from courses.models import Course
    from payments import services
    from payments.models import Payment

    # Sign-up asks to accept the current terms and privacy policy, with links to them.
    page.goto("/accounts/signup/")
    box = page.get_by_label("I accept the terms of service and privacy policy")
    expect(box).to_be_visible()
    expect(page.get_by_role("link", name="privacy policy", exact=True)).to_have_attribute("href", "/policies/privacy/")
    screenshot(page, "trust-signup-policies")
    assert axe_violations("/accounts/signup/") == []

    page.goto("/policies/refund/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Refund policy")
    expect(page.get_by_text("48 hours before")).to_be_visible()
    screenshot(page, "trust-refund-policy")
    assert axe_violations("/policies/refund/") == []

    page.goto("/instructors/maya-okafor/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Maya Okafor")
    expect(page.get_by_role("heading", name="Courses by Maya Okafor")).to_be_visible()
    screenshot(page, "trust-instructor")
    assert axe_violations("/instructors/maya-okafor/") == []

    # Checkout: the card form comes after accepting the terms and refund policy.
    from django.contrib.auth import get_user_model

    student = get_user_model().objects.get(email=STUDENT[0])
    course = Course.objects.published().filter(price__gt=0).exclude(enrollments__user=student).first()
    payment = services.checkout_start(user=student, course=course, coupon_code=None)
    log_in(page, *STUDENT)
    page.goto(f"/payments/checkout/{payment.pk}/")
    expect(page.get_by_text("Before you pay")).to_be_visible()
    screenshot(page, "trust-checkout-policies")
    log_in(axe_violations.context.new_page(), *STUDENT)
    assert axe_violations(f"/payments/checkout/{payment.pk}/") == []
    page.get_by_label("I accept the terms of service and refund policy").check()
    page.get_by_role("button", name="Accept and continue to payment").click()
    page.get_by_role("button", name=f"Pay (test mode) {payment.amount_label}").click()

    payment = Payment.objects.get(pk=payment.pk)
    page.goto(f"/dashboard/receipts/{payment.receipt_number}/")
    expect(page.get_by_role("link", name="Download PDF")).to_be_visible()
    screenshot(page, "trust-receipt")
    assert axe_violations(f"/dashboard/receipts/{payment.receipt_number}/") == []
