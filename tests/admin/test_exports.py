"""Streamed CSV exports: payments and refunds for the accountant, progress per student, rosters."""

import csv
import io
from datetime import timedelta

import pytest
from django.http import StreamingHttpResponse
from django.utils import timezone

from lessons.models import Certificate, Lesson, LessonProgress


def read_csv(response) -> list[list[str]]:
    assert isinstance(response, StreamingHttpResponse)
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def test_reports_page_is_linked_from_the_dashboard_and_staff_only(staff_client, client, student):
    assert "/admin/reports/" in staff_client.get("/admin/").content.decode()
    page = staff_client.get("/admin/reports/").content.decode()
    assert "Payments and refunds (for the accountant)" in page
    assert 'name="start"' in page and 'name="end"' in page

    client.force_login(student)
    assert client.get("/admin/reports/accounting.csv?start=2026-01-01&end=2026-12-31").status_code == 302


def test_instructor_cannot_export(client, instructor_user):
    client.force_login(instructor_user)
    assert client.get("/admin/reports/accounting.csv?start=2026-01-01&end=2026-12-31").status_code == 403
    assert client.get("/admin/reports/").status_code == 403


def test_accounting_export_lists_payments_and_refunds_in_the_range(
    staff_client, staff, make_course, make_student, make_enrollment, make_payment, make_refund
):
    course = make_course("Part 107 Exam Prep")
    today = timezone.localdate()
    inside = make_payment(make_enrollment(make_student("Ann Able"), course), amount=4900)
    make_refund(inside, amount=1500, requested_by=staff)
    long_ago = timezone.now() - timedelta(days=400)
    make_payment(make_enrollment(make_student("Old Timer"), course), amount=9900, succeeded_at=long_ago)

    response = staff_client.get(f"/admin/reports/accounting.csv?start={today - timedelta(days=1)}&end={today}")

    rows = read_csv(response)
    assert rows[0][:3] == ["kind", "date", "payment_id"]
    body = rows[1:]
    assert [(row[0], row[4], row[8]) for row in body] == [
        ("payment", inside.user.email, "49.00"),
        ("refund", inside.user.email, "-15.00"),
    ]
    assert body[1][-1] == staff.email  # who refunded
    assert "attachment" in response["Content-Disposition"]


def test_accounting_export_rejects_a_backwards_range(staff_client):
    response = staff_client.get("/admin/reports/accounting.csv?start=2026-02-01&end=2026-01-01")
    assert response.status_code == 400
    assert "The end date is before the start date." in response.content.decode()


def test_progress_export_per_student(staff_client, make_course, make_student, make_enrollment):
    from courses.models import Section

    course = make_course("Part 107 Exam Prep", slug="part-107-prep")
    section = Section.objects.create(course=course, title="Rules", order=1)
    lessons = [Lesson.objects.create(section=section, title=f"L{n}", slug=f"l{n}", order=n) for n in range(4)]
    ann, bob = make_student("Ann Able"), make_student("Bob Baker")
    make_enrollment(ann, course)
    make_enrollment(bob, course)
    for lesson in lessons[:3]:
        LessonProgress.objects.create(user=ann, lesson=lesson, completed_at=timezone.now())
    Certificate.objects.create(user=bob, course=course, full_name="Bob Baker", course_title=course.title)

    rows = read_csv(staff_client.get(f"/admin/reports/progress.csv?course={course.pk}"))

    by_name = {row[1]: row for row in rows[1:]}
    assert by_name["Ann Able"][5:8] == ["4", "3", "75"]
    assert by_name["Bob Baker"][5:8] == ["4", "0", "0"]
    assert by_name["Bob Baker"][-1] != ""  # the certificate's public id
    assert by_name["Ann Able"][8] != ""  # last activity


def test_roster_export(staff_client, make_course, make_student, make_enrollment, make_session, make_booking):
    course = make_course("Flight Practical")
    session = make_session(course)
    make_booking(make_enrollment(make_student("=HYPERLINK(evil)"), course), session)
    make_booking(make_enrollment(make_student("Cy Clark"), course), session)

    rows = read_csv(staff_client.get(f"/admin/reports/roster.csv?session={session.pk}"))

    names = sorted(row[4] for row in rows[1:])
    assert names == ["'=HYPERLINK(evil)", "Cy Clark"]  # a formula is defused
    assert {row[6] for row in rows[1:]} == {"booked"}


@pytest.mark.parametrize(
    "url",
    [
        "/admin/reports/progress.csv?course=999",
        "/admin/reports/progress.csv?course=abc",
        "/admin/reports/progress.csv?course=1e3",
        "/admin/reports/progress.csv",
        "/admin/reports/roster.csv?session=999",
        "/admin/reports/roster.csv?session=abc",
        "/admin/reports/roster.csv?session=" + "9" * 400,
        "/admin/reports/roster.csv",
    ],
)
def test_a_malformed_or_unknown_course_or_session_is_a_400_with_the_form_error(staff_client, url):
    response = staff_client.get(url)
    assert response.status_code == 400
    page = response.content.decode()
    assert "errorlist" in page
    assert "Select a valid choice" in page or "This field is required" in page


def test_roster_export_action_on_the_session_list(
    staff_client, make_course, make_student, make_enrollment, make_session, make_booking
):
    course = make_course("Flight Practical")
    first, second = make_session(course, days_ahead=3), make_session(course, days_ahead=9)
    make_booking(make_enrollment(make_student("Ann Able"), course), first)
    make_booking(make_enrollment(make_student("Bob Baker"), course), second)

    response = staff_client.post(
        "/admin/flights/flightsession/", {"action": "export_rosters", "_selected_action": [first.pk, second.pk]}
    )

    rows = read_csv(response)
    assert [(row[0], row[4]) for row in rows[1:]] == [(str(first.pk), "Ann Able"), (str(second.pk), "Bob Baker")]
