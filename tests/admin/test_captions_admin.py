"""Admin shows which published video lessons have no captions (issue 20, WCAG 2.2 1.2.2): a column
and a filter on the lesson list, and a count on the admin index linking to the filtered list. Each
scoped: an instructor counts and filters only the lessons of the courses they teach."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from courses.models import Course, Instructor, Section
from lessons.models import Lesson, LessonCaption

pytestmark = pytest.mark.django_db

CHANGELIST = reverse("admin:lessons_lesson_changelist")


@pytest.fixture
def make_lesson():
    def make(course: Course, title: str, *, video: str = "videos/clip.mp4", captions=()) -> Lesson:
        section, _ = Section.objects.get_or_create(course=course, order=1, defaults={"title": "Basics"})
        order = section.lessons.count() + 1
        lesson = Lesson.objects.create(
            section=section, title=title, slug=f"{course.slug}-{order}", order=order, video=video
        )
        for language, label in captions:
            LessonCaption.objects.create(lesson=lesson, language=language, label=label, file=f"captions/{language}.vtt")
        return lesson

    return make


@pytest.fixture
def others_course(make_course, django_user_model):
    other = django_user_model.objects.create_user(email="otto@example.com", password=None, full_name="Otto Other")
    course = make_course("Otto's mapping course")
    course.instructors.add(Instructor.objects.create(user=other))
    return course


def _titles(response) -> set[str]:
    return {lesson.title for lesson in response.context["cl"].result_list}


def test_the_list_shows_caption_languages_or_missing(client, instructor_user, own_course, make_lesson):
    make_lesson(own_course, "Airspace", captions=[("en", "English"), ("es", "Español")])
    make_lesson(own_course, "Weather")
    make_lesson(own_course, "Reading notes", video="")
    client.force_login(instructor_user)

    html = client.get(CHANGELIST).content.decode()

    assert "English, Español" in html
    assert html.count('class="captions-missing"') == 1  # Weather; the lesson without a video needs none


def test_the_filter_keeps_published_video_lessons_missing_or_having_captions(
    client, instructor_user, own_course, make_course, make_lesson
):
    make_lesson(own_course, "Airspace", captions=[("en", "English")])
    make_lesson(own_course, "Weather")
    make_lesson(own_course, "Reading notes", video="")
    draft = make_course("Draft course")
    draft.status = Course.Status.DRAFT
    draft.save()
    draft.instructors.add(instructor_user.instructor)
    make_lesson(draft, "Draft video")
    client.force_login(instructor_user)

    assert _titles(client.get(CHANGELIST, {"captions": "missing"})) == {"Weather"}
    assert _titles(client.get(CHANGELIST, {"captions": "present"})) == {"Airspace"}
    assert len(_titles(client.get(CHANGELIST))) == 4


def test_an_instructor_filters_and_counts_only_their_own_lessons(
    client, instructor_user, own_course, others_course, make_lesson
):
    make_lesson(own_course, "My weather")
    make_lesson(others_course, "Their mapping")
    make_lesson(others_course, "Their photogrammetry", captions=[("en", "English")])
    client.force_login(instructor_user)

    assert _titles(client.get(CHANGELIST, {"captions": "missing"})) == {"My weather"}
    assert _titles(client.get(CHANGELIST, {"captions": "present"})) == set()
    index = client.get(reverse("admin:index"))
    assert index.context["captions_missing_count"] == 1
    assert "1 published video lesson has no captions" in index.content.decode()


def test_staff_see_the_school_wide_count_linking_to_the_filtered_list(
    client, staff, own_course, others_course, make_lesson
):
    make_lesson(own_course, "My weather")
    make_lesson(others_course, "Their mapping")
    make_lesson(others_course, "Their photogrammetry", captions=[("en", "English")])
    client.force_login(staff)

    html = client.get(reverse("admin:index")).content.decode()

    assert f'<a href="{CHANGELIST}?captions=missing">2 published video lessons have no captions</a>' in html


def test_the_index_says_nothing_when_every_published_video_is_captioned(client, staff, own_course, make_lesson):
    make_lesson(own_course, "Airspace", captions=[("en", "English")])
    client.force_login(staff)
    assert "no captions" not in client.get(reverse("admin:index")).content.decode()


def test_the_list_costs_the_same_queries_with_one_lesson_or_five(
    client, instructor_user, own_course, make_lesson, django_assert_num_queries
):
    make_lesson(own_course, "Lesson 1", captions=[("en", "English")])
    client.force_login(instructor_user)
    client.get(CHANGELIST)  # warm the session and permission caches
    with CaptureQueriesContext(connection) as one:
        assert client.get(CHANGELIST).status_code == 200

    for n in range(2, 6):
        make_lesson(own_course, f"Lesson {n}", captions=[("en", "English"), ("fr", "Français")] if n % 2 else [])
    for query in ({}, {"captions": "missing"}):
        with django_assert_num_queries(len(one.captured_queries)):
            response = client.get(CHANGELIST, query)
        assert response.status_code == 200
    assert len(_titles(client.get(CHANGELIST))) == 5


def test_an_instructor_may_add_captions_on_their_own_lesson(client, instructor_user, own_course, make_lesson):
    # The Instructors group carries the caption permissions (accounts/groups.py): without them the
    # captions inline would not even show on the lesson page.
    lesson = make_lesson(own_course, "Weather")
    client.force_login(instructor_user)
    html = client.get(reverse("admin:lessons_lesson_change", args=[lesson.pk])).content.decode()
    assert 'name="captions-0-file"' in html
    assert instructor_user.has_perms(
        [f"lessons.{action}_lessoncaption" for action in ("add", "change", "view", "delete")]
    )
