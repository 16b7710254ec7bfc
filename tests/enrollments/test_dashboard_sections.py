"""The dashboard brings together progress (lessons), certificates (lessons), flight bookings and
the logbook (flights) and receipts (payments), in a fixed number of queries."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Course, Section
from enrollments.models import Enrollment
from lessons.models import Certificate, Lesson, LessonProgress

pytestmark = pytest.mark.django_db


def enroll_in_new_course(user, course, index: int) -> Enrollment:
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
    client.force_login(student)
    enroll_in_new_course(student, course, 1)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/dashboard/").status_code == 200
    for index in range(2, 9):
        enroll_in_new_course(student, course, index)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/dashboard/").status_code == 200
    assert len(many) == len(few)
