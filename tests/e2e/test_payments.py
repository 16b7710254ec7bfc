"""Journey 3: a student buys a paid course. Checkout in the browser, the card confirmed on localstripe,
its signed webhook reaches /payments/confirm, the course opens in the dashboard, the receipt arrives.
"""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, requires_urls, wait_for

pytestmark = [pytest.mark.e2e, requires_urls("payments:checkout", "payments:return")]

PAID_COURSE = "Part 107 Remote Pilot Exam Prep"
STUDENT = ("student@bostondroneschool.test", "demo-student-pass-2026")


def test_student_pays_for_a_course_and_finds_it_in_the_dashboard(
    demo, stripe_live, smtp_inbox, page, axe_violations, screenshot
):
    from payments.models import Payment, StripeEvent

    stripe_live.install(page.context)
    log_in(page, *STUDENT)
    page.goto("/courses/part-107-remote-pilot-exam-prep/")
    page.get_by_role("button", name=re.compile(r"^Enroll for \$149")).click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Checkout")
    expect(page.get_by_role("region", name="Order summary")).to_contain_text(PAID_COURSE)
    payment = Payment.objects.get(user__email=STUDENT[0])
    assert payment.status == "requires_payment"
    assert payment.stripe_payment_intent_id.startswith("pi_")

    # The terms and the refund policy come first; then the card form (policies/, trust issue).
    page.get_by_label("I accept the terms of service and refund policy").check()
    page.get_by_role("button", name="Accept and continue to payment").click()
    expect(page.get_by_text("which you accepted")).to_be_visible()

    # The checkout page, axe-checked with the same session and the same Stripe stand-in.
    axe_violations.context.add_cookies(page.context.cookies())
    stripe_live.install(axe_violations.context)
    assert axe_violations(page.url) == []

    pay = page.get_by_role("button", name="Pay $149.00")
    expect(pay).to_be_enabled()  # checkout.js enables it when the payment element is ready
    screenshot(page, "checkout")
    pay.click()

    expect(page.get_by_role("heading", level=1)).to_have_text(f"Payment for {PAID_COURSE}")
    expect(page.get_by_text(f"Thank you! You are enrolled in {PAID_COURSE}.")).to_be_visible()
    # The enrollment came from localstripe's signed webhook, not only from the return page's re-read.
    event = wait_for(
        lambda: StripeEvent.objects.filter(type="payment_intent.succeeded", processed_at__isnull=False).first(), page
    )
    assert event.payload["data"]["object"]["id"] == payment.stripe_payment_intent_id
    payment.refresh_from_db()
    assert payment.status == "succeeded"

    page.get_by_role("navigation", name="Main").first.get_by_role("link", name="My courses").click()
    course_card = page.get_by_role("listitem").filter(has=page.get_by_role("link", name=PAID_COURSE))
    expect(course_card).to_contain_text("Active")
    expect(course_card.get_by_role("link", name="Continue learning")).to_be_visible()

    [receipt] = wait_for(lambda: [m for m in smtp_inbox.to(STUDENT[0]) if "receipt" in m["Subject"].lower()], page)
    assert PAID_COURSE in receipt["Subject"]
    assert payment.receipt_number
    assert payment.receipt_number in smtp_inbox.text(receipt)
    assert "149.00" in smtp_inbox.text(receipt)
    screenshot(page)
