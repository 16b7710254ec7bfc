"""Reactions to other apps' signals, and cache invalidation for the pages that show sessions.

- enrollments: flights frees the seats of a revoked enrollment.
- lessons: a course that requires a signed-off practical completes only once it is signed off.
- The public pages stored for anonymous visitors show upcoming sessions and their seats left
  (home, course pages; core/page_cache.py), so every session or booking write bumps their
  version. Signals, as for the catalog (courses/cache.py): invalidation must follow every write,
  from services, admin or shell alike.
"""

from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from courses.cache import public_pages_bump
from enrollments.models import Enrollment
from enrollments.signals import enrollment_revoked
from enrollments.student_cache import student_cache_bump
from flights import services
from flights.models import FlightSession, SeatBooking
from lessons.signals import certificate_lines, completion_requirement_check


@receiver(completion_requirement_check, dispatch_uid="flights.completion_requirement_check.practical")
def practical_requirement(sender, enrollment, **kwargs) -> bool:
    return services.practical_requirement_met(enrollment)


@receiver(certificate_lines, dispatch_uid="flights.certificate_lines.practical_signoff")
def practical_signoff_line(sender, enrollment, **kwargs) -> str:
    return services.practical_signoff_line(enrollment)


@receiver(enrollment_revoked, dispatch_uid="flights.enrollment_revoked.free_seats")
def free_seats_of_revoked_enrollment(sender, enrollment, **kwargs):
    services.enrollment_bookings_cancel(enrollment=enrollment)


@receiver(post_save, sender=FlightSession, dispatch_uid="flights.session_saved.public_pages")
@receiver(post_delete, sender=FlightSession, dispatch_uid="flights.session_deleted.public_pages")
@receiver(post_save, sender=SeatBooking, dispatch_uid="flights.booking_saved.public_pages")
@receiver(post_delete, sender=SeatBooking, dispatch_uid="flights.booking_deleted.public_pages")
def sessions_changed(sender, **kwargs):
    public_pages_bump()


# A student's cached pages show their bookings and logbook (enrollments/student_cache.py).
@receiver(post_save, sender=SeatBooking, dispatch_uid="flights.booking_saved.student_cache")
@receiver(post_delete, sender=SeatBooking, dispatch_uid="flights.booking_deleted.student_cache")
def booking_changed(sender, instance, **kwargs):
    student_cache_bump(*Enrollment.objects.filter(pk=instance.enrollment_id).values_list("user_id", flat=True))
