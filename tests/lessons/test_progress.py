"""Saving the playback position, resuming at it, marking lessons complete and the outline's progress."""

import pytest
from django.urls import reverse

from lessons.models import Lesson, LessonProgress

pytestmark = pytest.mark.django_db


def progress_url(course, lesson):
    return reverse("lessons:progress", args=[course.slug, lesson.slug])


def test_position_is_saved_and_the_lesson_resumes_there(student_client, enrolled, course, lessons):
    classes = lessons["classes"]
    response = student_client.post(progress_url(course, classes), {"position_seconds": "95.7"})
    assert response.status_code == 200
    data = response.json()
    assert (data["position_seconds"], data["completed"]) == (95, False)
    assert data["video_url"].startswith("/private-media/")  # fresh, for a player whose URL expired
    student_client.post(progress_url(course, classes), {"position_seconds": "123"})
    progress = LessonProgress.objects.get(user=enrolled, lesson=classes)
    assert progress.position_seconds == 123
    page = student_client.get(reverse("lessons:lesson", args=[course.slug, classes.slug])).content.decode()
    assert 'data-resume-at="123"' in page
    assert reverse("lessons:progress", args=[course.slug, classes.slug]) in page
    assert "js/player.js" in page


def test_outline_offers_to_continue_where_the_student_left_off(student_client, enrolled, course, lessons):
    student_client.post(progress_url(course, lessons["preview"]), {"position_seconds": 10, "completed": "1"})
    student_client.post(progress_url(course, lessons["charts"]), {"position_seconds": 42})
    page = student_client.get(reverse("lessons:outline", args=[course.slug]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Continue where you left off: Reading charts" in html
    assert reverse("lessons:lesson", args=[course.slug, "reading-charts"]) in html
    # 1 of 3 required lessons (the bonus lesson is optional).
    assert "1 of 3 required lessons complete" in html
    assert '<progress id="course-progress" class="progress" max="100" value="33">' in html
    assert html.count("Completed</span>") == 1


def test_garbage_position_is_rejected_and_huge_one_clamped(student_client, enrolled, course, lessons):
    classes = lessons["classes"]
    assert student_client.post(progress_url(course, classes), {"position_seconds": "soon"}).status_code == 400
    student_client.post(progress_url(course, classes), {"position_seconds": "-5"})
    assert LessonProgress.objects.get(lesson=classes).position_seconds == 0
    student_client.post(progress_url(course, classes), {"position_seconds": str(10**9)})
    assert LessonProgress.objects.get(lesson=classes).position_seconds == 24 * 60 * 60


def test_progress_endpoint_needs_post_and_csrf(client, enrolled, course, lessons):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(enrolled)
    assert strict.post(progress_url(course, lessons["classes"]), {"position_seconds": 5}).status_code == 403
    assert strict.get(progress_url(course, lessons["classes"])).status_code == 405
    assert not LessonProgress.objects.exists()


def test_video_end_completes_the_lesson(student_client, enrolled, course, lessons):
    response = student_client.post(
        progress_url(course, lessons["classes"]), {"position_seconds": 600, "completed": "1"}
    )
    assert (response.json()["position_seconds"], response.json()["completed"]) == (600, True)
    assert LessonProgress.objects.get(lesson=lessons["classes"]).completed_at is not None
    # A later position save never un-completes it.
    student_client.post(progress_url(course, lessons["classes"]), {"position_seconds": 3})
    assert LessonProgress.objects.get(lesson=lessons["classes"]).is_completed


def test_mark_as_complete_moves_on_to_the_next_lesson(student_client, enrolled, course, lessons):
    response = student_client.post(reverse("lessons:complete", args=[course.slug, "airspace-classes"]))
    assert response.status_code == 302
    assert response["Location"] == reverse("lessons:lesson", args=[course.slug, "reading-charts"])
    assert LessonProgress.objects.get(user=enrolled, lesson=lessons["classes"]).is_completed
    assert "“Airspace classes” marked as complete." in student_client.get(response["Location"]).content.decode()


def test_completed_lesson_shows_as_completed(student_client, enrolled, course, lessons):
    student_client.post(reverse("lessons:complete", args=[course.slug, "airspace-classes"]))
    page = student_client.get(reverse("lessons:lesson", args=[course.slug, "airspace-classes"])).content.decode()
    assert "Completed · go on" in page
    assert 'data-resume-at="0"' in page


def test_last_lesson_complete_returns_to_the_outline(student_client, enrolled, course, lessons):
    response = student_client.post(reverse("lessons:complete", args=[course.slug, "bonus-history"]))
    assert response["Location"] == reverse("lessons:outline", args=[course.slug])


def test_lesson_page_links_previous_and_next(student_client, enrolled, course, lessons):
    page = student_client.get(reverse("lessons:lesson", args=[course.slug, "airspace-classes"]))
    assert page.context["previous_lesson"] == lessons["preview"]
    assert page.context["next_lesson"] == lessons["charts"]
    html = page.content.decode()
    assert "Previous: Welcome" in html and "Next: Reading charts" in html


def test_outline_query_count_does_not_grow_with_lessons(
    student_client, enrolled, course, lessons, sections, django_assert_num_queries
):
    url = reverse("lessons:outline", args=[course.slug])
    # The session's user, and whether it is staff or an instructor (who would need a second factor
    # here), come from the cache (accounts/user_cache.py, filled at login).
    with django_assert_num_queries(8):
        student_client.get(url)
    for number in range(10):
        lesson = Lesson.objects.create(
            section=sections[1], title=f"Extra {number}", slug=f"extra-{number}", order=10 + number
        )
        LessonProgress.objects.create(user=enrolled, lesson=lesson, position_seconds=number)
    with django_assert_num_queries(8):
        assert "Extra 9" in student_client.get(url).content.decode()


@pytest.mark.parametrize("position", ["inf", "-inf", "Infinity", "nan", "1e309", "-1e309", "9" * 5000, "1" * 100_000])
def test_non_finite_or_absurd_positions_get_a_400_not_a_500(student_client, enrolled, course, lessons, position):
    classes = lessons["classes"]
    response = student_client.post(progress_url(course, classes), {"position_seconds": position})
    assert response.status_code == 400
    assert "finite number" in response.json()["error"]
    assert not LessonProgress.objects.filter(lesson=classes).exists()
