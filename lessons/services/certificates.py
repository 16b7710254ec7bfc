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
from lessons.signals import certificate_lines

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
        _certificate_pdf_store(certificate, enrollment)
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


def _certificate_pdf_store(certificate: Certificate, enrollment: Enrollment | None) -> None:
    # Extra lines from the apps above (flights: the practical's sign-off), via a declared signal.
    extra = []
    if enrollment is not None:
        extra = [line for _receiver, line in certificate_lines.send(sender=Enrollment, enrollment=enrollment) if line]
    pdf = certificate_pdf_render(certificate, flight_signoff=" · ".join(extra))
    certificate.pdf.save(f"{certificate.public_id}.pdf", ContentFile(pdf), save=False)
    Certificate.objects.filter(pk=certificate.pk).update(pdf=certificate.pdf.name)


def certificate_pdf_rerender(*, certificate: Certificate) -> None:
    """Draw an issued certificate's PDF again in the current design, from what it recorded at issue
    (name, course title, hours, instructor, date) plus the sign-off lines as they stand now.

    The student is not emailed again and the verification URL does not change. The new file is
    stored under a new name before the row points at it; the old file is deleted only after that
    commits, so a download in between gets one or the other, never a missing file.
    """
    previous = certificate.pdf.name
    enrollment = Enrollment.objects.filter(user_id=certificate.user_id, course_id=certificate.course_id).first()
    with transaction.atomic():
        _certificate_pdf_store(certificate, enrollment)
        if previous and previous != certificate.pdf.name:
            storage = certificate.pdf.storage
            transaction.on_commit(lambda: storage.delete(previous))
    logger.info("certificate %s PDF drawn again (was %s)", certificate.public_id, previous or "missing")


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


NAVY, BLUE, ORANGE, GOLD, INK_SOFT = "#0c2340", "#1d5fbf", "#f5a524", "#b8892b", "#475467"


def _draw_logo(pdf, x: float, y: float, size: float) -> None:
    """The school's mark (the header's drone: four rotors around a body), in the school's colours."""
    from reportlab.lib.colors import HexColor

    pdf.saveState()
    pdf.setFillColor(HexColor(NAVY))
    pdf.roundRect(x, y, size, size, size * 0.22, stroke=0, fill=1)
    pdf.setStrokeColor(HexColor("#ffffff"))
    pdf.setLineWidth(size * 0.045)
    c, r, arm = size / 2, size * 0.13, size * 0.23
    pdf.line(x + c - arm, y + c - arm, x + c + arm, y + c + arm)
    pdf.line(x + c - arm, y + c + arm, x + c + arm, y + c - arm)
    for dx in (-arm, arm):
        for dy in (-arm, arm):
            pdf.circle(x + c + dx, y + c + dy, r, stroke=1, fill=0)
    pdf.setFillColor(HexColor(ORANGE))
    pdf.roundRect(x + c - size * 0.1, y + c - size * 0.1, size * 0.2, size * 0.2, size * 0.05, stroke=0, fill=1)
    pdf.restoreState()


def _instructor_signature(certificate: Certificate):
    """The signing instructor's signature image (private storage), or None."""
    from reportlab.lib.utils import ImageReader

    instructor = (
        certificate.course.instructors.select_related("user")
        .filter(user__full_name=certificate.instructor_name)
        .first()
    )
    if instructor is None or not instructor.signature:
        return None
    try:
        with instructor.signature.open("rb") as handle:
            return ImageReader(io.BytesIO(handle.read()))
    except OSError:
        logger.warning("signature of instructor %s could not be read", instructor.pk)
        return None


def certificate_pdf_render(certificate: Certificate, *, flight_signoff: str = "") -> bytes:
    """A one-page landscape certificate a student would frame: the school's logo and colours, the
    name, course, hours and completion date, the instructor's signature, the flight-day sign-off
    when given, and a QR code to the public verification page with its URL."""
    import segno
    from reportlab.lib.colors import HexColor
    from reportlab.lib.pagesizes import landscape, letter
    from reportlab.lib.utils import ImageReader
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    width, height = landscape(letter)
    pdf = canvas.Canvas(buffer, pagesize=(width, height))
    pdf.setTitle(f"Certificate {certificate.public_id}")
    pdf.setAuthor(settings.SCHOOL_NAME)
    pdf.setSubject(f"{certificate.full_name}: {certificate.course_title}")
    # Paper, a navy band at the top, a double frame with a gold inner line.
    pdf.setFillColor(HexColor("#fbfaf6"))
    pdf.rect(0, 0, width, height, stroke=0, fill=1)
    pdf.setFillColor(HexColor(NAVY))
    pdf.rect(0, height - 92, width, 92, stroke=0, fill=1)
    pdf.setFillColor(HexColor(ORANGE))
    pdf.rect(0, height - 98, width, 6, stroke=0, fill=1)
    pdf.setStrokeColor(HexColor(NAVY))
    pdf.setLineWidth(2.5)
    pdf.rect(22, 22, width - 44, height - 44)
    pdf.setStrokeColor(HexColor(GOLD))
    pdf.setLineWidth(0.8)
    pdf.rect(30, 30, width - 60, height - 60)
    _draw_logo(pdf, 48, height - 78, 52)
    pdf.setFillColor(HexColor("#ffffff"))
    pdf.setFont("Helvetica-Bold", 20)
    pdf.drawString(114, height - 50, settings.SCHOOL_NAME)
    pdf.setFont("Helvetica", 10.5)
    pdf.drawString(114, height - 66, "Online ground school and hands-on flight training · Boston, MA")
    center = width / 2
    pdf.setFillColor(HexColor(NAVY))
    pdf.setFont("Times-Bold", 38)
    pdf.drawCentredString(center, height - 160, "Certificate of Completion")
    pdf.setFillColor(HexColor(INK_SOFT))
    pdf.setFont("Helvetica", 13)
    pdf.drawCentredString(center, height - 196, "This certifies that")
    pdf.setFillColor(HexColor(NAVY))
    name_font = _certificate_font(certificate.full_name, bold=True)
    pdf.setFont("Times-BoldItalic" if name_font == "Helvetica-Bold" else name_font, 34)
    pdf.drawCentredString(center, height - 240, certificate.full_name)
    pdf.setStrokeColor(HexColor(GOLD))
    pdf.setLineWidth(1)
    pdf.line(center - 200, height - 250, center + 200, height - 250)
    pdf.setFillColor(HexColor(INK_SOFT))
    pdf.setFont("Helvetica", 13)
    pdf.drawCentredString(center, height - 278, "has successfully completed the course")
    pdf.setFillColor(HexColor(BLUE))
    pdf.setFont(_certificate_font(certificate.course_title, bold=True), 21)
    pdf.drawCentredString(center, height - 310, certificate.course_title)
    issued = timezone.localdate(certificate.issued_at).strftime("%B %-d, %Y")
    pdf.setFillColor(HexColor(NAVY))
    pdf.setFont("Helvetica", 12)
    pdf.drawCentredString(center, height - 338, f"Date: {issued}    Hours: {certificate.hours}")
    if flight_signoff:
        pdf.setFont(_certificate_font(flight_signoff, bold=False), 11)
        pdf.setFillColor(HexColor(INK_SOFT))
        pdf.drawCentredString(center, height - 356, flight_signoff)
    # Signature block (left), seal-like QR block (right).
    signature = _instructor_signature(certificate)
    sig_x, sig_y = 90, 110
    if signature is not None:
        image_width, image_height = signature.getSize()
        draw_height = 44
        draw_width = min(220, image_width * draw_height / max(image_height, 1))
        pdf.drawImage(signature, sig_x, sig_y + 4, width=draw_width, height=draw_height, mask="auto")
    pdf.setStrokeColor(HexColor(NAVY))
    pdf.setLineWidth(0.8)
    pdf.line(sig_x, sig_y, sig_x + 230, sig_y)
    instructor_line = f"Instructor: {certificate.instructor_name}"
    pdf.setFillColor(HexColor(NAVY))
    pdf.setFont(_certificate_font(instructor_line, bold=False), 11)
    pdf.drawString(sig_x, sig_y - 15, instructor_line)
    pdf.setFont("Helvetica", 9)
    pdf.setFillColor(HexColor(INK_SOFT))
    pdf.drawString(sig_x, sig_y - 28, settings.SCHOOL_NAME)
    pdf.setFont("Helvetica", 8.5)
    pdf.drawString(sig_x, 52, f"Certificate id: {certificate.public_id}")
    pdf.drawString(sig_x, 41, f"Verify at {certificate.verify_url}")
    qr_png = io.BytesIO()
    segno.make(certificate.verify_url, error="m").save(qr_png, kind="png", scale=4, border=1, dark=NAVY)
    qr_png.seek(0)
    pdf.drawImage(ImageReader(qr_png), width - 170, 60, width=96, height=96)
    pdf.setFont("Helvetica", 8)
    pdf.drawCentredString(width - 122, 48, "Scan to verify")
    pdf.showPage()
    pdf.save()
    return buffer.getvalue()
