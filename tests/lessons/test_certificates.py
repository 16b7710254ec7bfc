"""Course completion issues exactly one certificate (PDF, email); anyone can verify it by its URL."""

import base64
import io
import re
import zlib
from pathlib import Path

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from bds.demo.practice_exam import question_bank_seed
from enrollments.models import Enrollment
from lessons import services
from lessons.models import Certificate, PracticeExam
from lessons.signals import completion_requirement_check
from lessons.tasks import certificate_issue_task

pytestmark = pytest.mark.django_db


def pdf_text(data: bytes) -> str:
    """The drawing operators of the PDF's content streams (ASCII85 + Flate, as reportlab writes them),
    enough to find the printed values."""
    chunks = []
    for stream in re.findall(rb"stream\r?\n(.*?)endstream", data, re.DOTALL):
        stream = stream.strip()
        try:
            chunks.append(zlib.decompress(base64.a85decode(stream, adobe=True)))
        except (ValueError, zlib.error):
            chunks.append(stream)  # an image or an unfiltered stream
    return b"\n".join(chunks).decode("latin-1")


def test_completing_every_required_lesson_issues_one_certificate(
    student_client, enrolled, course, lessons, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        for name in ("preview", "classes", "charts"):  # the bonus lesson is optional
            student_client.post(reverse("lessons:complete", args=[course.slug, lessons[name].slug]))
    certificate = Certificate.objects.get(user=enrolled, course=course)
    assert Enrollment.objects.get(user=enrolled).status == Enrollment.Status.COMPLETED
    assert certificate.full_name == "Sam Student"
    assert certificate.course_title == "Part 107 Remote Pilot Prep"
    assert str(certificate.hours) == "12.5"
    assert certificate.instructor_name == "Ivy Instructor"
    assert len(certificate.public_id) >= 20
    assert certificate.pdf.name.startswith("certificates/")
    assert len(mail.outbox) == 1
    email = mail.outbox[0]
    assert email.to == ["sam.student@example.com"]
    assert "Part 107 Remote Pilot Prep" in email.subject
    assert certificate.verify_url in email.body
    outline = student_client.get(reverse("lessons:outline", args=[course.slug])).content.decode()
    assert certificate.get_absolute_url() in outline


def test_task_run_twice_issues_one_certificate_and_one_email(
    enrolled, course, lessons, django_capture_on_commit_callbacks
):
    for name in ("preview", "classes", "charts"):
        services.lesson_progress_save(user=enrolled, lesson=lessons[name], position_seconds=1, completed=True)
    enrollment = Enrollment.objects.get(user=enrolled)
    with django_capture_on_commit_callbacks(execute=True):
        first = certificate_issue_task.delay(enrollment_id=enrollment.pk).get()
        second = certificate_issue_task.delay(enrollment_id=enrollment.pk).get()
    assert first == second
    assert Certificate.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_pdf_carries_name_course_hours_instructor_and_id(enrolled, course, lessons):
    for name in ("preview", "classes", "charts"):
        services.lesson_progress_save(user=enrolled, lesson=lessons[name], position_seconds=1, completed=True)
    certificate = services.certificate_issue(enrollment_id=Enrollment.objects.get(user=enrolled).pk)
    with certificate.pdf.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-")
    text = pdf_text(data)
    for printed in ("Sam Student", "Part 107 Remote Pilot Prep", "12.5", "Ivy Instructor", certificate.public_id):
        assert printed in text
    assert f"http://127.0.0.1:8000/certificates/{certificate.public_id}/" in text
    assert b"/Subtype /Image" in data  # the QR code


def test_no_certificate_while_the_exam_is_not_passed(enrolled, course, lessons):
    question_bank_seed()
    exam = PracticeExam.objects.get(course=course)
    for name in ("preview", "classes", "charts"):
        services.lesson_progress_save(user=enrolled, lesson=lessons[name], position_seconds=1, completed=True)
    enrollment = Enrollment.objects.get(user=enrolled)
    assert services.certificate_issue(enrollment_id=enrollment.pk) is None
    assert not Certificate.objects.exists()
    attempt = services.exam_attempt_start(user=enrolled, exam=exam)
    answers = {item.pk: item.question.choices.get(is_correct=True).pk for item in attempt.items.all()}
    services.exam_attempt_submit(attempt=attempt, answers=answers)
    assert services.certificate_issue(enrollment_id=enrollment.pk) is not None


def test_a_requirement_outside_lessons_blocks_completion(enrolled, course, lessons):
    for name in ("preview", "classes", "charts"):
        services.lesson_progress_save(user=enrolled, lesson=lessons[name], position_seconds=1, completed=True)
    enrollment = Enrollment.objects.get(user=enrolled)
    completion_requirement_check.connect(practical_missing, dispatch_uid="test.practical_missing")
    try:
        assert services.course_completion_status(enrollment=enrollment).practical_signed_off is False
        assert services.certificate_issue(enrollment_id=enrollment.pk) is None
    finally:
        completion_requirement_check.disconnect(dispatch_uid="test.practical_missing")


def practical_missing(sender, enrollment, **kwargs):
    return False


def test_revoked_enrollment_gets_no_certificate(enrolled, course, lessons):
    for name in ("preview", "classes", "charts"):
        services.lesson_progress_save(user=enrolled, lesson=lessons[name], position_seconds=1, completed=True)
    enrollment = Enrollment.objects.get(user=enrolled)
    Enrollment.objects.filter(pk=enrollment.pk).update(status=Enrollment.Status.REVOKED)
    assert services.certificate_issue(enrollment_id=enrollment.pk) is None


@pytest.fixture
def certificate(enrolled, course, lessons):
    for name in ("preview", "classes", "charts"):
        services.lesson_progress_save(user=enrolled, lesson=lessons[name], position_seconds=1, completed=True)
    return services.certificate_issue(enrollment_id=Enrollment.objects.get(user=enrolled).pk)


def test_anyone_can_verify_a_certificate(client, certificate):
    page = client.get(f"/certificates/{certificate.public_id}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Certificate verified" in html
    assert "Sam Student" in html
    assert "Part 107 Remote Pilot Prep" in html
    assert timezone.localdate(certificate.issued_at).strftime("%Y-%m-%d") in html
    assert "Download your certificate" not in html  # only for its owner


def test_made_up_certificate_id_is_a_404_page(client, certificate):
    page = client.get("/certificates/made-up-id-123/")
    assert page.status_code == 404
    assert "No such certificate" in page.content.decode()
    assert "Sam Student" not in page.content.decode()


def test_owner_downloads_the_pdf_through_a_signed_url(client, student_client, outsider, certificate):
    page = student_client.get(certificate.get_absolute_url()).content.decode()
    assert "Download your certificate" in page
    response = student_client.get(reverse("certificates:download", args=[certificate.public_id]))
    assert response.status_code == 302
    assert response["Location"].startswith("/private-media/")
    pdf = student_client.get(response["Location"])
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
    client.force_login(outsider)
    assert client.get(reverse("certificates:download", args=[certificate.public_id])).status_code == 404


def test_anonymous_download_asks_to_log_in(client, certificate):
    response = client.get(reverse("certificates:download", args=[certificate.public_id]))
    assert response.status_code == 302
    assert "/accounts/login/" in response["Location"]


@pytest.mark.skipif(
    not Path(services.UNICODE_FONT_FILES["CertificateSans-Bold"]).exists(),
    reason="DejaVu fonts not installed",
)
def test_a_name_beyond_latin_1_is_drawn_with_an_embedded_unicode_font(enrolled, course, lessons):
    enrolled.full_name = "Nguyễn Thị Ánh"
    enrolled.save(update_fields=["full_name"])
    for name in ("preview", "classes", "charts"):
        services.lesson_progress_save(user=enrolled, lesson=lessons[name], position_seconds=1, completed=True)
    certificate = services.certificate_issue(enrollment_id=Enrollment.objects.get(user=enrolled).pk)
    assert certificate.full_name == "Nguyễn Thị Ánh"
    with certificate.pdf.open("rb") as handle:
        data = handle.read()
    assert b"DejaVuSans-Bold" in data  # the font is embedded (subset) for the name
    assert "Part 107 Remote Pilot Prep" in pdf_text(data)  # Latin text stays in Helvetica


def test_the_pdf_is_landscape_with_the_instructors_signature_image(enrolled, course, lessons):
    from django.core.files.base import ContentFile
    from pypdf import PdfReader

    from bds.demo.portraits import signature_png

    instructor = course.instructors.get()
    instructor.signature.save("ivy.png", ContentFile(signature_png(instructor.user.full_name)), save=True)
    without = services.certificate_pdf_render(Certificate(full_name="X", course=course, course_title="Y"))
    for name in ("preview", "classes", "charts"):
        services.lesson_progress_save(user=enrolled, lesson=lessons[name], position_seconds=1, completed=True)
    certificate = services.certificate_issue(enrollment_id=Enrollment.objects.get(user=enrolled).pk)
    with certificate.pdf.open("rb") as handle:
        data = handle.read()

    page = PdfReader(io.BytesIO(data)).pages[0]
    assert page.mediabox.width > page.mediabox.height  # landscape
    text = page.extract_text()
    assert "Certificate of Completion" in text and "Sam Student" in text and "Instructor: Ivy Instructor" in text
    assert "Scan to verify" in text and certificate.public_id in text
    # The QR code and the signature: two images; without a signature only the QR code.
    assert len(page.images) == 2
    assert len(PdfReader(io.BytesIO(without)).pages[0].images) == 1


def test_certificates_rerender_draws_the_current_design_without_a_new_email_or_url(
    enrolled, course, lessons, django_capture_on_commit_callbacks
):
    from django.core.files.base import ContentFile
    from django.core.management import call_command

    for name in ("preview", "classes", "charts"):
        services.lesson_progress_save(user=enrolled, lesson=lessons[name], position_seconds=1, completed=True)
    with django_capture_on_commit_callbacks(execute=True):
        certificate = services.certificate_issue(enrollment_id=Enrollment.objects.get(user=enrolled).pk)
    # A PDF from an older design, as certificates issued before the redesign still hold.
    storage = certificate.pdf.storage
    old_name = storage.save(f"certificates/{certificate.public_id}-old.pdf", ContentFile(b"%PDF-1.4 old design"))
    Certificate.objects.filter(pk=certificate.pk).update(pdf=old_name)
    mail.outbox.clear()
    emailed_at, verify_url = certificate.emailed_at, certificate.verify_url

    with django_capture_on_commit_callbacks(execute=True):
        call_command("certificates_rerender", certificate.public_id, stdout=io.StringIO())

    certificate.refresh_from_db()
    with certificate.pdf.open("rb") as handle:
        redrawn = handle.read()
    assert redrawn.startswith(b"%PDF-") and b"old design" not in redrawn
    assert "Sam Student" in pdf_text(redrawn)
    assert not storage.exists(old_name)  # the old file went once the row pointed at the new one
    assert (certificate.emailed_at, certificate.verify_url) == (emailed_at, verify_url)
    assert mail.outbox == []


def test_certificates_rerender_names_what_to_draw_and_refuses_unknown_ids(db):
    from django.core.management import CommandError, call_command

    with pytest.raises(CommandError, match="--all"):
        call_command("certificates_rerender")
    with pytest.raises(CommandError, match="no-such-id"):
        call_command("certificates_rerender", "no-such-id")
