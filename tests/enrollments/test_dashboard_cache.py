"""The dashboard body is stored per student (dashboard/views.py, enrollments/student_cache.py): a repeat visit skips the
sections' queries, every change a student can see shows on the very next visit, and the stored
HTML never carries one browser's CSRF token into another."""

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Section
from enrollments import services
from enrollments.models import Enrollment
from flights.models import FlightSession, SeatBooking
from lessons.models import Certificate, Lesson, LessonProgress
from lessons.services import course_completion_check
from payments.models import Payment

pytestmark = pytest.mark.django_db


@pytest.fixture
def lessons(course):
    section = Section.objects.create(course=course, title="Basics", order=1)
    return [
        Lesson.objects.create(section=section, title=f"Lesson {order}", slug=f"lesson-{order}", order=order)
        for order in (1, 2)
    ]


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client


def dashboard(client) -> str:
    response = client.get("/dashboard/")
    assert response.status_code == 200
    return " ".join(response.content.decode().split())


def count_queries(client) -> int:
    with CaptureQueriesContext(connection) as queries:
        dashboard(client)
    return len(queries)


def test_a_repeat_visit_skips_the_sections_queries(student_client, student, course, lessons):
    services.enrollment_activate(user=student, course=course)
    first = count_queries(student_client)
    again = count_queries(student_client)
    assert again <= 2 < first  # the session's user (and at most one more), none of the sections
    assert dashboard(student_client).count("Aerial Mapping") >= 1


def test_each_students_dashboard_is_their_own(student_client, student, outsider, course):
    services.enrollment_activate(user=student, course=course)
    assert "Aerial Mapping" in dashboard(student_client)
    other = Client()
    other.force_login(outsider)
    page = dashboard(other)
    assert "Aerial Mapping" not in page
    assert "You are not enrolled in any course yet." in page


def test_the_stored_pending_checkout_form_carries_each_browsers_own_token(student, course):
    Enrollment.objects.create(user=student, course=course, status=Enrollment.Status.PENDING)
    laptop, phone = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    laptop.force_login(student)
    phone.force_login(student)
    dashboard(laptop)  # renders and stores the body with the laptop's session
    page = dashboard(phone)  # the stored body
    form = re.search(r'<form method="post" action="/courses/aerial-mapping/enroll/">(.*?)</form>', page)
    assert form, "the Finish your payment form"
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.group(1)).group(1)
    assert "placeholder" not in token
    # Any CSRF-protected POST checks the token against this browser's cookie: logging out will do.
    response = phone.post("/accounts/logout/", {"csrfmiddlewaretoken": token})
    assert response.status_code == 302


def test_enrolling_shows_at_once(student_client, student, course):
    assert "You are not enrolled in any course yet." in dashboard(student_client)
    services.enrollment_activate(user=student, course=course)
    assert "Continue learning" in dashboard(student_client)


def test_progress_completion_and_certificate_show_at_once(student_client, student, course, lessons):
    services.enrollment_activate(user=student, course=course)
    assert "0 of 2 lessons done" in dashboard(student_client)
    LessonProgress.objects.create(user=student, lesson=lessons[0], completed_at=timezone.now())
    assert "1 of 2 lessons done" in dashboard(student_client)
    LessonProgress.objects.create(user=student, lesson=lessons[1], completed_at=timezone.now())
    assert "2 of 2 lessons done" in dashboard(student_client)  # stored again, with "Active"
    # Completion goes through enrollments.services.enrollment_complete, whose save bumps the dashboard.
    assert course_completion_check(user=student, course=course)
    page = dashboard(student_client)
    assert "Review course" in page and "Completed" in page
    Certificate.objects.create(user=student, course=course, full_name="Sam Student", course_title="Aerial Mapping")
    assert "Download PDF" in dashboard(student_client)


def test_a_booking_and_a_session_change_show_at_once(student_client, student, course):
    enrollment = services.enrollment_activate(user=student, course=course)
    starts = timezone.now() + timedelta(days=5)
    session = FlightSession.objects.create(
        course=course, starts_at=starts, ends_at=starts + timedelta(hours=3), location_name="Castle Island"
    )
    assert "Book your flight day for Aerial Mapping" in dashboard(student_client)
    SeatBooking.objects.create(enrollment=enrollment, session=session, status=SeatBooking.Status.BOOKED)
    page = dashboard(student_client)
    assert "Castle Island" in page and "Book your flight day" not in page
    session.location_name = "Moakley Park"
    session.save()
    assert "Moakley Park" in dashboard(student_client)


def test_a_receipt_and_a_course_rename_show_at_once(student_client, student, course):
    enrollment = services.enrollment_activate(user=student, course=course)
    assert "No payments yet." in dashboard(student_client)
    Payment.objects.create(
        user=student,
        course=course,
        enrollment=enrollment,
        amount=19900,
        currency="usd",
        status=Payment.Status.SUCCEEDED,
        receipt_number="BDS-2026-000123",
        succeeded_at=timezone.now(),
    )
    assert "BDS-2026-000123" in dashboard(student_client)
    course.title = "Aerial Mapping and Photogrammetry"
    course.save()
    assert "Aerial Mapping and Photogrammetry" in dashboard(student_client)
