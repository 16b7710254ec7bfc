from datetime import timedelta

from django.conf import settings
from django.db import models
from django.db.models import Count, F, Q
from django.db.models.functions import Greatest
from django.urls import reverse
from django.utils import timezone

from courses.models import Course, Instructor
from enrollments.models import Enrollment

# The maneuvers an instructor can tick on the roster. Codes are stored on the booking (JSON list),
# so renaming a label is free but a code, once used, must stay.
MANEUVERS: list[tuple[str, str]] = [
    ("preflight", "Preflight inspection"),
    ("takeoff_landing", "Takeoff and landing"),
    ("hover", "Stable hover"),
    ("orbit", "Orbit around a point"),
    ("figure_eight", "Figure-eight"),
    ("emergency_landing", "Emergency landing"),
    ("return_to_home", "Return to home"),
]
MANEUVER_LABELS = dict(MANEUVERS)


class FlightCourseSettings(models.Model):
    """Booking rules for a course's flight day. Lives in flights so courses need not know about flying.

    A course without a row behaves as if every flag were off (see `for_course`)."""

    course = models.OneToOneField(Course, on_delete=models.CASCADE, related_name="flight_settings")
    requires_online_completion = models.BooleanField(
        default=False, help_text="Students must complete the online part before they can book a seat."
    )
    requires_age_16 = models.BooleanField(
        "requires age 16+", default=False, help_text="Students confirm they are 16 or older (Part 107 candidates)."
    )
    asks_equipment_declaration = models.BooleanField(
        default=False, help_text="Students declare the drone and equipment they bring."
    )
    requires_practical_signoff = models.BooleanField(
        default=False, help_text="The course is complete only once an instructor signed off the practical."
    )

    class Meta:
        verbose_name = "flight course settings"
        verbose_name_plural = "flight course settings"

    def __str__(self) -> str:
        return f"Flight settings for {self.course}"

    @classmethod
    def for_course(cls, course: Course) -> "FlightCourseSettings":
        """The course's settings, or unsaved defaults (every rule off) when none were made."""
        return cls.objects.filter(course=course).first() or cls(course=course)


class WaiverQuerySet(models.QuerySet):
    def published(self):
        return self.filter(published_at__isnull=False, published_at__lte=timezone.now())

    def current_for(self, course: Course) -> "Waiver | None":
        """The newest published version; the one a student must accept before booking."""
        return self.published().filter(course=course).order_by("-version").first()


class Waiver(models.Model):
    """A versioned liability waiver per course. A published version is never edited: publish a new one."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="flight_waivers")
    version = models.PositiveSmallIntegerField()
    text = models.TextField(help_text="Plain text shown to the student before booking.")
    published_at = models.DateTimeField(null=True, blank=True, help_text="Empty: a draft students do not see.")

    objects = WaiverQuerySet.as_manager()

    class Meta:
        ordering = ["course", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["course", "version"], name="flights_waiver_unique_course_version"),
        ]

    def __str__(self) -> str:
        return f"{self.course} waiver v{self.version}"


class WaiverAcceptance(models.Model):
    """Evidence that a person accepted one waiver version: what they typed, when, and from where."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="waiver_acceptances")
    waiver = models.ForeignKey(Waiver, on_delete=models.PROTECT, related_name="acceptances")
    typed_name = models.CharField(max_length=150)
    accepted_at = models.DateTimeField(default=timezone.now)
    ip_address = models.GenericIPAddressField(null=True, blank=True)
    age_confirmed = models.BooleanField(default=False, help_text="Confirmed being 16 or older.")
    equipment_declaration = models.TextField(blank=True)

    class Meta:
        ordering = ["-accepted_at"]

    def __str__(self) -> str:
        return f"{self.typed_name} accepted {self.waiver}"


class FlightSessionQuerySet(models.QuerySet):
    def upcoming(self):
        return self.filter(status=FlightSession.Status.SCHEDULED, starts_at__gt=timezone.now()).order_by("starts_at")

    def public(self):
        return self.filter(course__status=Course.Status.PUBLISHED)

    def taught_by(self, user):
        """Sessions the user instructs, or of courses they teach (a subquery, so no duplicate rows)."""
        own = FlightSession.objects.filter(Q(instructors__user=user) | Q(course__instructors__user=user))
        return self.filter(pk__in=own.values("pk"))

    def with_seats(self):
        """Annotate `seats_taken` and `seats_left` (never below zero) in the same query."""
        return self.annotate(
            seats_taken=Count("bookings", filter=Q(bookings__status__in=SeatBooking.SEAT_STATUSES), distinct=True),
            seats_left=Greatest(F("capacity") - F("seats_taken"), 0),
        )


class FlightSession(models.Model):
    """A dated, in-person practical at a flying field, with a fixed number of seats."""

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        SCRUBBED = "scrubbed", "Scrubbed (weather)"
        COMPLETED = "completed", "Completed"
        CANCELED = "canceled", "Canceled"

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="flight_sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    location_name = models.CharField(max_length=160)
    location_address = models.CharField(max_length=300)
    map_url = models.URLField(blank=True)
    capacity = models.PositiveSmallIntegerField(default=8)
    instructors = models.ManyToManyField(Instructor, related_name="flight_sessions", blank=True)
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.SCHEDULED, db_index=True)
    notes = models.TextField(blank=True, help_text="What to bring; shown to booked students.")
    scrub_reason = models.TextField(blank=True)
    scrubbed_at = models.DateTimeField(null=True, blank=True)

    objects = FlightSessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="flights_session_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="flights_session_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.course.title}, {timezone.localtime(self.starts_at):%b %-d, %Y}"

    def get_absolute_url(self) -> str:
        return reverse("flights:detail", kwargs={"pk": self.pk})

    @property
    def is_bookable(self) -> bool:
        return self.status == self.Status.SCHEDULED and self.starts_at > timezone.now()

    def seats_taken_count(self) -> int:
        return self.bookings.filter(status__in=SeatBooking.SEAT_STATUSES).count()

    def seats_left_count(self) -> int:
        return max(self.capacity - self.seats_taken_count(), 0)

    def roster_visible_to(self, user) -> bool:
        """Staff who may manage bookings, and the session's own instructors."""
        if not user.is_authenticated:
            return False
        if user.is_superuser or (user.is_staff and user.has_perm("flights.change_seatbooking")):
            return True
        return self.instructors.filter(user=user).exists()


class SeatBookingQuerySet(models.QuerySet):
    def active(self):
        return self.filter(status__in=SeatBooking.ACTIVE_STATUSES)

    def for_user(self, user):
        return self.filter(enrollment__user=user)

    def waitlist_order(self):
        """Scrubbed students rebooking come first, then first come, first served."""
        return self.filter(status=SeatBooking.Status.WAITLISTED).order_by("-rebook_priority", "created_at", "pk")

    def logbook(self):
        """Flights a student actually made: checked in at the field."""
        return self.filter(checked_in_at__isnull=False).order_by("session__starts_at")


class SeatBooking(models.Model):
    """One student's seat (or waitlist place) on one flight session, and what happened at the field."""

    class Status(models.TextChoices):
        BOOKED = "booked", "Booked"
        WAITLISTED = "waitlisted", "Waitlisted"
        CANCELED = "canceled", "Canceled"
        ATTENDED = "attended", "Attended"
        NO_SHOW = "no_show", "No-show"

    class CancelReason(models.TextChoices):
        STUDENT = "student", "Canceled by the student"
        CHANGED = "changed", "Changed to another session"
        SCRUBBED = "scrubbed", "Session scrubbed"
        SESSION_CANCELED = "session_canceled", "Session canceled"
        ENROLLMENT_REVOKED = "enrollment_revoked", "Enrollment refunded or revoked"

    # Holding a seat or a place in line: at most one per enrollment (database constraint below).
    ACTIVE_STATUSES = (Status.BOOKED, Status.WAITLISTED)
    # Counting against the session's capacity.
    SEAT_STATUSES = (Status.BOOKED, Status.ATTENDED, Status.NO_SHOW)

    enrollment = models.ForeignKey(Enrollment, on_delete=models.PROTECT, related_name="seat_bookings")
    session = models.ForeignKey(FlightSession, on_delete=models.PROTECT, related_name="bookings")
    status = models.CharField(max_length=20, choices=Status.choices, db_index=True)
    created_at = models.DateTimeField(default=timezone.now, help_text="Also the waitlist order.")
    booked_at = models.DateTimeField(null=True, blank=True, help_text="When the seat was granted.")
    canceled_at = models.DateTimeField(null=True, blank=True)
    cancel_reason = models.CharField(max_length=30, choices=CancelReason.choices, blank=True)
    rebook_priority = models.BooleanField(
        default=False, help_text="Rebooking after a scrub: goes ahead of others on a waitlist."
    )
    waiver_acceptance = models.ForeignKey(
        WaiverAcceptance, on_delete=models.PROTECT, null=True, blank=True, related_name="bookings"
    )
    checked_in_at = models.DateTimeField(null=True, blank=True)
    minutes_flown = models.PositiveSmallIntegerField(default=0)
    maneuvers_passed = models.JSONField(default=list, blank=True, help_text="Maneuver codes (see MANEUVERS).")
    signed_off_at = models.DateTimeField(null=True, blank=True)
    signed_off_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    refund_requested_at = models.DateTimeField(null=True, blank=True)
    reminder_48h_sent_at = models.DateTimeField(null=True, blank=True)
    reminder_24h_sent_at = models.DateTimeField(null=True, blank=True)

    objects = SeatBookingQuerySet.as_manager()

    class Meta:
        ordering = ["session__starts_at", "created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["enrollment"],
                condition=Q(status__in=["booked", "waitlisted"]),
                name="flights_one_active_booking_per_enrollment",
            ),
            models.CheckConstraint(
                condition=Q(signed_off_at__isnull=True) | Q(checked_in_at__isnull=False),
                name="flights_signoff_needs_checkin",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.enrollment.user} on {self.session} ({self.get_status_display()})"

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES

    @property
    def is_signed_off(self) -> bool:
        return self.signed_off_at is not None

    @property
    def maneuver_labels(self) -> list[str]:
        return [MANEUVER_LABELS.get(code, code) for code in self.maneuvers_passed]

    def change_deadline(self):
        return self.session.starts_at - timedelta(hours=settings.FLIGHTS_CHANGE_DEADLINE_HOURS)

    @property
    def can_change(self) -> bool:
        return self.is_active and self.session.is_bookable and timezone.now() < self.change_deadline()

    @property
    def can_cancel(self) -> bool:
        return self.is_active and self.session.starts_at > timezone.now()

    @property
    def can_request_refund(self) -> bool:
        return self.cancel_reason == self.CancelReason.SCRUBBED and self.refund_requested_at is None

    def waitlist_position(self) -> int | None:
        if self.status != self.Status.WAITLISTED:
            return None
        ids = list(SeatBooking.objects.filter(session_id=self.session_id).waitlist_order().values_list("pk", flat=True))
        return ids.index(self.pk) + 1 if self.pk in ids else None
