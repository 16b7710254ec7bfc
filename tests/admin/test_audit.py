"""The audit trail: refunds, grants, revokes, scrubs and price changes name the staff member and
keep the values before and after, visible in admin."""

from decimal import Decimal

from django.contrib.admin.models import LogEntry

from core.audit import audit_details
from courses.models import Course
from enrollments.models import Enrollment
from flights.models import FlightSession
from payments.models import Payment


def test_refund_leaves_an_audit_entry_naming_the_staff_user(
    staff_client, staff, make_course, make_student, make_enrollment, make_payment, django_capture_on_commit_callbacks
):
    payment = make_payment(make_enrollment(make_student(), make_course("Part 107 Exam Prep")))
    url = f"/admin/payments/payment/{payment.pk}/refund/"
    page = staff_client.get(url).content.decode()
    token = page.split('name="token" value="')[1].split('"')[0]

    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post(
            url, {"amount": "10.00", "reason": "Missed the flight day", "token": token, "confirm": "yes"}
        )

    assert response.status_code == 302
    entry = LogEntry.objects.get(object_id=str(payment.pk), content_type__model="payment")
    assert entry.user == staff
    details = audit_details(entry)
    assert details["action"].startswith("refund $10.00")
    assert details["before"] == {"status": Payment.Status.SUCCEEDED, "amount_refunded": 0}
    assert details["after"] == {"status": Payment.Status.PARTIALLY_REFUNDED, "amount_refunded": 1000}
    assert details["reason"] == "Missed the flight day"
    # Shown on the payment's History page and in the audit trail list.
    history = staff_client.get(f"/admin/payments/payment/{payment.pk}/history/").content.decode()
    assert "Stella Staff" in history or staff.email in history
    trail = staff_client.get("/admin/admin/logentry/").content.decode()
    assert "refund $10.00" in trail and "amount_refunded: 1000" in trail and "amount_refunded: 0" in trail


def test_price_change_leaves_an_audit_entry_with_before_and_after(staff_client, staff, make_course):
    course = make_course("Part 107 Exam Prep", price="49.00")
    form = staff_client.get(f"/admin/courses/course/{course.pk}/change/").context["adminform"].form
    data = {
        **{name: value for name, value in form.initial.items() if value is not None and not isinstance(value, list)},
        "instructors": [],
        "prerequisites": [],
        "price": "59.00",
        "sections-TOTAL_FORMS": "0",
        "sections-INITIAL_FORMS": "0",
        "sections-MIN_NUM_FORMS": "0",
        "sections-MAX_NUM_FORMS": "1000",
    }
    data.pop("cover_image", None)
    data["published_at_0"], data["published_at_1"] = "2026-01-01", "10:00:00"
    data.pop("published_at", None)

    response = staff_client.post(f"/admin/courses/course/{course.pk}/change/", data)

    assert response.status_code == 302, response.context["adminform"].form.errors
    assert Course.objects.get(pk=course.pk).price == Decimal("59.00")
    entry = LogEntry.objects.filter(object_id=str(course.pk), content_type__model="course").latest("action_time")
    assert entry.user == staff
    details = audit_details(entry)
    assert details["action"] == "price change"
    assert (details["before"], details["after"]) == ({"price": "49.00"}, {"price": "59.00"})
    assert "Changed" in entry.get_change_message() and "Price" in entry.get_change_message()


def test_revoke_and_grant_are_audited(staff_client, staff, make_course, make_student, make_enrollment):
    enrollment = make_enrollment(make_student(), make_course("Part 107 Exam Prep"))
    changelist = "/admin/enrollments/enrollment/"

    staff_client.post(
        changelist,
        {"action": "revoke_access", "_selected_action": [enrollment.pk], "apply": "1", "reason": "Chargeback"},
    )

    enrollment.refresh_from_db()
    assert enrollment.status == Enrollment.Status.REVOKED
    entry = LogEntry.objects.get(object_id=str(enrollment.pk), content_type__model="enrollment")
    details = audit_details(entry)
    assert (entry.user, details["action"], details["reason"]) == (staff, "revoke access", "Chargeback")
    assert (details["before"]["status"], details["after"]["status"]) == ("active", "revoked")


def test_scrub_is_audited(staff_client, staff, make_course, make_session):
    session = make_session(make_course("Flight Practical"))

    staff_client.post(
        "/admin/flights/flightsession/",
        {"action": "scrub_sessions", "_selected_action": [session.pk], "confirm": "1", "reason": "Gusts to 30 kt"},
    )

    assert FlightSession.objects.get(pk=session.pk).status == FlightSession.Status.SCRUBBED
    entry = LogEntry.objects.get(object_id=str(session.pk), content_type__model="flightsession")
    details = audit_details(entry)
    assert (entry.user, details["action"], details["reason"]) == (staff, "scrub", "Gusts to 30 kt")
    assert details["after"] == {"status": "scrubbed"}


def test_audit_trail_is_for_school_staff_only(client, instructor_user):
    client.force_login(instructor_user)
    assert client.get("/admin/admin/logentry/").status_code == 403
