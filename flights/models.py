from django.db import models
from django.db.models import F, Q
from django.utils import timezone

from courses.models import Course, Instructor


class FlightSessionQuerySet(models.QuerySet):
    def upcoming(self):
        return self.filter(status=FlightSession.Status.SCHEDULED, starts_at__gt=timezone.now()).order_by("starts_at")


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

    objects = FlightSessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(condition=Q(ends_at__gt=F("starts_at")), name="flights_session_ends_after_start"),
            models.CheckConstraint(condition=Q(capacity__gt=0), name="flights_session_capacity_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.course.title}, {timezone.localtime(self.starts_at):%b %-d, %Y}"
