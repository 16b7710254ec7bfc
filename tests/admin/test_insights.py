"""School insights (staff only): revenue per course and instructor, the learning funnel, exam
results by knowledge area and seats filled, each a chart with its numbers in a table."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backoffice import insights
from courses.models import Instructor
from enrollments.models import Enrollment
from lessons.models import Certificate, ExamAttempt, Lesson, LessonProgress, PracticeExam
from tests.conftest import mfa_enable

URL = "/admin/insights/"


@pytest.fixture
def school(make_course, make_student, make_enrollment, make_payment, make_refund, make_session, make_booking):
    """Prep ($49 x 3, $10 refunded), taught by Ann and Bob; Practical ($199 x 1), taught by Ann."""
    from courses.models import Section

    prep = make_course("Part 107 Exam Prep")
    practical = make_course("Flight Practical", price="199.00")
    ann, bob = (Instructor.objects.create(user=make_student(name)) for name in ("Ann Aviator", "Bob Pilot"))
    prep.instructors.add(ann, bob)
    practical.instructors.add(ann)
    students = [make_student() for _ in range(3)]
    prep_enrollments = [make_enrollment(student, prep) for student in students]
    payments = [make_payment(enrollment) for enrollment in prep_enrollments]
    make_refund(payments[0], amount=1000)
    practical_enrollment = make_enrollment(students[0], practical)
    make_payment(practical_enrollment, amount=19900)

    # Funnel on prep: 3 enrolled, 2 started (one opened a lesson, one completed), 1 completed and certified.
    section = Section.objects.create(course=prep, title="Basics", order=1)
    lesson = Lesson.objects.create(section=section, title="Airspace", slug="airspace-insights", order=1)
    LessonProgress.objects.create(user=students[1], lesson=lesson)
    Enrollment.objects.filter(pk=prep_enrollments[2].pk).update(status=Enrollment.Status.COMPLETED)
    Certificate.objects.create(user=students[2], course=prep, full_name="C", course_title=prep.title)

    # Two exam attempts: weather passed in one of two; regulations in both.
    exam = PracticeExam.objects.create(course=prep, pass_percent=70)
    now = timezone.now()
    for weather_correct in (3, 1):
        ExamAttempt.objects.create(
            user=students[1],
            exam=exam,
            started_at=now - timedelta(hours=2),
            deadline=now - timedelta(hours=1),
            submitted_at=now - timedelta(hours=1),
            passed=weather_correct == 3,
            results_by_area={
                "weather": {"correct": weather_correct, "total": 4, "percent": 25 * weather_correct},
                "regulations": {"correct": 4, "total": 4, "percent": 100},
            },
        )

    # A session 3 days ahead with 2 of 8 seats taken; a canceled one is left out.
    session = make_session(practical, days_ahead=3)
    make_booking(practical_enrollment, session)
    make_booking(make_enrollment(students[1], practical), session)
    canceled = make_session(practical, days_ahead=5)
    canceled.status = canceled.Status.CANCELED
    canceled.save(update_fields=["status"])
    return {"prep": prep, "practical": practical, "students": students, "payments": payments, "session": session}


def test_staff_sees_revenue_per_course_and_per_instructor(staff_client, school):
    page = staff_client.get(URL).content.decode()

    assert "School insights" in page
    # Prep: $147 gross, $10 refunded, $137 net; Practical $199.
    assert "$147.00" in page and "$10.00" in page and "$137.00" in page and "$199.00" in page
    data = insights.insights_get()
    by_instructor = {row["name"]: row["net"] for row in data["revenue_per_instructor"]}
    # Prep's net is shared between its two instructors; the practical is Ann's alone.
    assert by_instructor == {"Ann Aviator": 6850 + 19900, "Bob Pilot": 6850}
    assert [row["title"] for row in data["revenue_per_course"]] == ["Flight Practical", "Part 107 Exam Prep"]
    assert data["revenue_per_course"][0]["bar"] == 100.0


def test_the_funnel_counts_each_stage_of_the_students_with_access(staff_client, school):
    funnel = {row["title"]: row for row in insights.insights_get()["funnel"]}

    prep = funnel["Part 107 Exam Prep"]
    assert [(stage["label"], stage["count"]) for stage in prep["stages"]] == [
        ("Enrolled", 3),
        ("Started", 2),
        ("Completed", 1),
        ("Certified", 1),
    ]
    assert [stage["percent"] for stage in prep["stages"]] == [100, 67, 33, 33]


def test_a_refunded_student_leaves_the_funnel(staff_client, school):
    Enrollment.objects.filter(user=school["students"][1], course=school["prep"]).update(
        status=Enrollment.Status.REFUNDED
    )
    prep = next(row for row in insights.insights_compute()["funnel"] if row["title"] == "Part 107 Exam Prep")
    assert (prep["enrolled"], prep["started"]) == (2, 1)


def test_exam_results_by_knowledge_area(school):
    data = insights.insights_compute()
    by_area = {row["area"]: row for row in data["exam_by_area"]}

    assert by_area["weather"]["attempts"] == 2 and by_area["weather"]["passed"] == 1
    assert by_area["weather"]["pass_rate"] == 50
    assert (by_area["weather"]["correct"], by_area["weather"]["asked"]) == (4, 8)
    assert by_area["regulations"]["pass_rate"] == 100
    assert "airspace" not in by_area  # no attempt asked about it
    assert data["exam_overall"] == {"attempts": 2, "passed": 1, "rate": 50}


def test_seat_fill_leaves_out_canceled_sessions(school):
    data = insights.insights_compute()

    assert [row["id"] for row in data["sessions"]] == [school["session"].pk]
    assert data["sessions"][0]["seats_taken"] == 2
    assert (data["seats_taken"], data["seats_offered"]) == (2, school["session"].capacity)


def test_a_refund_shows_on_the_very_next_view(staff_client, staff, school, django_capture_on_commit_callbacks):
    from payments import services as payment_services

    assert "$137.00" in staff_client.get(URL).content.decode()  # computed and cached
    with django_capture_on_commit_callbacks(execute=True):
        payment_services.payment_refund(
            payment=school["payments"][1], amount=4900, reason="changed plans", requested_by=staff
        )
    page = staff_client.get(URL).content.decode()
    assert "$59.00" in page and "$88.00" in page


def test_a_cached_view_runs_no_aggregate(staff_client, school, django_assert_num_queries):
    insights.insights_get()
    with django_assert_num_queries(0):
        insights.insights_get()


def test_the_computation_does_not_grow_with_the_data(
    school, make_course, make_student, make_enrollment, make_payment, make_session, make_booking
):
    with CaptureQueriesContext(connection) as small:
        insights.insights_compute()
    for number in range(5):
        course = make_course(f"More {number}")
        course.instructors.add(Instructor.objects.create(user=make_student()))
        session = make_session(course, days_ahead=number + 1)
        for _ in range(2):
            enrollment = make_enrollment(make_student(), course)
            make_payment(enrollment)
            make_booking(enrollment, session)
    with CaptureQueriesContext(connection) as large:
        data = insights.insights_compute()
    assert len(data["revenue_per_course"]) == 7
    assert len(large.captured_queries) == len(small.captured_queries)


def test_instructors_and_students_cannot_see_insights(client, instructor_user, student, school):
    client.force_login(instructor_user)
    assert client.get(URL).status_code == 403
    client.force_login(student)
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_anonymous_visitors_are_sent_to_log_in(client, school):
    response = client.get(URL)
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_staff_without_mfa_is_not_let_in(client, django_user_model, school):
    from django.contrib.auth.models import Group

    office = django_user_model.objects.create_user(
        email="no.mfa@example.com", password=None, full_name="No MFA", is_staff=True
    )
    office.groups.add(Group.objects.get_or_create(name="Staff")[0])
    client.force_login(office)
    response = client.get(URL)
    assert response.status_code == 302 and "insights" not in response.content.decode()
    mfa_enable(office)
    assert client.get(URL).status_code == 200


def test_an_empty_school_says_so(staff_client, db):
    page = staff_client.get(URL).content.decode()
    assert "No card payments yet." in page
    assert "No students yet." in page
    assert "No practice exam has been submitted yet." in page
    assert "No flight sessions in this window." in page
