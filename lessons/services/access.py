"""Who may open a course: an enrollment that grants access, or teaching it (instructors, superusers).

The decision is read on every lesson, outline, segment and progress request, so it is cached in
Redis under the student's version token (enrollments/student_cache.py) and the course's
(courses/cache.py):
- every enrollment write bumps the student's token, now and again after its transaction commits
  (a refund, a revocation, a dispute's pause or restore, a re-enrollment), so the next request
  decides afresh from the database;
- a course's instructors changing bumps the course's token (courses/receivers.py);
- superusers are answered from the signed-in user's own row, never from this cache.
A decision also expires after ACCESS_DECISION_SECONDS, which bounds what a lost bump (Redis
refusing one write, or a Redis restored from a snapshot older than the bump, token and decision
together) could leave behind. With Redis unreachable nothing is stored: every request
asks the database.
"""

import logging

from django.core.cache import cache

from core.cache_versions import UNCACHED, tokens
from courses.cache import course_version_key
from courses.models import Course
from enrollments.models import Enrollment
from enrollments.student_cache import student_version_key

logger = logging.getLogger(__name__)

ACCESS_DECISION_SECONDS = 300


# -- access -----------------------------------------------------------------------------------------


def enrollment_granting_access(*, user, course: Course) -> Enrollment | None:
    """The user's enrollment in the course if it unlocks lessons right now, else None."""
    if not user.is_authenticated:
        return None
    return Enrollment.objects.granting_access().filter(user=user, course=course).first()


def course_staffed_by(*, user, course: Course) -> bool:
    """Superusers and the course's own instructors see every lesson (to check what they publish)."""
    if not user.is_authenticated:
        return False
    return user.is_superuser or course.instructors.filter(user=user).exists()


def access_decision_key(*, user_id: int, course_id: int, student_token: str, course_token: str) -> str | None:
    """Where the decision for (user, course) is stored under these tokens; None when the cache is
    unreachable (nothing may be stored then)."""
    if UNCACHED in (student_token, course_token):
        return None
    return f"lessons:unlocked:{user_id}:{course_id}:{student_token}:{course_token}"


def course_unlocked_for(*, user, course: Course, tokens_read: tuple[str, str] | None = None, found=None) -> bool:
    """May this user open every lesson of the course? Cached as the module doc says.

    A page that reads several cache entries at once passes the (student, course) tokens it read
    and what it found (a dict of key to value, a missing key being a miss), saving two round trips.
    """
    if not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    student_token, course_token = tokens_read or tokens(student_version_key(user.pk), course_version_key(course.pk))
    key = access_decision_key(
        user_id=user.pk, course_id=course.pk, student_token=student_token, course_token=course_token
    )
    unlocked = None
    if key is not None:
        unlocked = found.get(key) if found is not None else cache.get(key)
    if unlocked is None:
        unlocked = enrollment_granting_access(user=user, course=course) is not None or course_staffed_by(
            user=user, course=course
        )
        if key is not None:
            cache.set(key, unlocked, ACCESS_DECISION_SECONDS)
    return unlocked
