"""Enrollment workflows: the only code that changes an Enrollment's status.

Every transition is one-directional: pending → active → completed, and
active/completed → refunded or revoked. A call that would move a record backwards, or repeat a
transition already made, changes nothing and returns the enrollment as it is, so a late or
duplicated payment event can never undo what happened after it. Re-activating a refunded or
revoked enrollment is the one way back, and only through `enrollment_activate`, which the
payments app calls for a new, successful payment (never for a stale one).

Signals (`enrollments.signals`) and emails go out after the transaction commits.
"""

import calendar
import logging
from datetime import date, timedelta

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core.mail import email_send
from courses.models import Course
from enrollments.models import Enrollment
from enrollments.signals import enrollment_activated, enrollment_revoked

logger = logging.getLogger(__name__)


def _locked(*, user, course: Course) -> Enrollment:
    """The (user, course) enrollment, created pending if missing, with its row locked."""
    enrollment, _ = Enrollment.objects.get_or_create(user=user, course=course)
    return Enrollment.objects.select_for_update().get(pk=enrollment.pk)


def _send_after_commit(signal, **kwargs) -> None:
    transaction.on_commit(lambda: signal.send(sender=Enrollment, **kwargs))


@transaction.atomic
def enrollment_reserve(*, user, course: Course) -> Enrollment:
    """The enrollment a checkout pays for: pending when new, otherwise unchanged."""
    return _locked(user=user, course=course)


@transaction.atomic
def enrollment_activate(*, user, course: Course, reason: str = "") -> Enrollment:
    """Grant access. Pending, refunded or revoked → active; active or completed stay as they are.

    Sends `enrollment_activated` and the welcome email after commit, only when the status changed.
    """
    enrollment = _locked(user=user, course=course)
    if enrollment.status in Enrollment.ACCESS_STATUSES:
        return enrollment
    previous = enrollment.status
    enrollment.status = Enrollment.Status.ACTIVE
    enrollment.activated_at = timezone.now()
    enrollment.ended_at = None
    enrollment.ended_reason = ""
    enrollment.save(update_fields=["status", "activated_at", "ended_at", "ended_reason"])
    logger.info(
        "enrollment activated enrollment=%s user=%s course=%s from=%s reason=%s",
        enrollment.pk,
        user.pk,
        course.pk,
        previous,
        reason or "-",
    )
    _send_after_commit(enrollment_activated, enrollment=enrollment)
    email_send(
        template="enrollment_welcome",
        to=[user.email],
        context={
            "user_name": user.get_short_name(),
            "course_title": course.title,
            "learn_url": f"{settings.SITE_URL}/learn/{course.slug}/",
            "dashboard_url": f"{settings.SITE_URL}/dashboard/",
        },
        # One welcome per activation, however often the task is retried.
        idempotency_key=f"welcome:enrollment:{enrollment.pk}:{enrollment.activated_at.timestamp():.0f}",
    )
    return enrollment


@transaction.atomic
def enrollment_complete(*, enrollment: Enrollment) -> Enrollment:
    """Active → completed (all required lessons done). Any other status: unchanged."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status != Enrollment.Status.ACTIVE:
        return enrollment
    enrollment.status = Enrollment.Status.COMPLETED
    enrollment.completed_at = timezone.now()
    enrollment.save(update_fields=["status", "completed_at"])
    logger.info("enrollment completed enrollment=%s", enrollment.pk)
    return enrollment


def _end(*, enrollment: Enrollment, status: str, reason: str) -> Enrollment:
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.status in Enrollment.ENDED_STATUSES:
        return enrollment
    enrollment.status = status
    enrollment.ended_at = timezone.now()
    enrollment.ended_reason = reason[:300]
    enrollment.suspended_at = None
    enrollment.suspended_reason = ""
    enrollment.save(update_fields=["status", "ended_at", "ended_reason", "suspended_at", "suspended_reason"])
    logger.info("enrollment ended enrollment=%s status=%s reason=%s", enrollment.pk, status, reason)
    _send_after_commit(enrollment_revoked, enrollment=enrollment, reason=reason)
    return enrollment


@transaction.atomic
def enrollment_revoke(*, enrollment: Enrollment, reason: str) -> Enrollment:
    """Take access away (staff decision, lost dispute). Sends `enrollment_revoked` after commit."""
    return _end(enrollment=enrollment, status=Enrollment.Status.REVOKED, reason=reason)


@transaction.atomic
def enrollment_refund(*, enrollment: Enrollment, reason: str = "Refunded in full") -> Enrollment:
    """The payment was refunded in full: access ends. Sends `enrollment_revoked` after commit."""
    return _end(enrollment=enrollment, status=Enrollment.Status.REFUNDED, reason=reason)


@transaction.atomic
def enrollment_suspend(*, enrollment: Enrollment, reason: str) -> Enrollment:
    """Pause access while a dispute is open. The status stays; `grants_access` turns false."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.suspended_at is not None or enrollment.status in Enrollment.ENDED_STATUSES:
        return enrollment
    enrollment.suspended_at = timezone.now()
    enrollment.suspended_reason = reason[:300]
    enrollment.save(update_fields=["suspended_at", "suspended_reason"])
    logger.info("enrollment suspended enrollment=%s reason=%s", enrollment.pk, reason)
    return enrollment


@transaction.atomic
def enrollment_restore(*, enrollment: Enrollment) -> Enrollment:
    """Lift a suspension (the dispute was won)."""
    enrollment = Enrollment.objects.select_for_update().get(pk=enrollment.pk)
    if enrollment.suspended_at is None:
        return enrollment
    enrollment.suspended_at = None
    enrollment.suspended_reason = ""
    enrollment.save(update_fields=["suspended_at", "suspended_reason"])
    logger.info("enrollment restored enrollment=%s", enrollment.pk)
    return enrollment


# -- admin: bulk messages ---------------------------------------------------------------------------


def students_of_course(course: Course):
    """People who may learn in `course` now: the audience of a message to a course's students."""
    from django.contrib.auth import get_user_model

    return get_user_model().objects.filter(
        pk__in=Enrollment.objects.granting_access().filter(course=course).values("user_id"), is_active=True
    )


# -- admin: Part 107 recurrent-training reminders -----------------------------------------------------

# Days before the deadline on which a reminder goes out, and how many days late it may still go
# (a missed daily run catches up); the email's idempotency key makes each one go out once.
RECURRENT_REMINDER_DAYS = (60, 30)
RECURRENT_CATCH_UP_DAYS = 6


def recurrent_deadline(certificate_date: date) -> date:
    """The last day to complete recurrent training: the end of the 24th calendar month after the
    month of the certificate or the last recurrent training (14 CFR 107.65)."""
    months = certificate_date.year * 12 + certificate_date.month - 1 + 24
    year, month = divmod(months, 12)
    return date(year, month + 1, calendar.monthrange(year, month + 1)[1])


def _months_back(day: date, months: int) -> date:
    total = day.year * 12 + day.month - 1 - months
    return date(total // 12, total % 12 + 1, 1)


def recurrent_course() -> Course | None:
    """The school's recurrent course: a published course whose slug says "recurrent"."""
    return Course.objects.published().filter(slug__icontains="recurrent").order_by("pk").first()


def recurrent_reminders_send(*, today: date | None = None) -> int:
    """Queue the 60- and 30-day reminders due today (or missed in the last few days); return how many.

    Sent once per (student, deadline, reminder) through the email idempotency key, so running the
    job again, or daily through the catch-up window, sends nothing twice; a student who records a
    newer certificate date has a new deadline and so new reminders.
    """
    from django.conf import settings
    from django.contrib.auth import get_user_model

    today = today or timezone.localdate()
    longest = max(RECURRENT_REMINDER_DAYS)
    # Deadlines fall on month ends 24 months after the certificate's month: look only at those months.
    earliest = _months_back(today, 24)
    latest_month = _months_back(today + timedelta(days=longest), 24)
    latest = date(latest_month.year, latest_month.month, calendar.monthrange(latest_month.year, latest_month.month)[1])
    pilots = get_user_model().objects.filter(
        is_active=True, remote_pilot_certificate_date__gte=earliest, remote_pilot_certificate_date__lte=latest
    )
    course = recurrent_course()
    sent = 0
    for pilot in pilots.iterator():
        deadline = recurrent_deadline(pilot.remote_pilot_certificate_date)
        days_left = (deadline - today).days
        due = next(
            (days for days in RECURRENT_REMINDER_DAYS if days - RECURRENT_CATCH_UP_DAYS <= days_left <= days), None
        )
        if due is None:
            continue
        email_send(
            template="recurrent_reminder",
            to=[pilot.email],
            context={
                "user_name": pilot.get_short_name(),
                "deadline": f"{deadline:%B} {deadline.day}, {deadline.year}",
                "days_left": str(days_left),
                "course_title": course.title if course else "Part 107 recurrent training",
                "course_url": settings.SITE_URL + (course.get_absolute_url() if course else "/courses/?q=recurrent"),
                "account_url": settings.SITE_URL + reverse("accounts:me"),
            },
            idempotency_key=f"recurrent-reminder:{pilot.pk}:{deadline.isoformat()}:{due}",
            transactional=False,
        )
        sent += 1
    logger.info("recurrent reminders queued count=%s today=%s", sent, today)
    return sent
