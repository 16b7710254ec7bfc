"""Receipts: the page shows line items and coupon; the PDF carries them and the refunds; owner only."""

import io

import pytest
from pypdf import PdfReader

from payments import services
from payments.models import Coupon, Payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(student_client, verified_student, paid_course, committed):
    coupon = Coupon.objects.create(code="SPRING10", amount_off=1000)
    student_client.post(f"/courses/{paid_course.slug}/enroll/", {"coupon": "SPRING10"})
    payment = Payment.objects.get()
    assert payment.coupon == coupon
    with committed():
        services.checkout_pay_offline(payment=payment)
    payment.refresh_from_db()
    return payment


def test_receipt_pdf_has_line_items_coupon_and_refunds(student_client, paid, staff, committed):
    with committed():
        services.payment_refund(payment=paid, amount=500, reason="Partial", requested_by=staff)
    paid.refresh_from_db()

    page = student_client.get(f"/dashboard/receipts/{paid.receipt_number}/").content.decode()
    assert "Coupon SPRING10" in page and f"/dashboard/receipts/{paid.receipt_number}/pdf/" in page

    response = student_client.get(f"/dashboard/receipts/{paid.receipt_number}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = PdfReader(io.BytesIO(response.content)).pages[0].extract_text()
    assert paid.receipt_number in text and "Sam Student" in text and "Part 107 Exam Prep" in text
    assert "Coupon SPRING10" in text and "-$10.00" in text
    assert "Total paid" in text and "$39.00" in text
    assert "-$5.00" in text and "Net paid" in text and "$34.00" in text


def test_another_student_gets_404_for_the_receipt_pdf(client, outsider, paid):
    client.force_login(outsider)
    assert client.get(f"/dashboard/receipts/{paid.receipt_number}/pdf/").status_code == 404
    assert client.get(f"/dashboard/receipts/{paid.receipt_number}/").status_code == 404
    client.logout()
    assert client.get(f"/dashboard/receipts/{paid.receipt_number}/pdf/").status_code == 302
