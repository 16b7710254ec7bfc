"""The dashboard brings together progress (lessons), certificates (lessons), flight bookings and
the logbook (flights) and receipts (payments), in a fixed number of queries."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Course, Section
from enrollments.models import Enrollment
from flights.models import FlightSession, SeatBooking
from lessons.models import Certificate, Lesson, LessonProgress

pytestmark = pytest.mark.django_db


def enroll_in_new_course(user, course, index: int, *, flight_day: bool = False) -> Enrollment:
    other = Course.objects.create(
        slug=f"dash-{index}",
        title=f"Dashboard course {index}",
        summary="S.",
        category=course.category,
        status=Course.Status.PUBLISHED,
    )
    section = Section.objects.create(course=other, title="One", order=1)
    for order in (1, 2):
        Lesson.objects.create(section=section, title=f"L{order}", slug=f"dash-{index}-{order}", order=order)
    if flight_day:
        starts = timezone.now() + timedelta(days=index)
        for hours in (0, 48):  # two dates: the dashboard offers the next one
            FlightSession.objects.create(
                course=other,
                starts_at=starts + timedelta(hours=hours),
                ends_at=starts + timedelta(hours=hours + 3),
                location_name=f"Field {index}",
            )
    return Enrollment.objects.create(user=user, course=other, status=Enrollment.Status.ACTIVE)


def test_progress_and_certificates_show_on_the_dashboard(client, student, course):
    enrollment = enroll_in_new_course(student, course, 1)
    first = Lesson.objects.filter(section__course=enrollment.course).first()
    LessonProgress.objects.create(user=student, lesson=first, completed_at=timezone.now())
    Certificate.objects.create(
        user=student, course=enrollment.course, full_name="Sam Student", course_title="Dashboard course 1"
    )
    client.force_login(student)

    page = " ".join(client.get("/dashboard/").content.decode().split())

    assert "1 of 2 lessons done" in page
    assert 'value="50"' in page
    assert "Certificates" in page
    assert "Download PDF" in page
    assert "Continue learning" in page


def test_dashboard_queries_do_not_grow_with_enrollments(client, student, course):
    """Courses, progress, certificates, seats booked, flight days still to book (each with its
    next date), scrubbed sessions, logbook and receipts: the same queries for 1 or 8 courses."""
    client.force_login(student)
    enroll_in_new_course(student, course, 1, flight_day=True)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/dashboard/").status_code == 200
    enrollments = [enroll_in_new_course(student, course, index, flight_day=True) for index in range(2, 9)]
    booked, scrubbed = enrollments[0], enrollments[1]
    SeatBooking.objects.create(
        enrollment=booked, session=booked.course.flight_sessions.first(), status=SeatBooking.Status.BOOKED
    )
    SeatBooking.objects.create(
        enrollment=scrubbed,
        session=scrubbed.course.flight_sessions.first(),
        status=SeatBooking.Status.CANCELED,
        cancel_reason=SeatBooking.CancelReason.SCRUBBED,
    )
    with CaptureQueriesContext(connection) as many:
        page = " ".join(client.get("/dashboard/").content.decode().split())
    assert len(many) == len(few)
    assert page.count("Book your flight day for") == 7  # 8 courses, one of them booked
    assert "Book your flight day for Dashboard course 2" not in page
    assert "Dashboard course 3, " in page and "was scrubbed" in page
    assert '<span class="badge badge-success">Booked</span>' in page
