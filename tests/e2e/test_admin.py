"""Journeys 5 and 6 in the admin, each person logging in with an authenticator code:
an instructor adds a lesson with a video, and staff refund a payment."""

import re
import shutil
import subprocess
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, log_in_with_totp, requires_urls, totp_activate, wait_for

pytestmark = pytest.mark.e2e

INSTRUCTOR = ("maya.okafor@bostondroneschool.test", "demo-instructor-pass-2026")
STAFF = ("staff@bostondroneschool.test", "demo-staff-pass-2026")
STUDENT = ("student@bostondroneschool.test", "demo-student-pass-2026")
PAID_COURSE = "Part 107 Remote Pilot Exam Prep"


def small_mp4(path):
    """Two seconds of test pattern, H.264 as browsers play it."""
    subprocess.run(
        ["ffmpeg", "-v", "error", "-f", "lavfi", "-i", "testsrc=size=320x240:rate=10", "-t", "2"]
        + ["-pix_fmt", "yuv420p", "-c:v", "libx264", "-movflags", "+faststart", str(path)],
        check=True,
        timeout=60,
    )
    return path


@requires_urls("lessons:lesson")
@pytest.mark.skipif(not shutil.which("ffmpeg"), reason="the upload is an MP4 made with ffmpeg")
def test_instructor_with_mfa_adds_a_lesson_with_a_video_and_sees_it_on_the_site(
    demo, page, tmp_path, screenshot, axe_violations
):
    from lessons.models import Lesson

    secret = totp_activate(get_user_model().objects.get(email=INSTRUCTOR[0]))
    log_in_with_totp(page, *INSTRUCTOR, secret)

    page.goto("/admin/")
    page.get_by_role("row").get_by_role("link", name="Lessons", exact=True).click()
    page.get_by_role("link", name=re.compile(r"^Add lesson")).click()
    axe_violations.context.add_cookies(page.context.cookies())
    assert axe_violations(page.url.removeprefix(page.url.split("/admin/")[0])) == []  # the lesson form
    page.get_by_label("Section").select_option(label="Fly Safe: Drone Basics › Before you fly")
    # The lesson's own fields ("Title *" with the theme's required mark), not the materials table's
    # inputs, which are labelled too ("Title (material)", "Order (material)").
    page.get_by_label(re.compile(r"^Order\W*$")).fill("9")
    page.get_by_label(re.compile(r"^Title\W*$")).fill("Flying near airports")
    page.get_by_label(re.compile(r"^Title\W*$")).press("Tab")
    expect(page.get_by_label("Slug")).to_have_value("flying-near-airports")  # the admin's prepopulate
    page.get_by_label("Body").fill("Check **B4UFLY** before every flight near an airport.")
    # Files are local in tests, so the direct-upload widget is a plain file input posted with the form.
    page.get_by_label("Video").set_input_files(small_mp4(tmp_path / "airports.mp4"))
    page.get_by_label("Is preview").check()
    page.get_by_role("button", name="Save", exact=True).click()
    expect(page.get_by_text(re.compile(r"was added successfully"))).to_be_visible()

    lesson = Lesson.objects.get(slug="flying-near-airports")
    assert lesson.section.course.title == "Fly Safe: Drone Basics"
    assert lesson.video.name.endswith(".mp4")

    # A visitor's browser: the new preview lesson is in the syllabus and its video plays.
    page.context.clear_cookies()
    page.goto("/courses/fly-safe-drone-basics/")
    page.get_by_role("region", name="Syllabus").get_by_role("link", name="Flying near airports").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Flying near airports")
    expect(page.get_by_role("strong")).to_have_text("B4UFLY")
    played = page.locator("video").evaluate(
        """async (video) => {
            video.muted = true;
            await video.play();
            await new Promise((resolve) => video.addEventListener('ended', resolve, {once: true}));
            return {duration: video.duration, error: video.error};
        }"""
    )
    assert played["error"] is None
    assert 1.5 < played["duration"] < 2.5
    screenshot(page)


@requires_urls("payments:checkout", "lessons:outline")
def money(label: str) -> Decimal:
    """$1,234.50 → Decimal("1234.50")"""
    return Decimal(re.sub(r"[^\d.]", "", label))


def test_staff_refund_ends_the_students_access_and_emails_them(
    demo, stripe_live, smtp_inbox, new_context, screenshot, axe_violations
):
    from courses.models import Course
    from enrollments.models import Enrollment
    from payments import services

    # Journey 3's outcome, reached through the same services and localstripe without the browser.
    user_model = get_user_model()
    student = user_model.objects.get(email=STUDENT[0])
    course = Course.objects.get(title=PAID_COURSE)
    payment = services.checkout_start(user=student, course=course)
    assert stripe_live.confirm_with_card(payment.stripe_payment_intent_id)[0] == 200
    student_page = new_context().new_page()
    wait_for(lambda: Enrollment.objects.filter(user=student, course=course, status="active").exists(), student_page)
    log_in(student_page, *STUDENT)
    student_page.goto(f"/learn/{course.slug}/")
    expect(student_page.get_by_role("heading", level=1)).to_have_text(PAID_COURSE)
    expect(student_page.get_by_role("link", name=re.compile(r"^Start: "))).to_be_visible()

    secret = totp_activate(user_model.objects.get(email=STAFF[0]))
    page = new_context().new_page()
    log_in_with_totp(page, *STAFF, secret)
    page.goto("/admin/")
    refunded_this_week = page.locator("#revenue-week + p + dl dt:text-is('Refunded') + dd")
    refunded_before = money(refunded_this_week.inner_text())
    page.get_by_role("row").get_by_role("link", name="Payments", exact=True).click()
    page.get_by_role("link", name=str(payment.pk), exact=True).click()
    page.get_by_role("link", name="Refund…").click()
    expect(page.get_by_label("Amount to refund")).to_have_value("149")
    page.get_by_label("Reason").fill("Student asked within the 14-day window")
    page.get_by_role("button", name="Review refund").click()
    axe_violations.context.add_cookies(page.context.cookies())
    assert axe_violations(page.url.removeprefix(page.url.split("/admin/")[0])) == []  # the refund form
    page.get_by_role("button", name="Yes, refund $149.00").click()
    expect(page.get_by_text(re.compile(r"Refunded \$149\.00 \(re_\w+\)"))).to_be_visible()

    payment.refresh_from_db()
    assert payment.status == "refunded"
    assert Enrollment.objects.get(user=student, course=course).status == "refunded"

    # The dashboard's money figures include the refund on the very next view (bumped on commit).
    page.goto("/admin/")
    assert money(refunded_this_week.inner_text()) == refunded_before + Decimal("149.00")
    screenshot(page, "admin-dashboard-after-refund")

    student_page.goto(f"/learn/{course.slug}/")
    expect(student_page.get_by_role("heading", name="Enroll to unlock this course")).to_be_visible()
    [email] = wait_for(lambda: [m for m in smtp_inbox.to(STUDENT[0]) if m["Subject"].startswith("Refund")], page)
    assert "149.00" in email["Subject"]
    assert PAID_COURSE in email["Subject"]
    assert "has ended" in smtp_inbox.text(email)  # a full refund: the email says access ended
    screenshot(student_page)
