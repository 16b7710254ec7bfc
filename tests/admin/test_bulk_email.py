"""Bulk email to a course's or a flight session's students: preview, confirm, queued, recorded."""

from django.core import mail
from django.utils import timezone

from backoffice.models import BulkMessage
from enrollments.models import Enrollment
from flights.models import SeatBooking

URL = "/admin/bulk-email/"


def test_preview_then_confirm_sends_one_email_per_student_and_records_it(
    staff_client, staff, make_course, make_student, make_enrollment, django_capture_on_commit_callbacks
):
    course = make_course("Part 107 Exam Prep")
    ann, bob, gone = make_student("Ann Able"), make_student("Bob Baker"), make_student("Gone Away")
    make_enrollment(ann, course)
    make_enrollment(bob, course)
    make_enrollment(gone, course, status=Enrollment.Status.REVOKED)
    form_page = staff_client.get(f"{URL}?course={course.pk}").content.decode()
    token = form_page.split('name="token" value="')[1].split('"')[0]
    data = {
        "course": course.pk,
        "session": "",
        "subject": "Exam day tips",
        "body": "Sleep well and **bring ID**.",
        "token": token,
    }

    preview = staff_client.post(URL, data).content.decode()

    assert "Preview: send to 2 students?" in preview
    assert "<strong>bring ID</strong>" in preview
    assert "Ann Able" in preview and "Gone Away" not in preview
    assert not BulkMessage.objects.exists() and not mail.outbox

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(URL, {**data, "confirm": "yes"})
    with django_capture_on_commit_callbacks(execute=True):
        again = staff_client.post(URL, {**data, "confirm": "yes"})  # double-submitted

    message = BulkMessage.objects.get()
    assert response.status_code == again.status_code == 302
    assert (message.sender, message.sent_count, message.course) == (staff, 2, course)
    assert message.audience == "students of Part 107 Exam Prep"
    assert sorted(email.to[0] for email in mail.outbox) == sorted([ann.email, bob.email])
    assert {email.subject for email in mail.outbox} == {"Exam day tips"}
    html = mail.outbox[0].alternatives[0][0]
    assert "<strong>bring ID</strong>" in html
    assert "students of Part 107 Exam Prep" in mail.outbox[0].body
    assert "Exam day tips" in staff_client.get("/admin/backoffice/bulkmessage/").content.decode()


def test_flight_session_audience_and_undeliverable_addresses_are_skipped(
    staff_client,
    make_course,
    make_student,
    make_enrollment,
    make_session,
    make_booking,
    django_capture_on_commit_callbacks,
):
    course = make_course("Flight Practical")
    session = make_session(course)
    seated, waiting, canceled, bounced = (
        make_student(name) for name in ("Seat Ed", "Wait Ing", "Can Celed", "Bou Nced")
    )
    make_booking(make_enrollment(seated, course), session)
    make_booking(make_enrollment(waiting, course), session, status=SeatBooking.Status.WAITLISTED)
    make_booking(make_enrollment(canceled, course), session, status=SeatBooking.Status.CANCELED)
    make_booking(make_enrollment(bounced, course), session)
    type(bounced).objects.filter(pk=bounced.pk).update(email_undeliverable_at=timezone.now())
    data = {"course": "", "session": session.pk, "subject": "Field moved", "body": "North field.", "token": "t1"}

    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(URL, {**data, "confirm": "yes"})

    message = BulkMessage.objects.get()
    assert message.flight_session_id == session.pk and message.sent_count == 3
    assert "flight session" in message.audience
    assert sorted(email.to[0] for email in mail.outbox) == sorted([seated.email, waiting.email])


def test_exactly_one_audience_is_required(staff_client, make_course, make_session):
    course = make_course("Flight Practical")
    data = {"course": course.pk, "session": make_session(course).pk, "subject": "x", "body": "y", "token": "t"}
    page = staff_client.post(URL, data).content.decode()
    assert "Choose either a course or a flight session." in page


def test_bulk_email_is_for_school_staff_only(client, instructor_user):
    client.force_login(instructor_user)
    assert client.get(URL).status_code == 403


def test_course_and_session_lists_link_to_the_bulk_email_page(staff_client, make_course, make_session):
    course = make_course("Flight Practical")
    session = make_session(course)

    from_course = staff_client.post(
        "/admin/courses/course/", {"action": "email_students", "_selected_action": [course.pk]}
    )
    from_session = staff_client.post(
        "/admin/flights/flightsession/", {"action": "email_students", "_selected_action": [session.pk]}
    )

    assert from_course["Location"] == f"{URL}?course={course.pk}"
    assert from_session["Location"] == f"{URL}?session={session.pk}"
    page = staff_client.get(from_session["Location"]).content.decode()
    assert f'<option value="{session.pk}" selected>' in page
