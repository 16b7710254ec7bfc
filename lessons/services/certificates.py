"""Course completion and certificates: the completion rule, the certificate row, PDF and email."""

import io
import logging
from pathlib import Path

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format

from core.mail import email_send
from enrollments.models import Enrollment
from lessons.models import (
    Certificate,
)
from lessons.services.completion import course_completion_status

logger = logging.getLogger(__name__)

# -- certificates ---------------------------------------------------------------------------------


def certificate_issue(*, enrollment_id: int) -> Certificate | None:
    """Issue the certificate for a completed enrollment: row, PDF (private), email.

    Idempotent, so a retried task never issues two: one certificate per (user, course) is a
    database constraint, the PDF is rendered only while missing, and the email goes out only
    for the caller that flips `emailed_at`. Returns None (and issues nothing) when the enrollment
    no longer grants access or the course is not complete.
    """
    enrollment = Enrollment.objects.select_related("user", "course").get(pk=enrollment_id)
    if not enrollment.grants_access or not course_completion_status(enrollment=enrollment).complete:
        logger.info("certificate not issued for enrollment %s: not complete or no access", enrollment_id)
        return None
    user, course = enrollment.user, enrollment.course
    instructor = course.instructors.select_related("user").first()
    try:
        with transaction.atomic():
            certificate, created = Certificate.objects.get_or_create(
                user=user,
                course=course,
                defaults={
                    "full_name": user.full_name or user.email,
                    "course_title": course.title,
                    "hours": course.estimated_hours,
                    "instructor_name": instructor.user.full_name if instructor else settings.SCHOOL_NAME,
                },
            )
    except IntegrityError:
        certificate, created = Certificate.objects.get(user=user, course=course), False
    if created:
        logger.info("certificate %s issued to user %s for course %s", certificate.public_id, user.pk, course.pk)
    if not certificate.pdf:
        certificate.pdf.save(
            f"{certificate.public_id}.pdf", ContentFile(certificate_pdf_render(certificate)), save=False
        )
        Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name)
    with transaction.atomic():
        claimed = Certificate.objects.filter(pk=certificate.pk, emailed_at__isnull=True).update(
            emailed_at=timezone.now()
        )
        if claimed:
            email_send(
                template="certificate_issued",
                to=[user.email],
                context={
                    "user_name": certificate.full_name,
                    "course_title": certificate.course_title,
                    "issued_on": date_format(timezone.localtime(certificate.issued_at), "F j, Y"),
                    "certificate_url": certificate.verify_url,
                    "download_url": settings.SITE_URL
                    + reverse("certificates:download", kwargs={"public_id": certificate.public_id}),
                },
                idempotency_key=f"certificate:{certificate.pk}",
            )
    certificate.refresh_from_db()
    return certificate


# A Unicode font for names the PDF base fonts cannot draw (they cover Windows-1252 only).
UNICODE_FONT_FILES = {
    "CertificateSans": "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "CertificateSans-Bold": "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
}


def _certificate_font(text: str, *, bold: bool) -> str:
    """Helvetica when it can draw `text` (most names), else DejaVu Sans when installed."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.ttfonts import TTFont

    try:
        text.encode("cp1252")
    except UnicodeEncodeError:
        name = "CertificateSans-Bold" if bold else "CertificateSans"
        if name in pdfmetrics.getRegisteredFontNames():
            return name
        if Path(UNICODE_FONT_FILES[name]).exists():
            pdfmetrics.registerFont(TTFont(name, UNICODE_FONT_FILES[name]))
            return name
        logger.warning("no Unicode font installed; certificate text %r may miss characters", text)
    return "Helvetica-Bold" if bold else "Helvetica"


def certificate_pdf_render(certificate: Certificate) -> bytes:
    """A one-page landscape certificate with the printed values and a QR code to its verify page."""
    import segno
    from reportlab.lib.pagesizes import landscape, letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    width, height = landscape(letter)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"Certificate {certificate.public_id}")
    pdf.setAuthor(settings.SCHOOL_NAME)
    pdf.setLineWidth(3)
    pdf.rect(30, 30, width - 60, height - 60)
    center = width / 2
    pdf.setFont("Helvetica-Bold", 16)
    pdf.drawCentredString(center, height - 90, settings.SCHOOL_NAME.upper())
    pdf.setFont("Helvetica-Bold", 34)
    pdf.drawCentredString(center, height - 150, "Certificate of Completion")
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(center, height - 195, "This certifies that")
    pdf.setFont(_certificate_font(certificate.full_name, bold=True), 28)
    pdf.drawCentredString(center, height - 240, certificate.full_name)
    pdf.setFont("Helvetica", 14)
    pdf.drawCentredString(center, height - 280, "has successfully completed the course")
    pdf.setFont(_certificate_font(certificate.course_title, bold=True), 20)
    pdf.drawCentredString(center, height - 315, certificate.course_title)
    pdf.setFont("Helvetica", 12)
    issued = timezone.localdate(certificate.issued_at).strftime("%B %-d, %Y")
    pdf.drawCentredString(center, height - 355, f"Date: {issued}    Hours: {certificate.hours}")
    instructor_line = f"Instructor: {certificate.instructor_name}"
    pdf.setFont(_certificate_font(instructor_line, bold=False), 12)
    pdf.drawCentredString(center, height - 375, instructor_line)
    pdf.setFont("Helvetica", 9)
    pdf.drawString(60, 70, f"Certificate id: {certificate.public_id}")
    pdf.drawString(60, 56, f"Verify at {certificate.verify_url}")
    qr_png = io.BytesIO()
    segno.make(certificate.verify_url, error="m").save(qr_png, kind="png", scale=4, border=1)
    qr_png.seek(0)
    pdf.drawImage(ImageReader(qr_png), width - 150, 50, width=90, height=90)
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
