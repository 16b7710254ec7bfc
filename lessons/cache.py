"""The student's progress token: what shows which lessons a student has completed (the lesson
page's course panel, lessons/views.py) is cached under it. And the lesson rows the lesson page
looks up by slug.

Only a completion changing bumps it (a lesson completed, a completion removed or edited by staff),
not every saved video position, which the player sends every few seconds: lessons/receivers.py.
Tokens are explained in core/cache_versions.py.
"""

from accounts.user_cache import account_version_key
from core.cache_versions import bump, read_checked, store_checked, tokens
from courses.cache import PUBLIC_PAGES_VERSION_KEY
from enrollments.student_cache import student_version_key


def progress_version_key(user_id: int) -> str:
    return f"lessons:progress-version:{user_id}"


def progress_cache_version(user_id: int) -> str:
    return tokens(progress_version_key(user_id))[0]


def progress_bump(*user_ids: int) -> None:
    bump(*{progress_version_key(user_id) for user_id in user_ids if user_id})


def lesson_by_slugs(course_slug: str, lesson_slug: str):
    """The lesson with its section and course, stored under the public pages' token like the
    course rows of courses/rows.py (every lesson, section and course write bumps it; the lesson's
    two `QuerySet.update()`, `Lesson.video_state_set` and the renditions' `hls_source`, bump it
    themselves). None when the course has no such lesson."""
    from lessons.models import Lesson

    key = f"lessons:row:{course_slug}:{lesson_slug}"
    read, lesson = read_checked(key, PUBLIC_PAGES_VERSION_KEY)
    if lesson is None:
        lesson = (
            Lesson.objects.select_related("section__course")
            .filter(slug=lesson_slug, section__course__slug=course_slug)
            .first()
        )
        if lesson is not None:
            store_checked(key, read, lesson)
    return lesson


def signed_in_course_tokens(user_id: int) -> list[str]:
    """The tokens a signed-in student's whole course pages (the course page, the outline, a
    lesson: core/signed_in_pages.py) are checked against. Every write that changes what they show,
    or who may open them, moves one: the public pages' token moves with every course bump
    (courses.cache.cache_bump: lessons, sections, captions, instructors, status, slugs), the
    student's with their enrollments, payments, progress and certificates, and the account
    version with their row, roles and email addresses."""
    return [
        PUBLIC_PAGES_VERSION_KEY,
        student_version_key(user_id),
        progress_version_key(user_id),
        account_version_key(user_id),
    ]
