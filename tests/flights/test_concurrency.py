"""Many students press Book on the last seat at the same moment (PostgreSQL only: SQLite has no row locks)."""

import functools
import threading

import pytest
from django.db import connection, connections

from flights import services
from flights.models import SeatBooking
from tests.flights.factories import signature_for

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL row locks"),
    pytest.mark.django_db(transaction=True),
]


def race(enrollments, session, *, also_cancel=None):
    """Run seat_book for every enrollment in its own thread and connection, released together."""
    barrier = threading.Barrier(len(enrollments))
    results, errors = {}, []

    def attempt(enrollment):
        try:
            barrier.wait(timeout=30)
            results[enrollment.pk] = services.seat_book(
                enrollment=enrollment, session=session, signature=signature_for(enrollment)
            ).status
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt, args=(enrollment,)) for enrollment in enrollments]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    return results


def test_two_students_race_for_the_last_seat_and_exactly_one_gets_it(make_student, make_session, waiver):
    session = make_session(capacity=2)
    services.seat_book(enrollment=(first := make_student()), session=session, signature=signature_for(first))
    racers = [make_student(), make_student()]

    results = race(racers, session)

    assert sorted(results.values()) == [SeatBooking.Status.BOOKED, SeatBooking.Status.WAITLISTED]
    assert session.seats_taken_count() == 2
    winner = next(pk for pk, status in results.items() if status == SeatBooking.Status.BOOKED)
    loser = next(pk for pk, status in results.items() if status == SeatBooking.Status.WAITLISTED)

    # The winner cancels: the one who lost the race is promoted.
    services.seat_cancel(booking=SeatBooking.objects.get(enrollment_id=winner))
    assert SeatBooking.objects.get(enrollment_id=loser).status == SeatBooking.Status.BOOKED
    assert session.seats_taken_count() == 2


def test_many_students_never_overbook(make_student, make_session, waiver):
    session = make_session(capacity=3)
    racers = [make_student() for _ in range(8)]

    results = race(racers, session)

    statuses = list(results.values())
    assert len(statuses) == 8
    assert statuses.count(SeatBooking.Status.BOOKED) == 3
    assert statuses.count(SeatBooking.Status.WAITLISTED) == 5
    assert session.seats_taken_count() == 3


def test_one_student_double_clicking_gets_one_booking(enrollment, session, waiver):
    barrier = threading.Barrier(2)
    outcomes = []

    def attempt():
        try:
            barrier.wait(timeout=30)
            services.seat_book(enrollment=enrollment, session=session, signature=signature_for(enrollment))
            outcomes.append("booked")
        except services.BookingError:
            outcomes.append("refused")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=attempt) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert sorted(outcomes) == ["booked", "refused"]
    assert SeatBooking.objects.filter(enrollment=enrollment).count() == 1


def run_together(*jobs):
    barrier = threading.Barrier(len(jobs))
    errors = []

    def run(job):
        try:
            barrier.wait(timeout=30)
            job()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(job,)) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def test_a_seat_freed_while_others_book_goes_to_exactly_one_student(make_student, make_session, waiver):
    session = make_session(capacity=1)
    holder = make_student()
    seat = services.seat_book(enrollment=holder, session=session, signature=signature_for(holder))
    waiting = make_student()
    services.seat_book(enrollment=waiting, session=session, signature=signature_for(waiting))
    racers = [make_student() for _ in range(3)]

    errors = run_together(
        lambda: services.seat_cancel(booking=seat),
        *[
            functools.partial(services.seat_book, enrollment=e, session=session, signature=signature_for(e))
            for e in racers
        ],
    )

    assert not errors, errors
    assert session.seats_taken_count() == 1
    booked = SeatBooking.objects.get(session=session, status=SeatBooking.Status.BOOKED)
    # Either the waitlist got the freed seat, or a racer booked before the cancel; never both.
    assert booked.enrollment in [waiting, *racers]
    assert SeatBooking.objects.filter(session=session, status=SeatBooking.Status.WAITLISTED).count() == 3


def test_canceling_a_seat_and_a_waitlist_place_at_once_does_not_deadlock(make_student, make_session, waiver):
    session = make_session(capacity=1)
    enrollments = [make_student() for _ in range(3)]
    bookings = [
        services.seat_book(enrollment=enrollment, session=session, signature=signature_for(enrollment))
        for enrollment in enrollments
    ]

    errors = run_together(
        lambda: services.seat_cancel(booking=bookings[0]), lambda: services.seat_cancel(booking=bookings[1])
    )

    assert not errors, errors
    statuses = [SeatBooking.objects.get(pk=booking.pk).status for booking in bookings]
    assert statuses == ["canceled", "canceled", "booked"]
