"""Flight blocks other pages include: the dashboard's bookings and logbook, a course's dates."""

from django import template
from django.db.models import OuterRef, Prefetch, Subquery
from django.utils import timezone

from courses.models import Instructor
from enrollments.models import Enrollment
from flights.models import FlightSession, SeatBooking

register = template.Library()


@register.inclusion_tag("flights/_dashboard_bookings.html", takes_context=True)
def my_bookings(context):
    """Upcoming seats, scrubbed sessions to rebook, and courses with a flight day still to book.

    Three queries however many enrollments and bookings the student has: a student's own bookings
    are few, so they are read once and sorted out here.
    """
    user = context["request"].user
    if not user.is_authenticated:
        return {"bookings": [], "scrubbed": [], "to_book": []}
    mine = list(SeatBooking.objects.for_user(user).select_related("session__course"))
    active = [booking for booking in mine if booking.status in SeatBooking.ACTIVE_STATUSES]
    now = timezone.now()
    bookings = sorted((b for b in active if b.session.starts_at > now), key=lambda b: b.session.starts_at)
    has_active = {booking.enrollment_id for booking in active}
    # A scrubbed booking stays on the dashboard until the student rebooks or asks for a refund.
    scrubbed = [
        booking
        for booking in mine
        if booking.cancel_reason == SeatBooking.CancelReason.SCRUBBED
        and booking.refund_requested_at is None
        and booking.enrollment_id not in has_active
    ]
    # Courses the student may fly in but has no seat for yet: point them at the next date.
    next_session = FlightSession.objects.upcoming().filter(course=OuterRef("course_id")).values("pk")[:1]
    waiting = list(
        Enrollment.objects.for_user(user)
        .granting_access()
        .exclude(pk__in=has_active)
        .annotate(next_session_id=Subquery(next_session))
        .filter(next_session_id__isnull=False)
        .select_related("course")
        .order_by("course__title")
    )
    sessions = FlightSession.objects.in_bulk([enrollment.next_session_id for enrollment in waiting])
    to_book = [
        {"course": enrollment.course, "next_session": sessions[enrollment.next_session_id]} for enrollment in waiting
    ]
    return {"bookings": bookings, "scrubbed": scrubbed, "to_book": to_book}


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
