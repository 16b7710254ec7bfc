"""Flight blocks other pages include: the dashboard's bookings and logbook, a course's dates."""

from django import template
from django.db.models import Prefetch
from django.utils import timezone

from courses.models import Instructor
from enrollments.models import Enrollment
from flights.models import FlightSession, SeatBooking

register = template.Library()


@register.inclusion_tag("flights/_dashboard_bookings.html", takes_context=True)
def my_bookings(context):
    user = context["request"].user
    if not user.is_authenticated:
        return {"bookings": [], "scrubbed": [], "to_book": []}
    mine = SeatBooking.objects.for_user(user).select_related("session__course")
    bookings = mine.active().filter(session__starts_at__gt=timezone.now()).order_by("session__starts_at")
    # A scrubbed booking stays on the dashboard until the student rebooks or asks for a refund.
    has_active = {booking.enrollment_id for booking in mine.active()}
    scrubbed = [
        booking
        for booking in mine.filter(cancel_reason=SeatBooking.CancelReason.SCRUBBED, refund_requested_at__isnull=True)
        if booking.enrollment_id not in has_active
    ]
    # Courses the student may fly in but has no seat for yet: point them at the next dates.
    waiting_courses = (
        Enrollment.objects.for_user(user)
        .granting_access()
        .exclude(pk__in=has_active)
        .filter(course__flight_sessions__in=FlightSession.objects.upcoming())
        .select_related("course")
        .distinct()
    )
    to_book = [
        {
            "course": enrollment.course,
            "next_session": FlightSession.objects.upcoming().filter(course=enrollment.course).first(),
        }
        for enrollment in waiting_courses
    ]
    return {"bookings": list(bookings), "scrubbed": scrubbed, "to_book": to_book}


@register.inclusion_tag("flights/_logbook.html", takes_context=True)
def my_logbook(context):
    user = context["request"].user
    if not user.is_authenticated:
        return {"entries": [], "total_minutes": 0}
    entries = list(
        SeatBooking.objects.for_user(user)
        .logbook()
        .select_related("session__course", "signed_off_by")
        .prefetch_related(Prefetch("session__instructors", queryset=Instructor.objects.select_related("user")))
    )
    return {"entries": entries, "total_minutes": sum(entry.minutes_flown for entry in entries)}


@register.inclusion_tag("flights/_upcoming_sessions.html")
def upcoming_sessions_for(course, limit=5):
    sessions = FlightSession.objects.upcoming().with_seats().filter(course=course)[:limit]
    return {"sessions": list(sessions), "course": course}
