"""No admin list runs a query per row, and a user's page shows everything about them."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from payments.models import Payment


@pytest.fixture
def grow(make_course, make_student, make_enrollment, make_payment, make_refund, make_session, make_booking):
    course = make_course("Part 107 Exam Prep")

    def add(count: int) -> None:
        for _ in range(count):
            student = make_student()
            enrollment = make_enrollment(student, course)
            payment = make_payment(enrollment)
            make_refund(payment, amount=100)
            make_booking(enrollment, make_session(course))

    return add


@pytest.mark.parametrize(
    "url",
    [
        "/admin/enrollments/enrollment/",
        "/admin/payments/payment/",
        "/admin/payments/refund/",
        "/admin/accounts/user/",
        "/admin/flights/flightsession/",
        "/admin/flights/seatbooking/",
        "/admin/admin/logentry/",
    ],
)
def test_changelist_queries_do_not_grow_with_rows(staff_client, grow, url, django_assert_max_num_queries):
    grow(2)
    staff_client.get(url)  # warm per-process caches (content types, sites)
    with CaptureQueriesContext(connection) as small:
        assert staff_client.get(url).status_code == 200
    grow(18)
    with django_assert_max_num_queries(len(small.captured_queries)):
        page = staff_client.get(url)
    assert page.status_code == 200


def test_users_are_found_by_name_or_email(staff_client, make_student):
    make_student("Ada Lovelace")
    other = make_student("Grace Hopper")

    by_name = staff_client.get("/admin/accounts/user/?q=lovelace").content.decode()
    by_email = staff_client.get(f"/admin/accounts/user/?q={other.email}").content.decode()

    assert "Ada Lovelace" in by_name and "Grace Hopper" not in by_name
    assert "Grace Hopper" in by_email and "Ada Lovelace" not in by_email


def test_user_page_shows_enrollments_payments_and_bookings(
    staff_client, make_course, make_student, make_enrollment, make_payment, make_session, make_booking
):
    student = make_student("Ada Lovelace")
    prep, practical = make_course("Part 107 Exam Prep"), make_course("Flight Practical", price="199.00")
    make_enrollment(student, prep)
    practical_enrollment = make_enrollment(student, practical)
    make_payment(practical_enrollment, amount=19900, status=Payment.Status.PARTIALLY_REFUNDED, amount_refunded=5000)
    make_booking(practical_enrollment, make_session(practical))

    page = staff_client.get(f"/admin/accounts/user/{student.pk}/change/").content.decode()

    assert page.count("Part 107 Exam Prep") >= 1
    assert "$199.00" in page and "$50.00" in page and "Partially refunded" in page
    assert "<caption>Flight bookings</caption>" in page and "Devens" not in page  # session date, not place
    assert "Flight Practical" in page and "Booked" in page


def test_user_page_queries_do_not_grow_with_history(
    staff_client,
    make_course,
    make_student,
    make_enrollment,
    make_payment,
    make_session,
    make_booking,
    django_assert_max_num_queries,
):
    student = make_student()

    def add(count):
        for _ in range(count):
            course = make_course("Course")
            enrollment = make_enrollment(student, course)
            make_payment(enrollment)
            make_booking(enrollment, make_session(course))

    add(2)
    url = f"/admin/accounts/user/{student.pk}/change/"
    staff_client.get(url)
    with CaptureQueriesContext(connection) as small:
        staff_client.get(url)
    add(10)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert staff_client.get(url).status_code == 200
