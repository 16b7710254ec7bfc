"""Reads for staff reports about enrollments: new ones, active students, completion per course,
and "students who took this course also took" (co-occurrence counts)."""

from collections import Counter, defaultdict
from datetime import datetime

from django.core.cache import cache
from django.db.models import Count, Q

from courses.models import Course
from enrollments.models import Enrollment

# Enrollments that count as "took the course": paid for or granted, and not taken back.
TOOK_STATUSES = Enrollment.ACCESS_STATUSES
ALSO_TOOK_CACHE_KEY = "enrollments:also-took:v1"
ALSO_TOOK_LIMIT = 4
ALSO_TOOK_TIMEOUT_SECONDS = 24 * 60 * 60
# Held while a refresh is queued, so a burst of misses queues one job rather than one per request.
ALSO_TOOK_REFRESH_QUEUED_KEY = "enrollments:also-took:refresh-queued"


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


def also_took_refresh(*, timeout=ALSO_TOOK_TIMEOUT_SECONDS) -> dict[int, list[tuple[int, int]]]:
    """Recompute the co-occurrence table and store it in the cache (the scheduled dashboard job
    calls this every few minutes; the table is kept a day, so a stopped worker leaves yesterday's
    recommendations rather than none)."""
    table = also_took_compute()
    cache.set(ALSO_TOOK_CACHE_KEY, table, timeout=timeout)
    return table


def also_took(course: Course, *, limit: int = 3) -> list[Course]:
    """Published courses that students of `course` also took, most frequent first.

    Reads the cached table, then one query. A web request never computes the table: it reads every
    enrollment, which at the benchmark's ten-times data took 4.4 s and grew a web worker past its
    memory cap when a burst of course-page views all found it missing at once (bench/PROFILE.md).
    When it is missing the page shows no recommendations and one refresh is queued for the worker
    (embedded, with no broker, the task runs at once, as every task does).
    """
    table = cache.get(ALSO_TOOK_CACHE_KEY)
    if table is None:
        _refresh_queue_once()
        table = cache.get(ALSO_TOOK_CACHE_KEY) or {}
    ids = [other_id for other_id, _count in table.get(course.pk, [])]
    if not ids:
        return []
    by_id = Course.objects.published().in_bulk(ids)
    return [by_id[pk] for pk in ids if pk in by_id][:limit]


def _refresh_queue_once() -> None:
    from enrollments.tasks import also_took_refresh_task

    if cache.add(ALSO_TOOK_REFRESH_QUEUED_KEY, 1, timeout=5 * 60):
        also_took_refresh_task.delay()
