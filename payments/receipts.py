"""The printable receipt as a PDF: line items, coupon, payment and refunds, in the school's colours."""

import io

from django.conf import settings
from django.utils import timezone

from payments.models import Payment, money_label

NAVY, ORANGE, INK_SOFT, LINE = "#0c2340", "#f5a524", "#475467", "#d0d5dd"


def receipt_lines(payment: Payment) -> list[tuple[str, str]]:
    """(label, amount) rows: the course at its list price, the coupon's discount, the total paid."""
    list_price = max(payment.amount, int(round(payment.course.price * 100)))
    rows = [(payment.course.title, money_label(list_price, payment.currency))]
    if payment.coupon_id and list_price > payment.amount:
        rows.append((f"Coupon {payment.coupon.code}", "-" + money_label(list_price - payment.amount, payment.currency)))
    return rows


def receipt_pdf_render(payment: Payment, refunds) -> bytes:
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import letter
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    width, height = letter
    pdf = canvas.Canvas(buffer, pagesize=letter)
    pdf.setTitle(f"Receipt {payment.receipt_number}")
    pdf.setAuthor(settings.SCHOOL_NAME)
    pdf.setFillColor(HexColor(NAVY))
    pdf.rect(0, height - 80, width, 80, stroke=0, fill=1)
    pdf.setFillColor(HexColor(ORANGE))
    pdf.rect(0, height - 85, width, 5, stroke=0, fill=1)
    pdf.setFillColor(HexColor("#ffffff"))
    pdf.setFont("Helvetica-Bold", 18)
    pdf.drawString(50, height - 45, settings.SCHOOL_NAME)
    pdf.setFont("Helvetica", 10)
    pdf.drawString(50, height - 62, "27 Drydock Avenue, Suite 4 · Boston, MA 02210 · hello@bostondroneschool.test")
    pdf.setFont("Helvetica-Bold", 14)
    pdf.drawRightString(width - 50, height - 45, "RECEIPT")
    pdf.setFont("Helvetica", 10)
    pdf.drawRightString(width - 50, height - 62, payment.receipt_number or "")

    y = height - 130
    pdf.setFillColor(HexColor(NAVY))
    paid_on = timezone.localtime(payment.succeeded_at).strftime("%B %-d, %Y") if payment.succeeded_at else ""
    name = payment.user.full_name or payment.user.email
    for label, value in [
        ("Billed to", f"{name} ({payment.user.email})"),
        ("Date paid", paid_on),
        (
            "Payment method",
            f"{payment.card_brand.title()} ending in {payment.card_last4}" if payment.card_last4 else "Card",
        ),
        ("Status", payment.get_status_display()),
    ]:
        pdf.setFont("Helvetica-Bold", 10)
        pdf.drawString(50, y, label)
        pdf.setFont("Helvetica", 10)
        pdf.drawString(160, y, value)
        y -= 17

    y -= 20
    pdf.setFont("Helvetica-Bold", 10)
    pdf.setFillColor(HexColor(INK_SOFT))
    pdf.drawString(50, y, "DESCRIPTION")
    pdf.drawRightString(width - 50, y, "AMOUNT")
    y -= 8
    pdf.setStrokeColor(HexColor(LINE))
    pdf.line(50, y, width - 50, y)
    pdf.setFillColor(HexColor(NAVY))
    for label, amount in receipt_lines(payment):
        y -= 20
        pdf.setFont("Helvetica", 11)
        pdf.drawString(50, y, label)
        pdf.drawRightString(width - 50, y, amount)
    y -= 12
    pdf.line(50, y, width - 50, y)
    y -= 22
    pdf.setFont("Helvetica-Bold", 12)
    pdf.drawString(50, y, "Total paid")
    pdf.drawRightString(width - 50, y, payment.amount_label)

    refunds = list(refunds)
    if refunds:
        y -= 40
        pdf.setFont("Helvetica-Bold", 10)
        pdf.setFillColor(HexColor(INK_SOFT))
        pdf.drawString(50, y, "REFUNDS")
        y -= 8
        pdf.line(50, y, width - 50, y)
        pdf.setFillColor(HexColor(NAVY))
        for refund in refunds:
            y -= 20
            pdf.setFont("Helvetica", 11)
            when = timezone.localtime(refund.created_at).strftime("%B %-d, %Y")
            pdf.drawString(50, y, f"Refund {when} ({refund.get_status_display().lower()})")
            pdf.drawRightString(width - 50, y, "-" + money_label(refund.amount, payment.currency))
        y -= 22
        pdf.setFont("Helvetica-Bold", 12)
        pdf.drawString(50, y, "Net paid")
        pdf.drawRightString(width - 50, y, money_label(payment.amount - payment.amount_refunded, payment.currency))

    pdf.setFont("Helvetica", 9)
    pdf.setFillColor(HexColor(INK_SOFT))
    pdf.drawString(
        50,
        50,
        f"{settings.SCHOOL_NAME} · Payments processed by Stripe · Refund policy: {settings.SITE_URL}/policies/refund/",
    )
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
