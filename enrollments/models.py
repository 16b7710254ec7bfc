from django.conf import settings
from django.db import models

from courses.models import Course


class EnrollmentQuerySet(models.QuerySet):
    def granting_access(self):
        """Only active and completed enrollments unlock lessons."""
        return self.filter(status__in=Enrollment.ACCESS_STATUSES)

    def for_user(self, user):
        return self.filter(user=user)


class Enrollment(models.Model):
    """Who may learn what. One per (user, course); how it was paid for lives in payments."""

    class Status(models.TextChoices):
        PENDING = "pending", "Pending payment"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        REFUNDED = "refunded", "Refunded"
        REVOKED = "revoked", "Revoked"

    ACCESS_STATUSES = (Status.ACTIVE, Status.COMPLETED)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollments")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrollments")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="enrollments_one_per_user_course"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course}"

    @property
    def grants_access(self) -> bool:
        return self.status in self.ACCESS_STATUSES
