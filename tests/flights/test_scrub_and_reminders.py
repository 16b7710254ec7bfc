from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from flights import services, tasks
from flights.models import FlightSession, SeatBooking
from tests.flights.factories import signature_for

pytestmark = pytest.mark.django_db


def book(enrollment, session):
    return services.seat_book(enrollment=enrollment, session=session, signature=signature_for(enrollment))


def test_scrub_emails_every_booked_student_at_once_with_reason_and_options(
    make_student, make_session, waiver, staff, django_capture_on_commit_callbacks
):
    session = make_session(capacity=2)
    alternative = make_session(hours_ahead=24 * 14)
    students = [make_student(), make_student(), make_student()]  # two booked, one waitlisted
    for enrollment in students:
        book(enrollment, session)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        affected = services.session_scrub(session=session, reason="Gusts to 35 knots forecast.", actor=staff)

    session.refresh_from_db()
    assert session.status == FlightSession.Status.SCRUBBED
    assert session.scrub_reason == "Gusts to 35 knots forecast." and session.scrubbed_at is not None
    assert len(affected) == 3
    assert sorted(message.to[0] for message in mail.outbox) == sorted(e.user.email for e in students)
    message = mail.outbox[0]
    assert message.subject.startswith("Scrubbed:")
    assert "Gusts to 35 knots forecast." in message.body
    assert alternative.get_absolute_url() in message.body
    booking = SeatBooking.objects.get(enrollment__user__email=message.to[0])
    assert f"/flights/bookings/{booking.pk}/refund/" in message.body
    assert not SeatBooking.objects.active().exists()
    assert set(SeatBooking.objects.values_list("cancel_reason", flat=True)) == {"scrubbed"}

    # A second scrub (double submit) sends nothing more.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.session_scrub(session=session, reason="again", actor=staff) == []
    assert len(mail.outbox) == 3


def test_scrubbed_students_rebook_ahead_of_the_waitlist(make_student, make_session, waiver, staff):
    scrubbed_session = make_session()
    other = make_session(hours_ahead=24 * 14, capacity=1)
    scrubbed_student, early_bird, holder = make_student(), make_student(), make_student()
    book(scrubbed_student, scrubbed_session)
    book(holder, other)
    book(early_bird, other)  # waitlisted before the scrub
    services.session_scrub(session=scrubbed_session, reason="Rain", actor=staff)

    rebooked = book(scrubbed_student, other)
    assert rebooked.status == SeatBooking.Status.WAITLISTED and rebooked.rebook_priority
    assert rebooked.waitlist_position() == 1

    services.seat_cancel(booking=SeatBooking.objects.get(enrollment=holder))
    assert SeatBooking.objects.get(pk=rebooked.pk).status == SeatBooking.Status.BOOKED
    assert SeatBooking.objects.get(enrollment=early_bird).status == SeatBooking.Status.WAITLISTED


def test_scrub_needs_a_reason(session, staff):
    with pytest.raises(services.BookingError, match="reason"):
        services.session_scrub(session=session, reason="  ", actor=staff)
    session.refresh_from_db()
    assert session.status == FlightSession.Status.SCHEDULED


def test_practical_refund_request_is_recorded_once_and_staff_are_told(
    enrollment, session, waiver, staff, django_capture_on_commit_callbacks
):
    booking = book(enrollment, session)
    with pytest.raises(services.BookingError, match="scrubbed"):
        services.practical_refund_request(booking=booking)
    services.session_scrub(session=session, reason="Rain", actor=staff)
    mail.outbox.clear()

    with django_capture_on_commit_callbacks(execute=True):
        services.practical_refund_request(booking=booking)
        services.practical_refund_request(booking=booking)

    booking.refresh_from_db()
    assert booking.refund_requested_at is not None
    assert [message.to for message in mail.outbox] == [[staff.email]]
    assert "Sam Student" in mail.outbox[0].subject
    assert f"/admin/flights/seatbooking/{booking.pk}/change/" in mail.outbox[0].body


def test_reminders_go_out_at_48_and_24_hours_once_each(
    enrollment, make_session, waiver, django_capture_on_commit_callbacks
):
    session = make_session(hours_ahead=24 * 5)
    booking = book(enrollment, session)
    mail.outbox.clear()

    def run_at(hours_before_start):
        session.starts_at = timezone.now() + timedelta(hours=hours_before_start)
        session.ends_at = session.starts_at + timedelta(hours=2)
        session.save()
        with django_capture_on_commit_callbacks(execute=True):
            return tasks.flight_reminders_send.delay().get()

    assert run_at(72) == 0
    assert run_at(47) == 1
    assert "In two days" in mail.outbox[-1].subject
    assert run_at(46) == 0  # the next beat, or a retried task, finds the marker
    assert run_at(23) == 1
    assert "Tomorrow" in mail.outbox[-1].subject
    assert run_at(22) == 0
    assert len(mail.outbox) == 2
    booking.refresh_from_db()
    assert booking.reminder_48h_sent_at and booking.reminder_24h_sent_at


def test_a_late_booking_gets_only_the_24_hour_reminder(enrollment, make_session, waiver):
    session = make_session(hours_ahead=10)
    book(enrollment, session)
    mail.outbox.clear()
    assert services.flight_reminders_send() == 1
    assert services.flight_reminders_send() == 0


def test_reminders_skip_canceled_and_waitlisted_bookings(make_student, make_session, waiver):
    session = make_session(hours_ahead=30, capacity=1)
    canceled = book(make_student(), session)
    book(make_student(), session)
    services.seat_cancel(booking=canceled)  # the waitlisted student is promoted and gets the reminder
    assert services.flight_reminders_send() == 1


def test_the_beat_schedule_runs_the_reminders_every_15_minutes(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["flights-send-reminders"]
    assert entry["task"] == tasks.flight_reminders_send.name
    assert entry["schedule"] == 900
