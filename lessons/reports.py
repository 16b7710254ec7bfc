"""Reads for staff reports about learning: each student's progress through a course."""

from collections.abc import Iterator

from django.db.models import Count, IntegerField, Max, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from courses.models import Course
from enrollments.models import Enrollment
from lessons.models import Certificate, Lesson, LessonProgress

PROGRESS_HEADER = [
    "course",
    "student",
    "email",
    "enrollment_status",
    "enrolled_at",
    "required_lessons",
    "lessons_completed",
    "percent",
    "last_activity",
    "completed_at",
    "certificate",
]


def progress_rows(*, course: Course) -> Iterator[list]:
    """One row per student enrolled in `course` (pending ones excluded), streamed; two queries."""
    required = Lesson.objects.for_course(course).required().count()
    progress = LessonProgress.objects.filter(
        user=OuterRef("user"), lesson__section__course=course, lesson__is_required=True, completed_at__isnull=False
    )
    enrollments = (
        Enrollment.objects.filter(course=course)
        .exclude(status=Enrollment.Status.PENDING)
        .select_related("user")
        .annotate(
            lessons_completed=Coalesce(
                Subquery(
                    progress.order_by().values("user").annotate(total=Count("pk")).values("total"),
                    output_field=IntegerField(),
                ),
                Value(0),
            ),
            last_activity=Subquery(
                LessonProgress.objects.filter(user=OuterRef("user"), lesson__section__course=course)
                .order_by()
                .values("user")
                .annotate(latest=Max("updated_at"))
                .values("latest")
            ),
            certificate_id=Subquery(
                Certificate.objects.filter(user=OuterRef("user"), course=course).values("public_id")[:1]
            ),
        )
        .order_by("user__full_name", "user__email")
    )
    for enrollment in enrollments.iterator(chunk_size=500):
        done = min(enrollment.lessons_completed, required)
        yield [
            course.title,
            enrollment.user.full_name,
            enrollment.user.email,
            enrollment.status,
            timezone.localtime(enrollment.activated_at or enrollment.created_at).isoformat(),
            required,
            done,
            round(100 * done / required) if required else 0,
            timezone.localtime(enrollment.last_activity).isoformat() if enrollment.last_activity else "",
            timezone.localtime(enrollment.completed_at).isoformat() if enrollment.completed_at else "",
            enrollment.certificate_id or "",
        ]
