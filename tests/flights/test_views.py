import csv
import io
from datetime import UTC

import pytest
from django.core import mail
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from flights import services
from flights.calendar import ics_escape, ics_fold
from flights.models import FlightCourseSettings, SeatBooking, WaiverAcceptance
from tests.conftest import mfa_enable
from tests.flights.factories import session_started, signature_for

pytestmark = pytest.mark.django_db


def book(enrollment, session):
    return services.seat_book(enrollment=enrollment, session=session, signature=signature_for(enrollment))


def test_list_shows_upcoming_sessions_with_seats_left_and_filters_by_course(
    client, make_session, course, django_assert_max_num_queries
):
    from courses.models import Course

    other = Course.objects.create(
        slug="mapping", title="Aerial Mapping", summary="x", category=course.category, status="published"
    )
    make_session(capacity=6)
    make_session(for_course=other, hours_ahead=300)
    make_session(hours_ahead=-30)  # past: hidden
    with django_assert_max_num_queries(4):
        response = client.get(reverse("flights:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("Fowl Meadow Field") == 2
    assert "6 of 6 seats left" in html
    assert html.count(">Book a seat<") == 2  # every card has its action, at every width
    assert 'option value="mapping"' in html

    filtered = client.get(reverse("flights:list"), {"course": "mapping"}).content.decode()
    assert "Aerial Mapping" in filtered and "Part 107 with Flight Day</a></h2>" not in filtered


def test_detail_offers_the_right_action(client, student, password, enrollment, make_student, make_session, waiver):
    session = make_session(capacity=1)
    url = session.get_absolute_url()
    assert "Log in</a> to book" in client.get(url).content.decode()
    client.login(email=student.email, password=password)
    html = client.get(url).content.decode()
    assert "Book a seat" in html and "https://maps.example.com/?q=fowl+meadow" in html
    assert "Sunscreen, water, photo ID." in html

    book(make_student(), session)
    assert "Join the waitlist" in client.get(url).content.decode()

    other = make_session(hours_ahead=24 * 20)
    book(enrollment, other)
    html = client.get(url).content.decode()
    assert "This session is full, so you cannot change to it." in html
    html = client.get(other.get_absolute_url()).content.decode()
    assert "Cancel my seat" in html and "calendar.ics" in html


def test_detail_of_an_unpublished_course_is_404_for_the_public(client, make_session, course):
    session = make_session()
    course.status = "draft"
    course.save()
    assert client.get(session.get_absolute_url()).status_code == 404


def test_book_page_shows_the_waiver_and_asked_fields(client, student, password, enrollment, session, waiver, course):
    FlightCourseSettings.objects.create(course=course, requires_age_16=True, asks_equipment_declaration=True)
    client.login(email=student.email, password=password)
    html = client.get(reverse("flights:book", args=[session.pk])).content.decode()
    assert "Waiver (version 2)" in html
    assert "I understand drones can be dangerous." in html
    assert 'name="typed_name"' in html and 'name="age_confirmed"' in html and 'name="equipment_declaration"' in html


def test_book_page_hides_age_and_equipment_when_not_asked(client, student, password, enrollment, session, waiver):
    client.login(email=student.email, password=password)
    html = client.get(reverse("flights:book", args=[session.pk])).content.decode()
    assert 'name="typed_name"' in html
    assert 'name="age_confirmed"' not in html and 'name="equipment_declaration"' not in html


def test_booking_through_the_page_stores_the_ip_and_redirects(
    client, student, password, enrollment, session, waiver, django_capture_on_commit_callbacks
):
    client.login(email=student.email, password=password)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("flights:book", args=[session.pk]), {"typed_name": "Sam Student"}, REMOTE_ADDR="198.51.100.4"
        )
    assert response.status_code == 302 and response["Location"] == session.get_absolute_url()
    acceptance = WaiverAcceptance.objects.get()
    assert acceptance.ip_address == "198.51.100.4" and acceptance.waiver.version == 2
    assert SeatBooking.objects.get().status == "booked"
    assert len(mail.outbox) == 1
    follow = client.get(session.get_absolute_url()).content.decode()
    assert "You have a seat on this session." in follow


@pytest.mark.parametrize(
    ("proxies", "forwarded_for", "recorded"),
    [
        (0, "6.6.6.6", "198.51.100.4"),  # no proxy in front: the header is the client's own invention
        (1, "6.6.6.6, 203.0.113.50", "203.0.113.50"),  # Render: the entry its proxy appended
        (2, "6.6.6.6, 203.0.113.50, 10.1.2.3", "203.0.113.50"),  # a CDN in front of Render
    ],
)
def test_the_waiver_records_the_client_address_the_deployment_vouches_for(
    client, student, password, enrollment, session, waiver, settings, proxies, forwarded_for, recorded
):
    settings.ALLAUTH_TRUSTED_PROXY_COUNT = proxies
    client.login(email=student.email, password=password)
    client.post(
        reverse("flights:book", args=[session.pk]),
        {"typed_name": "Sam Student"},
        REMOTE_ADDR="198.51.100.4",
        HTTP_X_FORWARDED_FOR=forwarded_for,
    )
    assert WaiverAcceptance.objects.get().ip_address == recorded


def test_a_refused_booking_says_why_and_keeps_what_was_typed(
    client, student, password, enrollment, session, waiver, course
):
    FlightCourseSettings.objects.create(course=course, asks_equipment_declaration=True)
    client.login(email=student.email, password=password)
    response = client.post(
        reverse("flights:book", args=[session.pk]),
        {"typed_name": "Samuel Nobody", "equipment_declaration": "Mavic 3 with 4 batteries"},
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "must match the full name on your account: Sam Student" in html
    assert "Mavic 3 with 4 batteries" in html and 'value="Samuel Nobody"' in html
    assert not SeatBooking.objects.exists()


def test_a_student_without_enrollment_is_told_to_enroll(client, outsider, password, session, waiver):
    client.login(email=outsider.email, password=password)
    html = client.get(reverse("flights:book", args=[session.pk])).content.decode()
    assert "Enroll in" in html
    response = client.post(reverse("flights:book", args=[session.pk]), {"typed_name": "Olive Outsider"})
    assert response.status_code == 400 and not SeatBooking.objects.exists()


def test_cancel_and_change_through_the_pages(client, student, password, enrollment, make_session, waiver):
    first, second = make_session(), make_session(hours_ahead=24 * 9)
    booking = book(enrollment, first)
    client.login(email=student.email, password=password)
    response = client.post(reverse("flights:change", args=[booking.pk]), {"session": second.pk})
    assert response.status_code == 302
    moved = SeatBooking.objects.active().get()
    assert moved.session == second
    client.post(reverse("flights:cancel", args=[moved.pk]))
    assert not SeatBooking.objects.active().exists()


def test_someone_elses_booking_is_404(client, outsider, password, enrollment, session, waiver):
    booking = book(enrollment, session)
    client.login(email=outsider.email, password=password)
    for name in ("cancel", "change", "refund_request"):
        assert client.post(reverse(f"flights:{name}", args=[booking.pk]), {"session": session.pk}).status_code == 404
    assert client.get(reverse("flights:calendar", args=[booking.pk])).status_code == 404
    assert SeatBooking.objects.get().status == "booked"


def test_calendar_file_for_a_booking(client, student, password, enrollment, make_session, waiver, course):
    course.title = "Part 107; Flight, Day"
    course.save()
    session = make_session()
    session.location_name = "Fowl Meadow; North, Gate"
    session.save()
    booking = book(enrollment, session)
    client.login(email=student.email, password=password)
    response = client.get(reverse("flights:calendar", args=[booking.pk]))

    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    assert f'filename="flight-session-{booking.pk}.ics"' in response["Content-Disposition"]
    body = response.content.decode()
    assert body.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n") and body.endswith("END:VCALENDAR\r\n")
    unfolded = body.replace("\r\n ", "")
    lines = unfolded.split("\r\n")
    assert f"DTSTART:{session.starts_at.astimezone(UTC):%Y%m%dT%H%M%SZ}" in lines
    assert f"DTEND:{session.ends_at.astimezone(UTC):%Y%m%dT%H%M%SZ}" in lines
    assert f"UID:flight-booking-{booking.pk}@127.0.0.1:8000" in lines
    assert "LOCATION:Fowl Meadow\\; North\\, Gate\\, 1 Field Rd\\, Milton\\, MA" in lines
    assert "SUMMARY:Flight session: Part 107\\; Flight\\, Day" in lines
    assert any(line.startswith("DTSTAMP:") and line.endswith("Z") for line in lines)
    assert "BEGIN:VEVENT" in lines and "END:VEVENT" in lines
    assert all(len(line.encode()) <= 75 for line in body.split("\r\n"))


def test_ics_text_escaping_and_folding():
    assert ics_escape("a\\b;c,d\ne") == "a\\\\b\\;c\\,d\\ne"
    folded = ics_fold("DESCRIPTION:" + "é" * 80)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == "DESCRIPTION:" + "é" * 80


def test_roster_is_for_staff_and_the_session_instructors_only(
    client, outsider, staff, instructor, student, password, enrollment, session, waiver, make_session
):
    book(enrollment, session)
    url = reverse("flights:roster", args=[session.pk])
    assert client.get(url).status_code == 302  # anonymous: log in first
    for user in (outsider, student):
        client.login(email=user.email, password=password)
        assert client.get(url).status_code == 404
    mfa_enable(instructor.user)
    client.login(email=instructor.user.email, password=password)
    html = client.get(url).content.decode()
    assert "Sam Student" in html and "Waiver v2 accepted" in html and "Figure-eight" in html
    # An instructor of another session does not see this one.
    other = make_session(hours_ahead=300)
    assert client.get(reverse("flights:roster", args=[other.pk])).status_code == 404
    client.login(email=staff.email, password=password)
    assert client.get(url).status_code == 200


def test_roster_form_records_check_in_minutes_maneuvers_and_sign_off(
    client, instructor, password, enrollment, session, waiver
):
    booking = book(enrollment, session)
    session_started(session)
    mfa_enable(instructor.user)
    client.login(email=instructor.user.email, password=password)
    url = reverse("flights:roster", args=[session.pk])
    prefix = f"b{booking.pk}"

    bad = client.post(url, {"booking": booking.pk, f"{prefix}-minutes_flown": "20", f"{prefix}-signed_off": "on"})
    assert bad.status_code == 400 and "Check the student in before signing off." in bad.content.decode()

    response = client.post(
        url,
        {
            "booking": booking.pk,
            f"{prefix}-checked_in": "on",
            f"{prefix}-minutes_flown": "35",
            f"{prefix}-maneuvers": ["hover", "figure_eight"],
            f"{prefix}-signed_off": "on",
        },
    )
    assert response.status_code == 302
    booking.refresh_from_db()
    assert booking.status == "attended" and booking.checked_in_at and booking.minutes_flown == 35
    assert booking.maneuvers_passed == ["hover", "figure_eight"]
    assert booking.signed_off_by == instructor.user and services.practical_signed_off(enrollment)


def test_the_roster_refuses_an_instructor_without_mfa_and_changes_nothing(
    client, instructor, password, enrollment, session, waiver
):
    """Issue 18, item 4: a password alone opened the roster and recorded check-ins and sign-offs."""
    booking = book(enrollment, session)
    session_started(session)
    client.login(email=instructor.user.email, password=password)
    url = reverse("flights:roster", args=[session.pk])
    prefix = f"b{booking.pk}"
    check_in = {
        "booking": booking.pk,
        f"{prefix}-checked_in": "on",
        f"{prefix}-minutes_flown": "20",
        f"{prefix}-signed_off": "on",
    }

    for response in (client.get(url), client.post(url, check_in), client.post(url, {"action": "complete"})):
        assert response.status_code == 302 and response["Location"] == reverse("mfa_activate_totp")
    booking.refresh_from_db()
    session.refresh_from_db()
    assert booking.checked_in_at is None and booking.signed_off_at is None and session.status == "scheduled"
    assert "need two-factor authentication" in client.get(reverse("mfa_activate_totp"), follow=True).content.decode()

    mfa_enable(instructor.user)
    assert client.get(url).status_code == 200
    assert client.post(url, check_in).status_code == 302
    booking.refresh_from_db()
    assert booking.checked_in_at is not None and booking.signed_off_by == instructor.user


def test_the_roster_records_nothing_flown_before_the_session_starts(
    client, instructor, password, enrollment, make_session, waiver
):
    """Issue 18, item 5: check-in, minutes and sign-off were accepted weeks before the session."""
    session = make_session(hours_ahead=24 * 21)
    session.instructors.add(instructor)
    booking = book(enrollment, session)
    mfa_enable(instructor.user)
    client.login(email=instructor.user.email, password=password)
    url = reverse("flights:roster", args=[session.pk])
    prefix = f"b{booking.pk}"
    attempts = [
        {f"{prefix}-checked_in": "on", f"{prefix}-minutes_flown": "0"},
        {f"{prefix}-minutes_flown": "30"},
        {f"{prefix}-minutes_flown": "0", f"{prefix}-maneuvers": ["hover"]},
        {f"{prefix}-checked_in": "on", f"{prefix}-minutes_flown": "30", f"{prefix}-signed_off": "on"},
    ]
    for fields in attempts:
        response = client.post(url, {"booking": booking.pk, **fields})
        assert response.status_code == 400
        assert "can be recorded only once it has started" in response.content.decode()
    completed = client.post(url, {"action": "complete"}, follow=True)
    assert "has not started yet" in completed.content.decode()
    booking.refresh_from_db()
    session.refresh_from_db()
    assert (booking.status, booking.checked_in_at, booking.minutes_flown, booking.signed_off_at) == (
        "booked",
        None,
        0,
        None,
    )
    assert session.status == "scheduled"

    # From the start on, the instructor records the flight, and staff may correct it later.
    session_started(session, hours_ago=0.1)
    assert client.post(url, {"booking": booking.pk, **attempts[-1]}).status_code == 302
    session_started(session, hours_ago=24 * 3)
    correction = {"booking": booking.pk, f"{prefix}-checked_in": "on", f"{prefix}-minutes_flown": "25"}
    assert client.post(url, correction).status_code == 302
    booking.refresh_from_db()
    assert booking.minutes_flown == 25 and booking.checked_in_at is not None and booking.signed_off_at is None


def test_logbook_csv_lists_only_my_flights(client, student, password, enrollment, session, waiver, staff, make_student):
    mine = book(enrollment, session)
    theirs = book(make_student("Other Pilot"), session)
    session_started(session)
    for booking in (mine, theirs):
        services.booking_roster_update(
            booking=booking,
            actor=staff,
            checked_in=True,
            minutes_flown=42,
            maneuvers=["preflight", "orbit"],
            signed_off=True,
        )
    client.login(email=student.email, password=password)
    response = client.get(reverse("flights:logbook_csv"))
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0][:4] == ["Date", "Course", "Location", "Minutes flown"]
    assert len(rows) == 2
    row = rows[1]
    assert row[1] == "Part 107 with Flight Day" and row[3] == "42"
    assert row[4] == "Preflight inspection; Orbit around a point"
    assert row[5] == "Ivy Instructor" and row[7] == "Stella Staff"


def render_tag(source, user, **context):
    request = RequestFactory().get("/dashboard/")
    request.user = user
    return Template("{% load flight_tags %}" + source).render(Context({"request": request, **context}))


def test_dashboard_tags_show_upcoming_bookings_and_the_logbook(student, enrollment, make_session, waiver, staff):
    upcoming = make_session()
    booking = book(enrollment, upcoming)
    html = render_tag("{% my_bookings %}", student)
    assert "Part 107 with Flight Day" in html and f"/flights/bookings/{booking.pk}/calendar.ics" in html
    assert "Your flights appear here" in render_tag("{% my_logbook %}", student)

    session_started(upcoming)
    services.booking_roster_update(
        booking=booking, actor=staff, checked_in=True, minutes_flown=18, maneuvers=["hover"], signed_off=True
    )
    html = render_tag("{% my_logbook %}", student)
    assert "18 minutes flown in 1 session" in html and "Stable hover" in html and "Signed off" in html


def test_dashboard_offers_rebooking_or_refund_after_a_scrub(student, enrollment, session, waiver, staff):
    booking = book(enrollment, session)
    services.session_scrub(session=session, reason="Fog", actor=staff)
    html = render_tag("{% my_bookings %}", student)
    assert "was scrubbed" in html and f"/flights/bookings/{booking.pk}/refund/" in html


def test_upcoming_sessions_for_a_course(course, make_session, student):
    make_session(capacity=3)
    html = render_tag("{% upcoming_sessions_for course %}", student, course=course)
    assert "Upcoming flight sessions" in html and "3 seats left" in html


def test_refund_request_page(client, student, password, enrollment, session, waiver, staff):
    booking = book(enrollment, session)
    services.session_scrub(session=session, reason="Thunderstorms", actor=staff)
    client.login(email=student.email, password=password)
    url = reverse("flights:refund_request", args=[booking.pk])
    assert "Request a refund of the practical" in client.get(url).content.decode()
    assert client.post(url).status_code == 302
    booking.refresh_from_db()
    assert booking.refund_requested_at is not None


def test_dashboard_points_an_enrolled_student_without_a_seat_to_the_next_date(student, enrollment, make_session):
    later, sooner = make_session(hours_ahead=400), make_session(hours_ahead=100)
    html = render_tag("{% my_bookings %}", student)
    assert "Book your flight day for Part 107 with Flight Day" in html
    assert sooner.get_absolute_url() in html and later.get_absolute_url() not in html


def test_the_book_page_sends_a_student_booked_elsewhere_back_to_change(
    client, student, password, enrollment, make_session, waiver
):
    first, second = make_session(), make_session(hours_ahead=300)
    book(enrollment, first)
    client.login(email=student.email, password=password)
    response = client.get(reverse("flights:book", args=[second.pk]))
    assert response.status_code == 302 and response["Location"] == second.get_absolute_url()


def test_roster_and_detail_query_counts_do_not_grow_with_students(
    client, staff, password, make_student, session, waiver, django_assert_max_num_queries
):
    client.login(email=staff.email, password=password)
    for _ in range(2):
        enrollment = make_student()
        book(enrollment, session)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("flights:roster", args=[session.pk]))
    for _ in range(4):
        enrollment = make_student()
        book(enrollment, session)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("flights:roster", args=[session.pk]))
    assert response.content.decode().count("Waiver v2 accepted") == 4  # capacity is 4


def test_a_full_session_card_offers_the_waitlist(client, make_session, enrollment):
    from flights.models import SeatBooking

    session = make_session(capacity=1)
    SeatBooking.objects.create(session=session, enrollment=enrollment, status=SeatBooking.Status.BOOKED)
    html = client.get(reverse("flights:list")).content.decode()
    assert "Full, waitlist open" in html
    assert ">Join the waitlist<" in html and ">Book a seat<" not in html
