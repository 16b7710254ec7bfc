from django.conf import settings
from django.db import models

from courses.models import Course


class EnrollmentQuerySet(models.QuerySet):
    def granting_access(self):
        """Active and completed enrollments unlock lessons, unless a payment dispute has suspended them."""
        return self.filter(status__in=Enrollment.ACCESS_STATUSES, suspended_at__isnull=True)

    def for_user(self, user):
        return self.filter(user=user)

    def prerequisites_missing(self, *, user, course: Course) -> list[Course]:
        """The course's prerequisites `user` has not completed yet (all of them for a visitor)."""
        prerequisites = list(course.prerequisites.all())
        if not prerequisites or not user.is_authenticated:
            return prerequisites
        done = set(
            self.filter(user=user, status=Enrollment.Status.COMPLETED, course__in=prerequisites).values_list(
                "course_id", flat=True
            )
        )
        return [prerequisite for prerequisite in prerequisites if prerequisite.pk not in done]


class Enrollment(models.Model):
    """Who may learn what. One per (user, course); how it was paid for lives in payments.

    Status changes go through enrollments.services, which only ever move forward
    (pending → active → completed; active/completed → refunded or revoked) and send the
    domain signals after commit.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Pending payment"
        ACTIVE = "active", "Active"
        COMPLETED = "completed", "Completed"
        REFUNDED = "refunded", "Refunded"
        REVOKED = "revoked", "Revoked"

    ACCESS_STATUSES = (Status.ACTIVE, Status.COMPLETED)
    ENDED_STATUSES = (Status.REFUNDED, Status.REVOKED)

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="enrollments")
    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="enrollments")
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.PENDING, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    activated_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    ended_at = models.DateTimeField(null=True, blank=True, help_text="When it was refunded or revoked.")
    ended_reason = models.CharField(max_length=300, blank=True)
    # Set while a card dispute is open: access pauses without ending the enrollment, and comes
    # back if the school wins the dispute.
    suspended_at = models.DateTimeField(null=True, blank=True)
    suspended_reason = models.CharField(max_length=300, blank=True)

    objects = EnrollmentQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "course"], name="enrollments_one_per_user_course"),
        ]

    def __str__(self) -> str:
        return f"{self.user} in {self.course}"

    @property
    def grants_access(self) -> bool:
        return self.status in self.ACCESS_STATUSES and self.suspended_at is None

    @property
    def is_suspended(self) -> bool:
        return self.suspended_at is not None
