"""Reads for staff reports about flight sessions: what is coming up with seats left, and rosters."""

from collections.abc import Iterator

from django.utils import timezone

from flights.models import FlightSession, SeatBooking


def seat_fill_per_session(*, start, end) -> list[dict]:
    """Sessions starting in [start, end) that were not canceled, with capacity and seats taken (one
    query). A scrubbed session keeps its bookings (they move or are refunded), so it shows as booked."""
    sessions = (
        FlightSession.objects.filter(starts_at__gte=start, starts_at__lt=end)
        .exclude(status=FlightSession.Status.CANCELED)
        .with_seats()
        .select_related("course")
        .order_by("starts_at")
    )
    return [
        {
            "id": session.pk,
            "course": session.course.title,
            "starts_at": session.starts_at,
            "location": session.location_name,
            "status": session.get_status_display(),
            "capacity": session.capacity,
            "seats_taken": min(session.seats_taken, session.capacity),
            "fill": round(100 * min(session.seats_taken, session.capacity) / session.capacity),
        }
        for session in sessions
    ]


def sessions_upcoming_with_seats(*, limit: int = 10) -> list[dict]:
    """The next scheduled sessions with seats taken and left (one query)."""
    sessions = FlightSession.objects.upcoming().with_seats().select_related("course")[:limit]
    return [
        {
            "id": session.pk,
            "course": session.course.title,
            "starts_at": session.starts_at,
            "location": session.location_name,
            "capacity": session.capacity,
            "seats_taken": session.seats_taken,
            "seats_left": session.seats_left,
        }
        for session in sessions
    ]


ROSTER_HEADER = [
    "session_id",
    "course",
    "starts_at",
    "location",
    "student",
    "email",
    "status",
    "booked_at",
    "waiver_version",
    "checked_in_at",
    "minutes_flown",
    "maneuvers_passed",
    "signed_off_at",
]


def roster_rows(*, sessions) -> Iterator[list]:
    """One row per booking (seat or waitlist place) of the given sessions, streamed."""
    bookings = (
        SeatBooking.objects.filter(session__in=sessions)
        .exclude(status=SeatBooking.Status.CANCELED)
        .select_related("session__course", "enrollment__user", "waiver_acceptance__waiver")
        .order_by("session__starts_at", "session_id", "status", "enrollment__user__full_name")
    )
    for booking in bookings.iterator(chunk_size=500):
        session, user = booking.session, booking.enrollment.user
        yield [
            session.pk,
            session.course.title,
            timezone.localtime(session.starts_at).isoformat(),
            session.location_name,
            user.full_name,
            user.email,
            booking.status,
            timezone.localtime(booking.booked_at).isoformat() if booking.booked_at else "",
            booking.waiver_acceptance.waiver.version if booking.waiver_acceptance else "",
            timezone.localtime(booking.checked_in_at).isoformat() if booking.checked_in_at else "",
            booking.minutes_flown,
            "; ".join(booking.maneuver_labels),
            timezone.localtime(booking.signed_off_at).isoformat() if booking.signed_off_at else "",
        ]


def session_students(session: FlightSession):
    """People holding a seat or a waitlist place on `session`: the audience of a message to it."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        pk__in=SeatBooking.objects.filter(session=session).active().values("enrollment__user_id"), is_active=True
    )
