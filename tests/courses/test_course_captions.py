"""The course page says whether the course is fully captioned (issue 20), and adding or removing a
caption shows on the very next request, also for visitors served from the whole-page cache."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.cache import public_pages_version
from lessons.models import Lesson, LessonCaption

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(make_course, ian):
    course = make_course(title="Part 107 Prep", instructors=[ian], sections=1, lessons_per_section=2)
    Lesson.objects.filter(section__course=course).update(video="videos/clip.mp4")  # before any page is stored
    return course


def caption(lesson: Lesson, language: str = "en", label: str = "English") -> LessonCaption:
    return LessonCaption.objects.create(lesson=lesson, language=language, label=label, file=f"captions/{language}.vtt")


def lessons_of(course) -> list[Lesson]:
    return list(Lesson.objects.for_course(course))


def captions_fact(html: str) -> str:
    start = html.find('<div class="course-facts-captions">')
    return "" if start < 0 else html[start : html.find("</div>", start)]


def test_a_course_whose_every_video_lesson_has_captions_says_fully_captioned(client, course):
    first, second = lessons_of(course)
    caption(first)
    caption(first, "es", "Español")
    caption(second)
    fact = captions_fact(client.get(course.get_absolute_url()).content.decode())
    assert "Fully captioned" in fact
    assert "English" in fact and "Español" not in fact  # only the languages every lesson has


def test_a_partly_captioned_course_says_so_and_an_uncaptioned_one_says_nothing(client, course, make_course):
    caption(lessons_of(course)[0])
    fact = captions_fact(client.get(course.get_absolute_url()).content.decode())
    assert "On 1 of 2 video lessons" in fact and "Fully captioned" not in fact

    bare = make_course(title="Bare", sections=1, lessons_per_section=1)
    Lesson.objects.filter(section__course=bare).update(video="videos/clip.mp4")
    assert captions_fact(client.get(bare.get_absolute_url()).content.decode()) == ""


def test_lessons_without_video_need_no_captions(client, course, make_course):
    first, second = lessons_of(course)
    Lesson.objects.filter(pk=second.pk).update(video="")
    caption(first)
    assert "Fully captioned" in captions_fact(client.get(course.get_absolute_url()).content.decode())

    text_only = make_course(title="Reading only", sections=1, lessons_per_section=2)
    assert captions_fact(client.get(text_only.get_absolute_url()).content.decode()) == ""


def test_adding_and_removing_a_caption_shows_on_the_visitors_next_request(
    client, course, django_capture_on_commit_callbacks
):
    first, second = lessons_of(course)
    caption(first)
    assert client.get(course.get_absolute_url())["X-Page-Cache"] == "miss"
    stored = client.get(course.get_absolute_url())
    assert stored["X-Page-Cache"] == "hit"
    assert "Fully captioned" not in stored.content.decode()

    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        added = caption(second)
        token_before_commit = public_pages_version()
    # Bumped again once committed: a request that read the rows before the commit stored its
    # page under the first new token, which no request asks for any more.
    assert callbacks
    assert public_pages_version() != token_before_commit
    page = client.get(course.get_absolute_url())
    assert page["X-Page-Cache"] == "miss"
    assert "Fully captioned" in page.content.decode()
    assert client.get(course.get_absolute_url())["X-Page-Cache"] == "hit"

    with django_capture_on_commit_callbacks(execute=True):
        added.delete()
    page = client.get(course.get_absolute_url())
    assert page["X-Page-Cache"] == "miss"
    assert "Fully captioned" not in page.content.decode()
    assert "On 1 of 2 video lessons" in page.content.decode()


def test_the_course_page_costs_the_same_queries_with_more_captioned_lessons(client, course, make_course):
    for lesson in lessons_of(course):
        caption(lesson)
    cache.clear()
    with CaptureQueriesContext(connection) as small:
        assert client.get(course.get_absolute_url()).status_code == 200

    large = make_course(title="Large", sections=3, lessons_per_section=3)
    Lesson.objects.filter(section__course=large).update(video="videos/clip.mp4")
    for lesson in lessons_of(large):
        caption(lesson)
        caption(lesson, "es", "Español")
    cache.clear()
    with CaptureQueriesContext(connection) as big:
        page = client.get(large.get_absolute_url())
    assert "Fully captioned" in page.content.decode()
    assert len(big.captured_queries) == len(small.captured_queries)
