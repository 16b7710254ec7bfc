"""Flight-day workflows: booking, waitlist, changes, scrubs, check-in and sign-off, reminders.

Every function here is atomic. Seats are counted only while the FlightSession row is locked
(`select_for_update`), so two students racing for the last seat are served one after the other
and capacity is never exceeded. Emails go out through `core.mail.email_send`, which queues
them after the transaction commits.
"""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from core.mail import email_send
from enrollments.models import Enrollment
from flights.models import (
    MANEUVER_LABELS,
    FlightCourseSettings,
    FlightSession,
    SeatBooking,
    Waiver,
    WaiverAcceptance,
)

logger = logging.getLogger(__name__)


class BookingError(Exception):
    """A booking request the rules refuse. The message is written for the student."""


@dataclass(frozen=True)
class WaiverSignature:
    """What the student entered on the booking form."""

    typed_name: str
    ip_address: str | None = None
    age_confirmed: bool = False
    equipment_declaration: str = ""


# -- helpers ---------------------------------------------------------------------------------------


def _now() -> datetime:
    return timezone.now()


def _site_url(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _normalise_name(name: str) -> str:
    return " ".join(name.split()).casefold()


def _session_lock(session_id: int) -> FlightSession:
    """The session row, locked until the transaction ends: the seat count is only trusted under it."""
    return FlightSession.objects.select_for_update().select_related("course").get(pk=session_id)


def _session_when(session: FlightSession) -> str:
    starts = timezone.localtime(session.starts_at)
    ends = timezone.localtime(session.ends_at)
    return f"{starts:%A, %B %-d, %Y, %-I:%M %p} to {ends:%-I:%M %p %Z}"


def _booking_email_context(booking: SeatBooking) -> dict:
    """The keys the flight emails share (see backoffice/emails_catalog.py for each email's full list)."""
    session = booking.session
    user = booking.enrollment.user
    return {
        "user_name": user.full_name or user.email,
        "course_title": session.course.title,
        "session_when": _session_when(session),
        "location": ", ".join(part for part in (session.location_name, session.location_address) if part),
        "instructor_name": ", ".join(instructor.user.full_name for instructor in session.instructors.all()),
        "session_url": _site_url(session.get_absolute_url()),
        "calendar_url": _site_url(reverse("flights:calendar", kwargs={"pk": booking.pk})),
    }


def _email_student(
    *, template: str, booking: SeatBooking, extra: dict | None = None, key: str = "", transactional: bool = True
) -> None:
    context = _booking_email_context(booking) | (extra or {})
    email_send(
        template=template,
        to=[booking.enrollment.user.email],
        context=context,
        # One email per booking and event, however often a task or a double submit repeats it.
        idempotency_key=f"{template}:booking:{booking.pk}{key}",
        transactional=transactional,
    )


def _seats_taken(session: FlightSession) -> int:
    return SeatBooking.objects.filter(session=session, status__in=SeatBooking.SEAT_STATUSES).count()


def _waitlist_fill(session: FlightSession) -> list[SeatBooking]:
    """Give free seats to the first on the waitlist and email them. The caller holds the session lock."""
    if not session.is_bookable:
        return []
    promoted = []
    free = session.capacity - _seats_taken(session)
    for booking in (
        SeatBooking.objects.filter(session=session).waitlist_order().select_related("enrollment__user")[: max(free, 0)]
    ):
        booking.status = SeatBooking.Status.BOOKED
        booking.booked_at = _now()
        booking.save(update_fields=["status", "booked_at"])
        booking.session = session
        _email_student(template="waitlist_promoted", booking=booking, extra={"confirm_by": ""})
        logger.info("Waitlist promotion: booking %s on session %s", booking.pk, session.pk)
        promoted.append(booking)
    return promoted


def _check_can_book(*, enrollment: Enrollment, session: FlightSession) -> None:
    if not enrollment.grants_access:
        raise BookingError("Your enrollment in this course is not active, so you cannot book a flight session.")
    if session.course_id != enrollment.course_id:
        raise BookingError("This flight session belongs to another course.")
    if not session.is_bookable:
        raise BookingError("This flight session is no longer open for booking. Please pick another date.")
    course_settings = FlightCourseSettings.for_course(session.course)
    if course_settings.requires_online_completion and enrollment.status != Enrollment.Status.COMPLETED:
        raise BookingError("Finish the online part of the course first; then you can book your flight day.")
    # A checked-in student is no longer "active" on the session but still holds its seat.
    if SeatBooking.objects.filter(
        enrollment=enrollment, session=session, status__in=SeatBooking.SEAT_STATUSES
    ).exists():
        raise BookingError("You already have a seat on this session.")


def _has_scrubbed_booking(enrollment: Enrollment) -> bool:
    return SeatBooking.objects.filter(
        enrollment=enrollment, cancel_reason=SeatBooking.CancelReason.SCRUBBED, refund_requested_at__isnull=True
    ).exists()


def _booking_create(*, enrollment: Enrollment, session_id: int, acceptance: WaiverAcceptance | None) -> SeatBooking:
    """A seat if one is free, else a waitlist place. Locks the session row."""
    session = _session_lock(session_id)
    _check_can_book(enrollment=enrollment, session=session)
    now = _now()
    has_seat = _seats_taken(session) < session.capacity
    booking = SeatBooking(
        enrollment=enrollment,
        session=session,
        status=SeatBooking.Status.BOOKED if has_seat else SeatBooking.Status.WAITLISTED,
        created_at=now,
        booked_at=now if has_seat else None,
        rebook_priority=_has_scrubbed_booking(enrollment),
        waiver_acceptance=acceptance,
    )
    try:
        # A savepoint, so a lost race against the same student's other tab leaves the outer
        # transaction usable and the student gets a sentence instead of a server error.
        with transaction.atomic():
            booking.save()
    except IntegrityError as error:
        raise BookingError(
            "You already hold a seat or a waitlist place for this course. Change or cancel it instead."
        ) from error
    return booking


# -- booking ---------------------------------------------------------------------------------------


def waiver_requirements(course) -> tuple[Waiver | None, FlightCourseSettings]:
    """What the booking form must ask for this course: the current waiver and the course rules."""
    return Waiver.objects.current_for(course), FlightCourseSettings.for_course(course)


@transaction.atomic
def seat_book(*, enrollment: Enrollment, session: FlightSession, signature: WaiverSignature) -> SeatBooking:
    """Accept the course's current waiver, then book a seat, or a waitlist place when the session is full.

    Raises BookingError (nothing stored) when: the enrollment does not grant access; the session is
    not an upcoming scheduled session of the enrollment's course; the course requires the online part
    completed and it is not; no waiver is published; the typed name does not match the account's full
    name; age or equipment answers the course asks for are missing; or the enrollment already holds
    an active booking for the course. Emails `flight_booked` after commit.
    """
    course_settings = FlightCourseSettings.for_course(session.course)
    _check_can_book(enrollment=enrollment, session=session)
    if SeatBooking.objects.filter(enrollment=enrollment).active().exists():
        raise BookingError("You already hold a seat or a waitlist place for this course. Change or cancel it instead.")
    waiver = Waiver.objects.current_for(session.course)
    if waiver is None:
        raise BookingError("The school has not published the waiver for this course yet. Please contact us.")
    user = enrollment.user
    typed = " ".join(signature.typed_name.split())
    if not typed:
        raise BookingError("Type your full name to accept the waiver.")
    if user.full_name and _normalise_name(typed) != _normalise_name(user.full_name):
        raise BookingError(f"The name you typed must match the full name on your account: {user.full_name}.")
    if course_settings.requires_age_16 and not signature.age_confirmed:
        raise BookingError("This course requires you to confirm that you are 16 or older.")
    equipment = signature.equipment_declaration.strip()
    if course_settings.asks_equipment_declaration and not equipment:
        raise BookingError("Tell us which drone and equipment you will bring (or write “none, I use the school’s”).")

    acceptance = WaiverAcceptance.objects.create(
        user=user,
        waiver=waiver,
        typed_name=typed,
        ip_address=signature.ip_address or None,
        age_confirmed=signature.age_confirmed,
        equipment_declaration=equipment,
    )
    booking = _booking_create(enrollment=enrollment, session_id=session.pk, acceptance=acceptance)
    logger.info(
        "Seat booking %s (%s) for enrollment %s on session %s", booking.pk, booking.status, enrollment.pk, session.pk
    )
    _email_student(
        template="flight_booked",
        booking=booking,
        extra={
            "what_to_bring": session.notes,
            "is_waitlisted": booking.status == SeatBooking.Status.WAITLISTED,
            "waitlist_position": booking.waitlist_position(),
        },
    )
    return booking


@transaction.atomic
def seat_change(*, booking: SeatBooking, session: FlightSession) -> SeatBooking:
    """Move an active booking to another upcoming session of the same course, until the deadline.

    The deadline is FLIGHTS_CHANGE_DEADLINE_HOURS before the *current* session starts. The new
    session must have a free seat (a change never lands on a waitlist by surprise, unless the
    booking was itself waitlisted). The old booking is kept as canceled ("changed"), its seat goes
    to that session's waitlist, and the waiver acceptance carries over. Emails `flight_changed`.
    """
    # Lock order everywhere: sessions (by id), then bookings; a booking's session never changes.
    old_session_id = SeatBooking.objects.values_list("session_id", flat=True).get(pk=booking.pk)
    locked = {pk: _session_lock(pk) for pk in sorted({old_session_id, session.pk})}
    old_session, new_session = locked[old_session_id], locked[session.pk]
    booking = SeatBooking.objects.select_for_update().select_related("session", "enrollment__user").get(pk=booking.pk)
    if not booking.is_active:
        raise BookingError("This booking is no longer active.")
    if session.pk == booking.session_id:
        raise BookingError("You are already on this session.")
    if not booking.can_change:
        raise BookingError(
            f"Changes close {settings.FLIGHTS_CHANGE_DEADLINE_HOURS} hours before the session starts. "
            "You can still cancel, or contact us."
        )
    _check_can_book(enrollment=booking.enrollment, session=new_session)
    was_booked = booking.status == SeatBooking.Status.BOOKED
    if was_booked and _seats_taken(new_session) >= new_session.capacity:
        raise BookingError("That session is full. Join its waitlist by canceling first, or pick another date.")

    booking.status = SeatBooking.Status.CANCELED
    booking.canceled_at = _now()
    booking.cancel_reason = SeatBooking.CancelReason.CHANGED
    booking.save(update_fields=["status", "canceled_at", "cancel_reason"])
    new_booking = _booking_create(
        enrollment=booking.enrollment, session_id=new_session.pk, acceptance=booking.waiver_acceptance
    )
    if booking.rebook_priority and not new_booking.rebook_priority:
        new_booking.rebook_priority = True
        new_booking.save(update_fields=["rebook_priority"])
    if was_booked:
        _waitlist_fill(old_session)
    logger.info("Seat booking %s changed to %s (session %s)", booking.pk, new_booking.pk, new_session.pk)
    _email_student(
        template="flight_changed",
        booking=new_booking,
        extra={
            "previous_when": _session_when(old_session),
            "what_changed": "You moved your booking to another session.",
        },
    )
    return new_booking


@transaction.atomic
def seat_cancel(
    *, booking: SeatBooking, reason: str = SeatBooking.CancelReason.STUDENT, enforce_start: bool = True
) -> SeatBooking:
    """Cancel a seat or waitlist place; a freed seat goes to the first on the waitlist (emailed).

    Idempotent: canceling a canceled booking changes nothing. Students cannot cancel once the
    session has started (`enforce_start`); the enrollment-revoked path can.
    """
    # Lock order everywhere: the session, then bookings (the waitlist fill updates other bookings
    # while holding the session lock, so the reverse order could deadlock).
    session = _session_lock(SeatBooking.objects.values_list("session_id", flat=True).get(pk=booking.pk))
    booking = SeatBooking.objects.select_for_update().select_related("session", "enrollment__user").get(pk=booking.pk)
    if not booking.is_active:
        return booking
    if enforce_start and booking.session.starts_at <= _now():
        raise BookingError("This session has already started, so the booking can no longer be canceled.")
    was_booked = booking.status == SeatBooking.Status.BOOKED
    booking.status = SeatBooking.Status.CANCELED
    booking.canceled_at = _now()
    booking.cancel_reason = reason
    booking.save(update_fields=["status", "canceled_at", "cancel_reason"])
    logger.info("Seat booking %s canceled (%s) on session %s", booking.pk, reason, session.pk)
    if was_booked:
        _waitlist_fill(session)
    return booking


@transaction.atomic
def enrollment_bookings_cancel(*, enrollment: Enrollment) -> list[SeatBooking]:
    """Cancel every active booking of a refunded or revoked enrollment and free the seats. Idempotent."""
    canceled = []
    for booking in SeatBooking.objects.filter(enrollment=enrollment).active():
        canceled.append(
            seat_cancel(booking=booking, reason=SeatBooking.CancelReason.ENROLLMENT_REVOKED, enforce_start=False)
        )
    return canceled


# -- scrubs and refunds ----------------------------------------------------------------------------


@transaction.atomic
def session_scrub(*, session: FlightSession, reason: str, actor) -> list[SeatBooking]:
    """Scrub a scheduled session (weather): every booked and waitlisted student is emailed at once.

    Their bookings become canceled ("scrubbed") so they can rebook at once; a rebooking goes ahead
    of everyone else on a waitlist (`rebook_priority`), or they can ask for a refund of the
    practical (`practical_refund_request`). Returns the affected bookings. Scrubbing a scrubbed
    session changes nothing.
    """
    reason = reason.strip()
    if not reason:
        raise BookingError("Give a reason for the scrub; students read it in their email.")
    session = _session_lock(session.pk)
    if session.status == FlightSession.Status.SCRUBBED:
        return []
    if session.status != FlightSession.Status.SCHEDULED:
        raise BookingError(f"Only scheduled sessions can be scrubbed; this one is {session.get_status_display()}.")
    now = _now()
    session.status = FlightSession.Status.SCRUBBED
    session.scrub_reason = reason
    session.scrubbed_at = now
    session.save(update_fields=["status", "scrub_reason", "scrubbed_at"])

    affected = list(SeatBooking.objects.filter(session=session).active().select_related("enrollment__user"))
    alternatives = [
        {
            "when": f"{timezone.localtime(other.starts_at):%A, %B %-d, %-I:%M %p}",
            "location_name": other.location_name,
            "seats_left": other.seats_left,
            "url": _site_url(other.get_absolute_url()),
        }
        for other in FlightSession.objects.upcoming().with_seats().filter(course=session.course).exclude(pk=session.pk)
    ]
    for booking in affected:
        booking.session = session
        booking.status = SeatBooking.Status.CANCELED
        booking.canceled_at = now
        booking.cancel_reason = SeatBooking.CancelReason.SCRUBBED
        booking.save(update_fields=["status", "canceled_at", "cancel_reason"])
        _email_student(
            template="flight_scrubbed",
            booking=booking,
            extra={
                "reason": reason,
                "alternatives": alternatives,
                "rebook_url": _site_url(reverse("flights:list") + f"?course={session.course.slug}"),
                "refund_note": "",
                "refund_url": _site_url(reverse("flights:refund_request", kwargs={"pk": booking.pk})),
            },
        )
    logger.info("Session %s scrubbed by user %s: %d students notified", session.pk, actor.pk, len(affected))
    return affected


@transaction.atomic
def practical_refund_request(*, booking: SeatBooking) -> SeatBooking:
    """Record that the student of a scrubbed booking asks for a refund of the practical; notify staff.

    Staff see `refund_requested_at` in the admin and issue the refund through the payments
    services (the lead may wire an automatic refund here). Idempotent: a second request changes
    nothing and sends nothing.
    """
    booking = (
        SeatBooking.objects.select_for_update().select_related("session__course", "enrollment__user").get(pk=booking.pk)
    )
    if booking.refund_requested_at is not None:
        return booking
    if booking.cancel_reason != SeatBooking.CancelReason.SCRUBBED:
        raise BookingError("A refund of the practical can be requested only for a scrubbed session.")
    if SeatBooking.objects.filter(enrollment=booking.enrollment).active().exists():
        raise BookingError("You already rebooked onto another session; cancel that booking first.")
    booking.refund_requested_at = _now()
    booking.save(update_fields=["refund_requested_at"])
    staff_emails = list(
        get_user_model()
        .objects.filter(is_staff=True, is_active=True, is_superuser=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    logger.warning(
        "Practical refund requested: booking %s, enrollment %s, user %s",
        booking.pk,
        booking.enrollment_id,
        booking.enrollment.user_id,
    )
    if staff_emails:
        email_send(
            template="flight_refund_requested",
            to=staff_emails,
            context={
                "student_full_name": booking.enrollment.user.full_name,
                "student_email": booking.enrollment.user.email,
                "course_title": booking.session.course.title,
                "session_when": _session_when(booking.session),
                "admin_url": _site_url(reverse("admin:flights_seatbooking_change", args=[booking.pk])),
            },
            idempotency_key=f"flight_refund_requested:booking:{booking.pk}",
        )
    return booking


# -- at the field ----------------------------------------------------------------------------------


@transaction.atomic
def booking_roster_update(
    *,
    booking: SeatBooking,
    actor,
    checked_in: bool,
    minutes_flown: int,
    maneuvers: list[str],
    signed_off: bool,
) -> SeatBooking:
    """What the instructor records for one student: check-in, minutes flown, maneuvers, sign-off.

    Check-in turns a booked seat into "attended"; unchecking it (a mistake at the field) turns it
    back. Sign-off needs a check-in and records who signed and when; removing it clears both.
    """
    booking = SeatBooking.objects.select_for_update(of=("self",)).select_related("session").get(pk=booking.pk)
    if booking.status not in (SeatBooking.Status.BOOKED, SeatBooking.Status.ATTENDED, SeatBooking.Status.NO_SHOW):
        raise BookingError("Only students holding a seat can be checked in.")
    unknown = [code for code in maneuvers if code not in MANEUVER_LABELS]
    if unknown:
        raise BookingError(f"Unknown maneuvers: {', '.join(unknown)}.")
    if minutes_flown < 0:
        raise BookingError("Minutes flown cannot be negative.")
    if signed_off and not checked_in:
        raise BookingError("Check the student in before signing off.")
    now = _now()
    flown_anything = checked_in or minutes_flown or maneuvers or signed_off
    if flown_anything and now < booking.session.starts_at:
        # A record made before anyone flew is a mistake or a shortcut; after the start, staff may
        # record and correct at any time (a late check-in, a sign-off entered the next day).
        starts = timezone.localtime(booking.session.starts_at)
        raise BookingError(
            f"This session starts {starts:%b %-d at %-I:%M %p}: check-in, minutes flown, maneuvers and "
            "sign-off can be recorded only once it has started."
        )
    if checked_in:
        booking.checked_in_at = booking.checked_in_at or now
        booking.status = SeatBooking.Status.ATTENDED
    else:
        booking.checked_in_at = None
        if booking.status == SeatBooking.Status.ATTENDED:
            booking.status = SeatBooking.Status.BOOKED
    booking.minutes_flown = minutes_flown
    booking.maneuvers_passed = [code for code in MANEUVER_LABELS if code in maneuvers]
    if signed_off and booking.signed_off_at is None:
        booking.signed_off_at, booking.signed_off_by = now, actor
    elif not signed_off:
        booking.signed_off_at, booking.signed_off_by = None, None
    try:
        with transaction.atomic():
            booking.save(
                update_fields=[
                    "checked_in_at",
                    "status",
                    "minutes_flown",
                    "maneuvers_passed",
                    "signed_off_at",
                    "signed_off_by",
                ]
            )
    except IntegrityError as error:
        # Unchecking a student who has since booked another session would give them two active seats.
        raise BookingError("This student already holds another booking for the course; cancel it first.") from error
    logger.info("Roster update by user %s for booking %s", actor.pk, booking.pk)
    return booking


@transaction.atomic
def session_complete(*, session: FlightSession, actor) -> FlightSession:
    """Close a flown session: seats never checked in become no-shows, the waitlist is closed."""
    session = _session_lock(session.pk)
    if session.status == FlightSession.Status.COMPLETED:
        return session
    if session.status != FlightSession.Status.SCHEDULED:
        raise BookingError(f"Only scheduled sessions can be completed; this one is {session.get_status_display()}.")
    now = _now()
    if now < session.starts_at:
        # Completing marks everyone not checked in a no-show: that can only be known once it started.
        raise BookingError("This session has not started yet: complete it after the flying.")
    SeatBooking.objects.filter(session=session, status=SeatBooking.Status.BOOKED).update(
        status=SeatBooking.Status.NO_SHOW
    )
    SeatBooking.objects.filter(session=session, status=SeatBooking.Status.WAITLISTED).update(
        status=SeatBooking.Status.CANCELED, canceled_at=now, cancel_reason=SeatBooking.CancelReason.SESSION_CANCELED
    )
    session.status = FlightSession.Status.COMPLETED
    session.save(update_fields=["status"])
    logger.info("Session %s completed by user %s", session.pk, actor.pk)
    return session


def practical_signed_off(enrollment: Enrollment) -> bool:
    """Whether an instructor signed off this enrollment's practical (for the course-completion rule)."""
    return SeatBooking.objects.filter(enrollment=enrollment, signed_off_at__isnull=False).exists()


def practical_signoff_line(enrollment: Enrollment) -> str:
    """The certificate's flight-day line: who signed off the practical and when, or "" if nobody did."""
    booking = (
        SeatBooking.objects.filter(enrollment=enrollment, signed_off_at__isnull=False)
        .select_related("signed_off_by", "session")
        .order_by("-signed_off_at")
        .first()
    )
    if booking is None:
        return ""
    signer = booking.signed_off_by.full_name if booking.signed_off_by else "the instructor"
    day = timezone.localdate(booking.session.starts_at).strftime("%B %-d, %Y")
    return f"Flight day: practical signed off by {signer} on {day}"


def practical_required(course) -> bool:
    """Whether the course counts as complete only after a signed-off practical."""
    return FlightCourseSettings.for_course(course).requires_practical_signoff


def practical_requirement_met(enrollment: Enrollment) -> bool:
    """The completion rule lessons asks for (lessons.signals.completion_requirement_check): True when the course
    needs no practical sign-off, or when this enrollment's practical was signed off."""
    return not practical_required(enrollment.course) or practical_signed_off(enrollment)


# -- reminders -------------------------------------------------------------------------------------


def flight_reminders_send() -> int:
    """Send the 48 h and 24 h reminders that are due; each at most once per booking.

    Safe to run as often as wanted and to retry: a booking's marker is set by a conditional
    UPDATE in the same transaction that queues the email, so a second run finds nothing to do.
    A booking made inside the 24 h window gets the 24 h reminder only.
    """
    now = _now()
    sent = 0
    due = (
        SeatBooking.objects.filter(
            status=SeatBooking.Status.BOOKED,
            session__status=FlightSession.Status.SCHEDULED,
            session__starts_at__gt=now,
            session__starts_at__lte=now + timedelta(hours=48),
        )
        .filter(reminder_24h_sent_at__isnull=True)
        .select_related("session__course", "enrollment__user")
    )
    for booking in due:
        within_24h = booking.session.starts_at <= now + timedelta(hours=24)
        marker = "reminder_24h_sent_at" if within_24h else "reminder_48h_sent_at"
        with transaction.atomic():
            claimed = SeatBooking.objects.filter(pk=booking.pk, **{f"{marker}__isnull": True}).update(**{marker: now})
            if not claimed:
                continue
            if within_24h:
                # The 48 h reminder would now be late news; never send it after the 24 h one.
                SeatBooking.objects.filter(pk=booking.pk, reminder_48h_sent_at__isnull=True).update(
                    reminder_48h_sent_at=now
                )
            hours = 24 if within_24h else 48
            _email_student(
                template="flight_reminder",
                booking=booking,
                extra={
                    "hours_before": hours,
                    "waiver_signed": booking.waiver_acceptance_id is not None,
                    "waiver_url": _site_url(booking.session.get_absolute_url()),
                },
                key=f":{hours}h",
                # A reminder one can live without: skipped for addresses that bounced.
                transactional=False,
            )
            sent += 1
    if sent:
        logger.info("Flight reminders sent: %d", sent)
    return sent
