"""The admin index as the staff dashboard: numbers, chart, links, caching, scheduled refresh."""

from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from backoffice import dashboard as admin_dashboard
from backoffice.tasks import dashboard_refresh_task
from enrollments.models import Enrollment
from payments.models import Payment, StripeEvent


@pytest.fixture
def school(make_course, make_student, make_enrollment, make_payment, make_refund, make_session, make_booking):
    """Two courses; three paying students this month, one refunded $10; a session with 2 of 6 seats taken."""
    prep = make_course("Part 107 Exam Prep")
    practical = make_course("Flight Practical", price="199.00")
    students = [make_student() for _ in range(3)]
    enrollments = [make_enrollment(student, prep) for student in students]
    payments = [make_payment(enrollment) for enrollment in enrollments]
    make_refund(payments[0], amount=1000)
    Enrollment.objects.filter(pk=enrollments[2].pk).update(status=Enrollment.Status.COMPLETED)
    # Two of the three also took the practical.
    practical_enrollments = [make_enrollment(student, practical) for student in students[:2]]
    session = make_session(practical)
    for enrollment in practical_enrollments:
        make_booking(enrollment, session)
    return {"prep": prep, "practical": practical, "students": students, "payments": payments, "session": session}


def test_staff_index_shows_the_dashboard(staff_client, school):
    page = staff_client.get("/admin/").content.decode()

    assert "The school at a glance" in page
    # $147.00 taken this month, $10.00 refunded, $137.00 net.
    assert "$147.00" in page and "$10.00" in page and "$137.00" in page
    assert "Part 107 Exam Prep" in page and "33%" in page  # 1 of 3 completed
    assert "4 of 6" in page  # seats left of capacity: 2 of 6 taken
    assert "/admin/payments/payment/?status__exact=disputed" in page
    assert "/admin/payments/stripeevent/?processed_at__isempty=1" in page
    assert "Flight Practical (2)" in page  # students of the prep course also took the practical
    # The app list is still there below the dashboard.
    assert 'class="app-list"' in page


def test_chart_is_inline_svg_with_text_alternatives(staff_client, school):
    page = staff_client.get("/admin/").content.decode()

    start = page.index('<svg class="revenue-chart"')
    svg = page[start : page.index("</svg>", start)]
    assert 'role="img"' in svg
    assert '<title id="revenue-chart-title">Revenue per day, last 30 days</title>' in svg
    assert "$147.00 in all" in svg
    assert svg.count("<rect") == 30
    today = timezone.localdate()
    assert f"<title>{today:%b} {today.day}: $147.00</title>" in svg
    assert "<script" not in page.split('id="dashboard-heading"')[1].split("</section>")[0]
    assert "Revenue per day as a table" in page


def test_instructor_sees_the_normal_index(client, instructor_user, school):
    client.force_login(instructor_user)
    response = client.get("/admin/")

    assert response.status_code == 200
    assert "The school at a glance" not in response.content.decode()


def test_open_disputes_and_failed_events_are_counted(staff_client, school):
    Payment.objects.filter(pk=school["payments"][1].pk).update(
        status=Payment.Status.DISPUTED, dispute_id="dp_1", dispute_status="needs_response"
    )
    Payment.objects.filter(pk=school["payments"][2].pk).update(
        status=Payment.Status.DISPUTED, dispute_id="dp_2", dispute_status="lost"
    )
    StripeEvent.objects.create(stripe_event_id="evt_bad", type="charge.refunded", payload={}, error="boom")
    StripeEvent.objects.create(
        stripe_event_id="evt_ok", type="charge.refunded", payload={}, processed_at=timezone.now()
    )

    data = admin_dashboard.dashboard_compute()

    assert (data["disputes_open"], data["events_failed"]) == (1, 1)


def test_last_month_and_net_of_refunds(school, make_payment, make_refund, make_enrollment, make_course):
    today = timezone.localdate()
    last_month_day = today.replace(day=1) - timedelta(days=3)
    moment = timezone.make_aware(timezone.datetime.combine(last_month_day, timezone.datetime.min.time())) + timedelta(
        hours=12
    )
    other = make_course("Thermal Imaging", price="300.00")
    payment = make_payment(make_enrollment(school["students"][0], other), amount=30000, succeeded_at=moment)
    make_refund(payment, amount=5000, created_at=moment)

    data = admin_dashboard.dashboard_compute(today=today)

    last_month = next(period for period in data["revenue"] if period["key"] == "last_month")
    assert last_month["totals"] == [
        {
            "currency": "usd",
            "gross": 30000,
            "refunded": 5000,
            "net": 25000,
            "gross_label": "$300.00",
            "refunded_label": "$50.00",
            "net_label": "$250.00",
        }
    ]


def test_numbers_are_cached_and_refreshed_by_the_scheduled_task(staff_client, school, django_assert_num_queries):
    assert "$137.00" in staff_client.get("/admin/").content.decode()
    # Cached: a second view does not recompute (no aggregate queries), until something counted changes.
    cached = admin_dashboard.dashboard_get()
    with django_assert_num_queries(0):
        assert admin_dashboard.dashboard_get() == cached
    dashboard_refresh_task.delay()
    assert "$137.00" in staff_client.get("/admin/").content.decode()


def test_a_refund_shows_on_the_very_next_view(staff_client, staff, school, django_capture_on_commit_callbacks):
    """Issue 21: after a $149 refund the dashboard still said "Refunded $0.00" until the scheduled refresh."""
    from payments import services as payment_services

    assert "$10.00" in staff_client.get("/admin/").content.decode()  # computed and cached
    with django_capture_on_commit_callbacks(execute=True):
        payment_services.payment_refund(
            payment=school["payments"][1], amount=4900, reason="changed plans", requested_by=staff
        )
    page = staff_client.get("/admin/").content.decode()
    assert "$59.00" in page and "$88.00" in page  # refunded $10 + $49; net $147 - $59


def test_a_new_payment_shows_on_the_very_next_view(staff_client, school, make_payment, make_enrollment):
    assert "$137.00" in staff_client.get("/admin/").content.decode()
    make_payment(make_enrollment(school["students"][2], school["practical"]), amount=19900)
    assert "$336.00" in staff_client.get("/admin/").content.decode()


def test_refresh_task_is_scheduled():
    entry = settings.CELERY_BEAT_SCHEDULE["admin-dashboard-refresh"]
    assert entry["task"] == dashboard_refresh_task.name
    assert entry["schedule"] <= settings.CACHE_TTL_SECONDS


def _grow(count, make_course, make_student, make_enrollment, make_payment, make_refund, make_session, make_booking):
    for number in range(count):
        course = make_course(f"Course {number}")
        session = make_session(course, days_ahead=number + 1)
        for _ in range(3):
            enrollment = make_enrollment(make_student(), course)
            payment = make_payment(enrollment)
            make_refund(payment, amount=100)
            make_booking(enrollment, session)


def test_dashboard_query_count_does_not_grow_with_data(
    django_assert_max_num_queries,
    make_course,
    make_student,
    make_enrollment,
    make_payment,
    make_refund,
    make_session,
    make_booking,
):
    makers = (make_course, make_student, make_enrollment, make_payment, make_refund, make_session, make_booking)
    _grow(1, *makers)
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as small:
        admin_dashboard.dashboard_compute()
    _grow(6, *makers)
    with django_assert_max_num_queries(len(small.captured_queries)):
        data = admin_dashboard.dashboard_compute()
    assert len(data["sessions"]) == 7
    assert data["students_active"] == 21


def test_staff_group_member_who_is_not_superuser_sees_the_dashboard(client, django_user_model, school):
    from django.contrib.auth.models import Group

    from tests.conftest import mfa_enable

    office = django_user_model.objects.create_user(
        email="owen.office@example.com", password=None, full_name="Owen Office", is_staff=True
    )
    office.groups.add(Group.objects.get_or_create(name="Staff")[0])
    mfa_enable(office)
    client.force_login(office)

    page = client.get("/admin/").content.decode()

    assert "The school at a glance" in page and "$137.00" in page
