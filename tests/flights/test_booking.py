from datetime import timedelta

import pytest
from django.core import mail
from django.db import IntegrityError
from django.utils import timezone

from enrollments.models import Enrollment
from enrollments.signals import enrollment_revoked
from flights import services
from flights.models import FlightCourseSettings, SeatBooking, WaiverAcceptance
from tests.flights.factories import session_started, signature_for

pytestmark = pytest.mark.django_db


def book(enrollment, session, **fields):
    return services.seat_book(enrollment=enrollment, session=session, signature=signature_for(enrollment, **fields))


def test_booking_stores_the_waiver_acceptance_with_version_name_and_ip(
    enrollment, session, waiver, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        booking = services.seat_book(
            enrollment=enrollment,
            session=session,
            signature=services.WaiverSignature(typed_name="  sam   STUDENT ", ip_address="203.0.113.7"),
        )

    assert booking.status == SeatBooking.Status.BOOKED
    acceptance = booking.waiver_acceptance
    assert acceptance.waiver == waiver and acceptance.waiver.version == 2
    assert acceptance.typed_name == "sam STUDENT"
    assert acceptance.ip_address == "203.0.113.7"
    assert acceptance.user == enrollment.user
    assert acceptance.accepted_at is not None
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam.student@example.com"]
    assert "Seat booked" in mail.outbox[0].subject
    assert "Fowl Meadow Field" in mail.outbox[0].body
    assert f"/flights/bookings/{booking.pk}/calendar.ics" in mail.outbox[0].body


def test_the_typed_name_must_match_the_account(enrollment, session, waiver):
    with pytest.raises(services.BookingError, match="must match the full name"):
        services.seat_book(
            enrollment=enrollment, session=session, signature=services.WaiverSignature(typed_name="Someone Else")
        )
    assert not SeatBooking.objects.exists()
    assert not WaiverAcceptance.objects.exists()


def test_no_published_waiver_means_no_booking(enrollment, session, waiver):
    waiver.published_at = None
    waiver.save()
    with pytest.raises(services.BookingError, match="waiver"):
        book(enrollment, session)
    assert not SeatBooking.objects.exists()


def test_the_newest_published_waiver_version_is_the_one_accepted(enrollment, session, waiver, course):
    newer = course.flight_waivers.create(version=3, text="v3", published_at=timezone.now())
    course.flight_waivers.create(version=4, text="draft", published_at=None)
    booking = book(enrollment, session)
    assert booking.waiver_acceptance.waiver == newer


def test_age_and_equipment_are_required_when_the_course_asks(enrollment, session, waiver, course):
    FlightCourseSettings.objects.create(course=course, requires_age_16=True, asks_equipment_declaration=True)

    with pytest.raises(services.BookingError, match="16 or older"):
        book(enrollment, session, equipment_declaration="DJI Mini 4")
    with pytest.raises(services.BookingError, match="equipment"):
        book(enrollment, session, age_confirmed=True)
    booking = book(enrollment, session, age_confirmed=True, equipment_declaration="DJI Mini 4, 3 batteries")

    assert booking.waiver_acceptance.age_confirmed is True
    assert booking.waiver_acceptance.equipment_declaration == "DJI Mini 4, 3 batteries"
    assert WaiverAcceptance.objects.count() == 1


def test_age_and_equipment_are_not_asked_by_default(enrollment, session, waiver):
    booking = book(enrollment, session)
    assert booking.waiver_acceptance.age_confirmed is False
    assert booking.waiver_acceptance.equipment_declaration == ""


def test_online_completion_prerequisite(enrollment, session, waiver, course):
    FlightCourseSettings.objects.create(course=course, requires_online_completion=True)
    with pytest.raises(services.BookingError, match="Finish the online part"):
        book(enrollment, session)

    enrollment.status = Enrollment.Status.COMPLETED
    enrollment.save()
    assert book(enrollment, session).status == SeatBooking.Status.BOOKED


@pytest.mark.parametrize("status", [Enrollment.Status.PENDING, Enrollment.Status.REFUNDED, Enrollment.Status.REVOKED])
def test_an_enrollment_without_access_cannot_book(enroll, student, session, waiver, status):
    enrollment = enroll(student, status=status)
    with pytest.raises(services.BookingError, match="not active"):
        book(enrollment, session)


def test_past_scrubbed_and_other_course_sessions_cannot_be_booked(enrollment, make_session, waiver, course):
    from courses.models import Course

    other_course = Course.objects.create(slug="other", title="Other", summary="x", category=course.category)
    for session in (
        make_session(hours_ahead=-1),
        make_session(status="scrubbed"),
        make_session(for_course=other_course),
    ):
        with pytest.raises(services.BookingError):
            book(enrollment, session)
    assert not SeatBooking.objects.exists()


def test_one_active_booking_per_course(enrollment, make_session, waiver):
    first, second = make_session(), make_session(hours_ahead=200)
    book(enrollment, first)
    with pytest.raises(services.BookingError, match="already hold"):
        book(enrollment, second)
    # The database enforces it too, whatever the code path.
    with pytest.raises(IntegrityError):
        SeatBooking.objects.create(enrollment=enrollment, session=second, status=SeatBooking.Status.WAITLISTED)


def test_a_full_session_puts_the_student_on_the_waitlist(make_student, make_session, waiver):
    session = make_session(capacity=1)
    first, second, third = make_student(), make_student(), make_student()
    assert book(first, session).status == SeatBooking.Status.BOOKED
    waiting = book(second, session)
    last = book(third, session)
    assert waiting.status == SeatBooking.Status.WAITLISTED and waiting.booked_at is None
    assert waiting.waitlist_position() == 1 and last.waitlist_position() == 2
    assert session.seats_taken_count() == 1


def test_cancel_frees_the_seat_for_the_first_on_the_waitlist_who_is_emailed(
    make_student, make_session, waiver, django_capture_on_commit_callbacks
):
    session = make_session(capacity=1)
    holder, first_in_line, second_in_line = make_student(), make_student(), make_student()
    seat = book(holder, session)
    book(first_in_line, session)
    book(second_in_line, session)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.seat_cancel(booking=seat)

    seat.refresh_from_db()
    assert seat.status == SeatBooking.Status.CANCELED and seat.canceled_at is not None
    promoted = SeatBooking.objects.get(enrollment=first_in_line)
    assert promoted.status == SeatBooking.Status.BOOKED and promoted.booked_at is not None
    assert SeatBooking.objects.get(enrollment=second_in_line).status == SeatBooking.Status.WAITLISTED
    assert [message.to for message in mail.outbox] == [[first_in_line.user.email]]
    assert "A seat opened up" in mail.outbox[0].subject
    assert session.seats_taken_count() == 1

    # Canceling twice changes nothing and promotes nobody else.
    with django_capture_on_commit_callbacks(execute=True):
        services.seat_cancel(booking=seat)
    assert SeatBooking.objects.get(enrollment=second_in_line).status == SeatBooking.Status.WAITLISTED
    assert len(mail.outbox) == 1


def test_leaving_the_waitlist_promotes_nobody(make_student, make_session, waiver):
    session = make_session(capacity=1)
    book(make_student(), session)
    waiting = book(make_student(), session)
    services.seat_cancel(booking=waiting)
    assert session.seats_taken_count() == 1
    assert not SeatBooking.objects.filter(status=SeatBooking.Status.WAITLISTED).exists()


def test_change_before_the_deadline_moves_the_seat_and_frees_the_old_one(
    make_student, make_session, waiver, settings, django_capture_on_commit_callbacks
):
    settings.FLIGHTS_CHANGE_DEADLINE_HOURS = 48
    early, later = make_session(hours_ahead=72, capacity=1), make_session(hours_ahead=24 * 10)
    mover, waiting = make_student(), make_student()
    booking = book(mover, early)
    book(waiting, early)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        moved = services.seat_change(booking=booking, session=later)

    booking.refresh_from_db()
    assert booking.status == SeatBooking.Status.CANCELED
    assert booking.cancel_reason == SeatBooking.CancelReason.CHANGED
    assert moved.session == later and moved.status == SeatBooking.Status.BOOKED
    assert moved.waiver_acceptance == booking.waiver_acceptance
    assert SeatBooking.objects.get(enrollment=waiting).status == SeatBooking.Status.BOOKED
    subjects = {message.to[0]: message.subject for message in mail.outbox}
    assert subjects[mover.user.email].startswith("Changed:")
    assert "A seat opened up" in subjects[waiting.user.email]


def test_change_after_the_deadline_is_refused(enrollment, make_session, waiver, settings):
    settings.FLIGHTS_CHANGE_DEADLINE_HOURS = 48
    soon, later = make_session(hours_ahead=47), make_session(hours_ahead=24 * 10)
    booking = book(enrollment, soon)
    with pytest.raises(services.BookingError, match="48 hours"):
        services.seat_change(booking=booking, session=later)
    booking.refresh_from_db()
    assert booking.status == SeatBooking.Status.BOOKED and booking.session == soon
    # Cancelling is still possible after the change deadline.
    assert services.seat_cancel(booking=booking).status == SeatBooking.Status.CANCELED


def test_change_to_a_full_session_is_refused_and_keeps_the_seat(make_student, make_session, waiver):
    current, full = make_session(hours_ahead=24 * 5), make_session(hours_ahead=24 * 6, capacity=1)
    book(make_student(), full)
    mine = make_student()
    booking = book(mine, current)
    with pytest.raises(services.BookingError, match="full"):
        services.seat_change(booking=booking, session=full)
    booking.refresh_from_db()
    assert booking.status == SeatBooking.Status.BOOKED and booking.session == current


def test_revoking_the_enrollment_cancels_its_bookings_and_frees_the_seat(
    make_student, make_session, waiver, django_capture_on_commit_callbacks
):
    session = make_session(capacity=1)
    refunded, waiting = make_student(), make_student()
    seat = book(refunded, session)
    book(waiting, session)
    mail.outbox.clear()

    refunded.status = Enrollment.Status.REFUNDED
    refunded.save()
    with django_capture_on_commit_callbacks(execute=True):
        enrollment_revoked.send(sender=Enrollment, enrollment=refunded, reason="refund")
        # Receivers must be idempotent: a second delivery changes nothing.
        enrollment_revoked.send(sender=Enrollment, enrollment=refunded, reason="refund")

    seat.refresh_from_db()
    assert seat.status == SeatBooking.Status.CANCELED
    assert seat.cancel_reason == SeatBooking.CancelReason.ENROLLMENT_REVOKED
    assert SeatBooking.objects.get(enrollment=waiting).status == SeatBooking.Status.BOOKED
    assert [message.to for message in mail.outbox] == [[waiting.user.email]]


def test_practical_signed_off(enrollment, session, waiver, staff):
    booking = book(enrollment, session)
    session_started(session)
    assert services.practical_signed_off(enrollment) is False
    services.booking_roster_update(
        booking=booking, actor=staff, checked_in=True, minutes_flown=25, maneuvers=["hover"], signed_off=False
    )
    assert services.practical_signed_off(enrollment) is False
    services.booking_roster_update(
        booking=booking, actor=staff, checked_in=True, minutes_flown=25, maneuvers=["hover"], signed_off=True
    )
    assert services.practical_signed_off(enrollment) is True
    booking.refresh_from_db()
    assert booking.status == SeatBooking.Status.ATTENDED
    assert booking.signed_off_by == staff


def test_the_certificate_line_names_who_signed_off_the_practical_and_the_day(enrollment, session, waiver, staff):
    from enrollments.models import Enrollment
    from lessons.signals import certificate_lines

    booking = book(enrollment, session)
    session_started(session)
    assert [line for _, line in certificate_lines.send(sender=Enrollment, enrollment=enrollment) if line] == []
    services.booking_roster_update(
        booking=booking, actor=staff, checked_in=True, minutes_flown=25, maneuvers=["hover"], signed_off=True
    )
    [line] = [line for _, line in certificate_lines.send(sender=Enrollment, enrollment=enrollment) if line]
    assert line.startswith(f"Flight day: practical signed off by {staff.full_name} on ")


def test_roster_update_rules(enrollment, session, waiver, staff):
    booking = book(enrollment, session)
    session_started(session)
    with pytest.raises(services.BookingError, match="Check the student in"):
        services.booking_roster_update(
            booking=booking, actor=staff, checked_in=False, minutes_flown=0, maneuvers=[], signed_off=True
        )
    with pytest.raises(services.BookingError, match="Unknown maneuvers"):
        services.booking_roster_update(
            booking=booking, actor=staff, checked_in=True, minutes_flown=0, maneuvers=["barrel_roll"], signed_off=False
        )
    updated = services.booking_roster_update(
        booking=booking,
        actor=staff,
        checked_in=True,
        minutes_flown=40,
        maneuvers=["orbit", "preflight"],
        signed_off=False,
    )
    # Stored in the checklist's order, whatever order the form sent.
    assert updated.maneuvers_passed == ["preflight", "orbit"]
    assert updated.maneuver_labels == ["Preflight inspection", "Orbit around a point"]


def test_session_complete_marks_no_shows(make_student, make_session, waiver, staff):
    session = make_session(capacity=2)
    flew, stayed_home, waiting = make_student(), make_student(), make_student()
    flown = book(flew, session)
    book(stayed_home, session)
    book(waiting, session)
    session_started(session)
    services.booking_roster_update(
        booking=flown, actor=staff, checked_in=True, minutes_flown=30, maneuvers=[], signed_off=False
    )
    services.session_complete(session=session, actor=staff)
    session.refresh_from_db()
    assert session.status == "completed"
    statuses = dict(SeatBooking.objects.values_list("enrollment_id", "status"))
    assert statuses == {flew.pk: "attended", stayed_home.pk: "no_show", waiting.pk: "canceled"}


def test_practical_required_follows_the_course_setting(course):
    assert services.practical_required(course) is False
    FlightCourseSettings.objects.create(course=course, requires_practical_signoff=True)
    assert services.practical_required(course) is True


def test_cancel_after_start_is_refused(enrollment, make_session, waiver):
    session = make_session(hours_ahead=1)
    booking = book(enrollment, session)
    session.starts_at = timezone.now() - timedelta(minutes=5)
    session.save()
    with pytest.raises(services.BookingError, match="already started"):
        services.seat_cancel(booking=booking)


def test_a_checked_in_student_cannot_take_a_second_seat_on_the_same_session(enrollment, make_session, waiver, staff):
    session = make_session(hours_ahead=0.5)
    booking = book(enrollment, session)
    session_started(session, hours_ago=0)
    services.booking_roster_update(
        booking=booking, actor=staff, checked_in=True, minutes_flown=0, maneuvers=[], signed_off=False
    )
    session_started(session, hours_ago=-0.5)  # moved back by half an hour: open for booking again
    with pytest.raises(services.BookingError, match="already have a seat"):
        book(enrollment, session)
    assert session.seats_taken_count() == 1


def test_the_completion_rule_for_lessons_needs_a_sign_off_only_when_the_course_asks(
    enrollment, session, waiver, staff, course
):
    from lessons.services import practical_signed_off as lessons_check

    assert lessons_check(enrollment) is True  # no practical required
    FlightCourseSettings.objects.create(course=course, requires_practical_signoff=True)
    assert lessons_check(enrollment) is False
    booking = book(enrollment, session)
    session_started(session)
    services.booking_roster_update(
        booking=booking, actor=staff, checked_in=True, minutes_flown=30, maneuvers=[], signed_off=True
    )
    assert lessons_check(enrollment) is True


def test_joining_the_waitlist_is_confirmed_with_the_place_in_line(
    make_student, make_session, waiver, django_capture_on_commit_callbacks
):
    session = make_session(capacity=1)
    book(make_student(), session)
    waiting = make_student()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        book(waiting, session)
    assert [message.to for message in mail.outbox] == [[waiting.user.email]]
    assert mail.outbox[0].subject.startswith("On the waitlist:")
    assert "number 1 on its waitlist" in mail.outbox[0].body
    assert "calendar.ics" not in mail.outbox[0].body
