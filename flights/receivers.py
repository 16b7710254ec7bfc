"""Reactions to the enrollments domain signals (DESIGN.md: flights frees the seats of a revoked enrollment)."""

from django.dispatch import receiver

from enrollments.signals import enrollment_revoked
from flights import services


@receiver(enrollment_revoked, dispatch_uid="flights.enrollment_revoked.free_seats")
def free_seats_of_revoked_enrollment(sender, enrollment, **kwargs):
    services.enrollment_bookings_cancel(enrollment=enrollment)
