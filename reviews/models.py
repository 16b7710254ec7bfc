"""Students' ratings and reviews of the courses they took, moderated by the school."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from courses.models import Course


class ReviewQuerySet(models.QuerySet):
    def visible(self):
        """What the course page shows: reviews the school has not hidden."""
        return self.filter(hidden_at__isnull=True)

    def for_course_page(self, course):
        return self.visible().filter(course=course).select_related("student").order_by("-created_at", "-pk")


class Review(models.Model):
    """One student's rating (1 to 5) and words about one course; editable by its author."""

    course = models.ForeignKey(Course, on_delete=models.CASCADE, related_name="reviews")
    student = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reviews")
    rating = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=120, blank=True)
    body = models.TextField(max_length=4000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)
    # Moderation: a hidden review stays (its author still sees and may edit it) but leaves the page.
    hidden_at = models.DateTimeField(null=True, blank=True)
    hidden_reason = models.CharField(max_length=300, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    school_reply = models.TextField(max_length=2000, blank=True)
    replied_at = models.DateTimeField(null=True, blank=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["course", "student"], name="reviews_one_per_student_and_course"),
            models.CheckConstraint(condition=Q(rating__gte=1, rating__lte=5), name="reviews_rating_1_to_5"),
            models.CheckConstraint(
                condition=Q(hidden_at__isnull=True) | ~Q(hidden_reason=""), name="reviews_hidden_has_a_reason"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rating}★ {self.course} by {self.student}"

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def author_label(self) -> str:
        """First name and last initial: enough to be a person, not enough to be found."""
        parts = (self.student.full_name or "").split()
        if not parts:
            return "A student"
        return parts[0] if len(parts) == 1 else f"{parts[0]} {parts[-1][0]}."
