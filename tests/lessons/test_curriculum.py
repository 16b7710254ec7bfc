"""The lesson page's course content panel: order, ticks, the current lesson, locks, one query."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from lessons import services
from lessons.models import Lesson, LessonProgress

pytestmark = pytest.mark.django_db


def lesson_url(course, slug):
    return reverse("lessons:lesson", args=[course.slug, slug])


def test_panel_lists_every_lesson_with_ticks_and_marks_the_current_one(student_client, enrolled, course, lessons):
    LessonProgress.objects.create(user=enrolled, lesson=lessons["preview"], completed_at="2026-01-01T00:00Z")
    page = student_client.get(lesson_url(course, "reading-charts"))
    curriculum = services.lesson_curriculum(user=enrolled, course=course, lesson=lessons["charts"], unlocked=True)

    assert [title for title, _items in curriculum.sections] == ["Getting started", "Airspace"]
    assert (curriculum.position, curriculum.count) == (3, 4)
    assert (curriculum.completed_required, curriculum.total_required) == (1, 3)
    html = page.content.decode()
    assert "Lesson 3 of 4" in html
    assert f'href="{lesson_url(course, "reading-charts")}" aria-current="page"' in html
    assert html.count('aria-current="page"') == 1
    assert 'Welcome<span class="visually-hidden"> (completed)</span>' in html
    assert 'value="33"' in html  # the course progress bar
    assert "locked" not in html.split('id="curriculum"')[1].split("</details>")[0].replace("is-locked", "")


def test_a_visitor_on_a_preview_sees_the_other_lessons_locked(client, course, lessons):
    page = client.get(lesson_url(course, "welcome"))
    curriculum = services.lesson_curriculum(
        user=AnonymousUser(), course=course, lesson=lessons["preview"], unlocked=False
    )
    locked = {item.slug for _title, items in curriculum.sections for item in items if item.locked}
    assert locked == {"airspace-classes", "reading-charts", "bonus-history"}
    html = page.content.decode()
    assert html.count("(locked: enroll to watch)") == 3
    assert lesson_url(course, "reading-charts") not in html


def test_lesson_page_query_count_does_not_grow_with_the_course(
    student_client, enrolled, course, lessons, sections, django_assert_num_queries
):
    url = lesson_url(course, "airspace-classes")
    # Fills the lesson's cached row, notes, course panel, progress and access decision, and the
    # whole page (core/signed_in_pages.py). Then none: the session and the signed-in user come from
    # the cache (accounts/user_cache.py), the lesson with its course from lessons/cache.py, and the
    # page itself, its video and caption URLs signed per response.
    student_client.get(url)
    with django_assert_num_queries(0):
        student_client.get(url)
    for number in range(10):
        lesson = Lesson.objects.create(
            section=sections[1], title=f"Extra {number}", slug=f"extra-{number}", order=10 + number
        )
        LessonProgress.objects.create(user=enrolled, lesson=lesson, completed_at="2026-01-01T00:00Z")
    student_client.get(url)  # the course changed: the page, its notes and panel are rendered once more
    with django_assert_num_queries(0):
        html = student_client.get(url).content.decode()
    assert "Extra 9" in html and "Lesson 2 of 14" in html


@pytest.mark.parametrize(("position", "completed"), [(539, False), (540, True), (600, True)])
def test_watching_ninety_percent_of_the_video_completes_the_lesson(
    student_client, enrolled, course, lessons, position, completed
):
    classes = lessons["classes"]  # 600 seconds long
    url = reverse("lessons:progress", args=[course.slug, classes.slug])
    response = student_client.post(url, {"position_seconds": position})
    assert response.json()["completed"] is completed
    assert LessonProgress.objects.get(user=enrolled, lesson=classes).is_completed is completed


def test_a_lesson_without_a_known_duration_is_not_completed_by_its_position(student_client, enrolled, course, lessons):
    url = reverse("lessons:progress", args=[course.slug, "reading-charts"])
    assert student_client.post(url, {"position_seconds": 5000}).json()["completed"] is False


def test_the_player_offers_speed_shortcuts_and_the_next_lesson(student_client, enrolled, course, lessons):
    page = student_client.get(lesson_url(course, "airspace-classes"))
    html = page.content.decode()
    assert '<label for="player-speed">Speed</label>' in html
    assert "<summary>Keyboard shortcuts</summary>" in html
    assert f'href="{lesson_url(course, "reading-charts")}">Next lesson: Reading charts' in html
