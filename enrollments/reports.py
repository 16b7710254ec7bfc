"""Reads for staff reports about enrollments: new ones, active students, completion per course,
and "students who took this course also took" (co-occurrence counts)."""

from collections import Counter, defaultdict
from datetime import datetime

from django.core.cache import cache
from django.core.cache.backends.base import DEFAULT_TIMEOUT
from django.db.models import Count, Q

from courses.models import Course
from enrollments.models import Enrollment

# Enrollments that count as "took the course": paid for or granted, and not taken back.
TOOK_STATUSES = Enrollment.ACCESS_STATUSES
ALSO_TOOK_CACHE_KEY = "enrollments:also-took:v1"
ALSO_TOOK_LIMIT = 4


def enrollments_new_count(*, since: datetime) -> int:
    return Enrollment.objects.filter(activated_at__gte=since).count()


def students_active_count() -> int:
    """People who can open at least one course right now."""
    return Enrollment.objects.granting_access().values("user_id").distinct().count()


def completion_per_course() -> list[dict]:
    """Per course with students: how many took it, how many completed, and the rate (one query)."""
    rows = (
        Enrollment.objects.filter(status__in=TOOK_STATUSES)
        .order_by()
        .values("course_id", "course__title", "course__slug")
        .annotate(
            students=Count("id"),
            completed=Count("id", filter=Q(status=Enrollment.Status.COMPLETED)),
        )
        .order_by("course__title")
    )
    return [
        {
            "course_id": row["course_id"],
            "title": row["course__title"],
            "slug": row["course__slug"],
            "students": row["students"],
            "completed": row["completed"],
            "rate": round(100 * row["completed"] / row["students"]) if row["students"] else 0,
        }
        for row in rows
    ]


def also_took_compute(*, limit: int = ALSO_TOOK_LIMIT) -> dict[int, list[tuple[int, int]]]:
    """For each course, the courses most often taken by the same students: {course_id: [(other_id, count)]}.

    One streamed query; the counting is done in Python, which for a school's scale (thousands of
    enrollments) is cheaper and more portable than a self-join.
    """
    courses_of: dict[int, set[int]] = defaultdict(set)
    rows = Enrollment.objects.filter(status__in=TOOK_STATUSES).order_by().values_list("user_id", "course_id")
    for user_id, course_id in rows.iterator(chunk_size=2000):
        courses_of[user_id].add(course_id)
    pairs: dict[int, Counter] = defaultdict(Counter)
    for taken in courses_of.values():
        for course_id in taken:
            for other_id in taken:
                if other_id != course_id:
                    pairs[course_id][other_id] += 1
    # Ties go to the lower id so the order is stable between runs.
    return {
        course_id: sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:limit]
        for course_id, counts in pairs.items()
    }


def also_took_refresh(*, timeout=DEFAULT_TIMEOUT) -> dict[int, list[tuple[int, int]]]:
    """Recompute the co-occurrence table and store it in the cache (the scheduled job calls this)."""
    table = also_took_compute()
    cache.set(ALSO_TOOK_CACHE_KEY, table, timeout=timeout)
    return table


def also_took(course: Course, *, limit: int = 3) -> list[Course]:
    """Published courses that students of `course` also took, most frequent first.

    Reads the cached table (computing it once if the scheduled job has not run yet), then one query.
    """
    table = cache.get(ALSO_TOOK_CACHE_KEY)
    if table is None:
        table = also_took_refresh()
    ids = [other_id for other_id, _count in table.get(course.pk, [])]
    if not ids:
        return []
    by_id = Course.objects.published().in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id][:limit]
