"""The student's progress token: what shows which lessons a student has completed (the lesson
page's course panel, lessons/views.py) is cached under it. And the lesson rows the lesson page
looks up by slug.

Only a completion changing bumps it (a lesson completed, a completion removed or edited by staff),
not every saved video position, which the player sends every few seconds: lessons/receivers.py.
Tokens are explained in core/cache_versions.py.
"""

from collections.abc import Callable

from django.http import HttpResponse

from accounts.user_cache import account_version_key
from core.cache_versions import bump, read_checked, store_checked, tokens
from core.signed_in_pages import stored_page
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


def stored_course_page(request, name: str, render: Callable[[dict], HttpResponse]) -> HttpResponse:
    """One of a course's pages (the course page, the outline, a lesson) as `name`: for a signed-in
    student the whole page stored by core/signed_in_pages.py, for a visitor `render({})` (their
    pages have a cache of their own, core/page_cache.py).

    Named by slug, so a stored page needs no read of the course or lesson row, and checked against
    tokens that every write changing what these pages show, or who may open them, moves: the public
    pages' token moves with every course bump (courses.cache.cache_bump: lessons, sections,
    captions, instructors, status, slugs), the student's with their enrollments, payments,
    progress and certificates, and the account version with their row, roles and email addresses."""
    user = request.user
    if not user.is_authenticated:
        return render({})
    token_keys = [
        PUBLIC_PAGES_VERSION_KEY,
        student_version_key(user.pk),
        progress_version_key(user.pk),
        account_version_key(user.pk),
    ]
    return stored_page(request, f"{name}:{user.pk}", token_keys, render)
