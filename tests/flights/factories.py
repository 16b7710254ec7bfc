from flights.services import WaiverSignature


def signature_for(enrollment, **fields) -> WaiverSignature:
    return WaiverSignature(typed_name=enrollment.user.full_name, ip_address="203.0.113.7", **fields)


def session_started(session, *, hours_ago: float = 1):
    """Move a session's start into the past, as if the clock had reached flight day.

    Bookings need a future session and the roster a started one; a test books first, then calls this.
    """
    from datetime import timedelta

    from django.utils import timezone

    starts = timezone.now() - timedelta(hours=hours_ago)
    type(session).objects.filter(pk=session.pk).update(starts_at=starts, ends_at=starts + timedelta(hours=3))
    session.refresh_from_db()
    return session
