"""Reads for staff reports about learning: each student's progress through a course, the funnel from
enrolled to certified, and practice exam results by knowledge area."""

from collections import defaultdict
from collections.abc import Iterator

from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from courses.models import Course
from enrollments.models import Enrollment
from lessons.models import Certificate, ExamAttempt, KnowledgeArea, Lesson, LessonProgress

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


def learning_funnel_per_course() -> list[dict]:
    """Per course with students: enrolled, started (at least one lesson opened), completed and
    certified, over the enrollments that still grant access; one query.

    Each stage is a subset of the one before, so the funnel never widens: a student completed by
    staff without opening a lesson still counts as started."""
    opened_a_lesson = Exists(
        LessonProgress.objects.filter(user_id=OuterRef("user_id"), lesson__section__course_id=OuterRef("course_id"))
    )
    certified = Exists(Certificate.objects.filter(user_id=OuterRef("user_id"), course_id=OuterRef("course_id")))
    completed = Q(status=Enrollment.Status.COMPLETED)
    rows = (
        Enrollment.objects.filter(status__in=Enrollment.ACCESS_STATUSES)
        .order_by()
        .values("course_id", "course__title")
        .annotate(
            enrolled=Count("id"),
            started=Count("id", filter=Q(opened_a_lesson) | completed),
            completed=Count("id", filter=completed),
            certified=Count("id", filter=completed & Q(certified)),
        )
        .order_by("course__title")
    )
    return [
        {
            "course_id": row["course_id"],
            "title": row["course__title"],
            **{stage: row[stage] for stage in ("enrolled", "started", "completed", "certified")},
        }
        for row in rows
    ]


def exam_results_by_area() -> list[dict]:
    """Submitted practice exam attempts per FAA knowledge area: attempts that included the area,
    how many of them scored at least the exam's pass mark in it, and answers right out of asked.

    Reads the per-area scores stored on each attempt at grading (one streamed query)."""
    totals = defaultdict(lambda: {"attempts": 0, "passed": 0, "correct": 0, "asked": 0})
    attempts = ExamAttempt.objects.submitted().order_by().values_list("results_by_area", "exam__pass_percent")
    for results, pass_percent in attempts.iterator(chunk_size=2000):
        for area, result in (results or {}).items():
            if not result.get("total"):
                continue
            row = totals[area]
            row["attempts"] += 1
            row["passed"] += 100 * result["correct"] >= pass_percent * result["total"]
            row["correct"] += result["correct"]
            row["asked"] += result["total"]
    return [
        {
            "area": area,
            "label": label,
            **totals[area],
            "pass_rate": round(100 * totals[area]["passed"] / totals[area]["attempts"])
            if totals[area]["attempts"]
            else None,
        }
        for area, label in KnowledgeArea.choices
        if area in totals
    ]


def exam_pass_rate() -> dict:
    """Submitted practice exam attempts and how many passed (one query)."""
    counts = ExamAttempt.objects.submitted().aggregate(attempts=Count("id"), passed=Count("id", filter=Q(passed=True)))
    return {**counts, "rate": round(100 * counts["passed"] / counts["attempts"]) if counts["attempts"] else None}
