"""Course and lesson rows the signed-in pages look up by slug on every request, stored under the
public pages' token (courses/cache.py).

That token is bumped by every write that changes a course, its category, a section or a lesson
(courses/receivers.py, lessons/receivers.py; the two `QuerySet.update()` on lessons and the one on
courses bump it themselves), so a stored row is never older than the row. Measured, a lookup by
slug with its joins cost 0.5–1.5 ms of ORM and PostgreSQL against 0.05 ms for a Redis read
(bench/PROFILE.md). Who may see a draft is still decided per request by the caller.
"""

from core.cache_versions import read_checked, store_checked
from courses.cache import PUBLIC_PAGES_VERSION_KEY
from courses.models import Course


def course_by_slug(slug: str) -> Course | None:
    """The course (with its category) whose slug this is, or None: the token and the row in one
    round trip (core.cache_versions.read_checked)."""
    key = f"courses:row:{slug}"
    read, course = read_checked(key, PUBLIC_PAGES_VERSION_KEY)
    if course is None:
        course = Course.objects.select_related("category").filter(slug=slug).first()
        if course is not None:
            store_checked(key, read, course)
    return course
