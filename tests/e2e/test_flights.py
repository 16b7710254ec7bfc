"""Journey 4: an enrolled student books a seat on a flight day after accepting the waiver, then
downloads the calendar file."""

import re
from datetime import UTC

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, requires_urls

pytestmark = [pytest.mark.e2e, requires_urls("flights:book", "flights:calendar")]

STUDENT = ("student@bostondroneschool.test", "demo-student-pass-2026")
COURSE = "Aerial Photography and Video Fundamentals"


def test_student_accepts_the_waiver_books_a_seat_and_downloads_the_ics(demo, page, screenshot):
    from courses.models import Course
    from enrollments.models import Enrollment
    from flights.models import FlightSession, SeatBooking, Waiver

    student = get_user_model().objects.get(email=STUDENT[0])
    course = Course.objects.get(title=COURSE)
    # Enrolled already (journeys 2 and 3 enroll in the browser).
    Enrollment.objects.create(user=student, course=course, status="active", activated_at=timezone.now())
    waiver = Waiver.objects.current_for(course)  # seed_demo publishes one per flight course
    first_session = FlightSession.objects.filter(course=course).order_by("starts_at").first()

    log_in(page, *STUDENT)
    page.get_by_role("navigation", name="Main").first.get_by_role("link", name="Flight sessions").click()
    card = page.get_by_role("listitem").filter(has_text=COURSE).first
    card.get_by_role("link", name=re.compile(r"^Book a seat")).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(f"{COURSE}: flight session")
    page.get_by_role("link", name="Book a seat").click()

    expect(page.get_by_role("heading", name=f"Waiver (version {waiver.version})")).to_be_visible()
    first_line = next(line.strip() for line in waiver.text.splitlines() if line.strip())
    expect(page.get_by_role("region", name="Waiver text")).to_contain_text(first_line)
    page.get_by_label("Type your full name to accept the waiver").fill("Jordan Avery")
    age = page.get_by_label("I confirm that I am 16 years of age or older")
    if age.count():
        age.check()
    equipment = page.get_by_label("Equipment you will bring")
    if equipment.count():
        equipment.fill("None, I use the school's")
    page.get_by_role("button", name="Accept the waiver and book").click()

    booking = SeatBooking.objects.get(enrollment__user=student)
    assert booking.session == first_session
    assert booking.status == "booked"
    assert booking.waiver_acceptance.typed_name == "Jordan Avery"
    assert booking.waiver_acceptance.waiver == waiver

    with page.expect_download() as download_info:
        page.get_by_role("link", name="Add to calendar (.ics)").click()
    download = download_info.value
    assert download.suggested_filename == f"flight-session-{booking.pk}.ics"
    ics = download.path().read_text(encoding="utf-8")
    assert ics.startswith("BEGIN:VCALENDAR")
    assert f"SUMMARY:Flight session: {COURSE}" in ics
    assert f"DTSTART:{first_session.starts_at.astimezone(UTC):%Y%m%dT%H%M%SZ}" in ics
    screenshot(page)
