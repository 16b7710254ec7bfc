"""An iCalendar (RFC 5545) file for one booking, written by hand: one VEVENT needs no library."""

from datetime import UTC, datetime

from django.conf import settings
from django.utils import timezone


def ics_escape(value: str) -> str:
    """TEXT escaping (RFC 5545 3.3.11): backslash first, then ; , and newlines."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\r", "\\n")
        .replace("\n", "\\n")
    )


def ics_fold(line: str) -> str:
    """Fold a content line at 75 octets, never inside a UTF-8 character (RFC 5545 3.1)."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current, limit = [], b"", 75
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > limit:
            parts.append(current.decode())
            current, limit = b"", 74  # continuation lines start with a space
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _utc(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def booking_ics(booking, *, now: datetime | None = None) -> str:
    session = booking.session
    host = settings.SITE_URL.split("://", 1)[-1].split("/", 1)[0] or "bostondroneschool"
    description = f"Flight session for {session.course.title}."
    if session.notes:
        description += f"\n\nWhat to bring:\n{session.notes}"
    description += f"\n\n{settings.SITE_URL}{session.get_absolute_url()}"
    location = ", ".join(part for part in (session.location_name, session.location_address) if part)
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:-//{ics_escape(settings.SCHOOL_NAME)}//Flight sessions//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:flight-booking-{booking.pk}@{host}",
        f"DTSTAMP:{_utc(now or timezone.now())}",
        f"DTSTART:{_utc(session.starts_at)}",
        f"DTEND:{_utc(session.ends_at)}",
        f"SUMMARY:{ics_escape(f'Flight session: {session.course.title}')}",
        f"LOCATION:{ics_escape(location)}",
        f"DESCRIPTION:{ics_escape(description)}",
        f"URL:{settings.SITE_URL}{session.get_absolute_url()}",
        "STATUS:CANCELLED" if session.status in ("scrubbed", "canceled") else "STATUS:CONFIRMED",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "".join(ics_fold(line) + "\r\n" for line in lines)
