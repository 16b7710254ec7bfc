from django.conf import settings
from django.db import models

from courses.models import Course
from flights.models import FlightSession


class BulkMessage(models.Model):
    """A message staff sent to a group of students, kept as the record of who was told what.

    The audience is a course's students or a flight session's booked students.
    """

    sender = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    audience = models.CharField(max_length=200, help_text="Who it went to, e.g. “students of Part 107 Exam Prep”.")
    course = models.ForeignKey(Course, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    # A cancelled and deleted session leaves the record, without the link.
    flight_session = models.ForeignKey(
        FlightSession, null=True, blank=True, on_delete=models.SET_NULL, related_name="bulk_messages"
    )
    subject = models.CharField(max_length=200)
    body = models.TextField(help_text="Markdown.")
    sent_count = models.PositiveIntegerField(default=0, help_text="Emails queued, one per student.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        # The table it had when enrollments held it: moving the model kept the rows where they were.
        db_table = "enrollments_bulkmessage"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.subject} → {self.audience}"
