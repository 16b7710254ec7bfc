"""/me/flight-sessions: the student's seats on flight sessions."""

from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from ninja import Router, Schema

from api.security import bearer
from flights.models import SeatBooking

router = Router()


class FlightBookingOut(Schema):
    booking_id: int
    status: str
    session_id: int
    course_slug: str
    course_title: str
    starts_at: str
    ends_at: str
    location_name: str
    location_address: str
    session_status: str
    session_url: str
    calendar_url: str


@router.get("/me/flight-sessions", response=list[FlightBookingOut], auth=bearer)
def me_flight_sessions(request):
    """My booked and waitlisted seats on flight sessions from today on, soonest first."""
    bookings = (
        SeatBooking.objects.for_user(request.auth)
        .active()
        .filter(session__ends_at__gte=timezone.now())
        .select_related("session__course")
        .order_by("session__starts_at")
    )
    return [
        {
            "booking_id": booking.pk,
            "status": booking.status,
            "session_id": booking.session_id,
            "course_slug": booking.session.course.slug,
            "course_title": booking.session.course.title,
            "starts_at": booking.session.starts_at.isoformat(),
            "ends_at": booking.session.ends_at.isoformat(),
            "location_name": booking.session.location_name,
            "location_address": booking.session.location_address,
            "session_status": booking.session.status,
            "session_url": settings.SITE_URL + booking.session.get_absolute_url(),
            "calendar_url": settings.SITE_URL + reverse("flights:calendar", kwargs={"pk": booking.pk}),
        }
        for booking in bookings
    ]
