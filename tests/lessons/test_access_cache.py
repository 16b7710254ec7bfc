"""The access decision is cached under the student's and the course's version tokens
(lessons/services/access.py), and the lesson page's course panel under the student's progress
token (lessons/cache.py). Every change that matters takes effect on the very next request; run on
PostgreSQL + Redis these go through the real cache.
"""

import pytest
from django.core.cache import cache
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core.cache_versions import tokens
from courses.cache import course_version_key
from courses.models import Instructor
from enrollments import services as enrollment_services
from enrollments.models import Enrollment
from enrollments.student_cache import student_version_key
from lessons import services
from lessons.cache import progress_cache_version
from lessons.models import LessonProgress

pytestmark = pytest.mark.django_db


def outline_url(course):
    return reverse("lessons:outline", args=[course.slug])


def lesson_url(course, slug="airspace-classes"):
    return reverse("lessons:lesson", args=[course.slug, slug])


def enrollment_queries(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return [query["sql"] for query in queries if '"enrollments_enrollment"' in query["sql"]]


def test_the_decision_is_asked_once_then_read_from_the_cache(student_client, enrolled, course):
    assert enrollment_queries(student_client, lesson_url(course))  # first request: the database
    assert enrollment_queries(student_client, lesson_url(course)) == []
    assert enrollment_queries(student_client, outline_url(course)) == []  # the same decision


TAKE_AWAY = {
    "refund": lambda enrollment: enrollment_services.enrollment_refund(enrollment=enrollment),
    "revocation": lambda enrollment: enrollment_services.enrollment_revoke(enrollment=enrollment, reason="chargeback"),
    "dispute": lambda enrollment: enrollment_services.enrollment_suspend(enrollment=enrollment, reason="dp_1"),
}


@pytest.mark.parametrize("take_away", TAKE_AWAY.values(), ids=TAKE_AWAY.keys())
def test_losing_access_closes_every_page_on_the_next_request(student_client, enrolled, course, take_away):
    course_page = course.get_absolute_url()
    for url in (outline_url(course), lesson_url(course), course_page) * 2:  # fill every cache
        assert student_client.get(url).status_code == 200
    assert "Go to course" in student_client.get(course_page).content.decode()
    take_away(Enrollment.objects.get(user=enrolled, course=course))
    assert student_client.get(outline_url(course)).status_code == 403
    assert student_client.get(lesson_url(course)).status_code == 403
    progress = student_client.post(
        reverse("lessons:progress", args=[course.slug, "airspace-classes"]), {"position_seconds": 5}
    )
    assert progress.status_code == 403
    assert "Go to course" not in student_client.get(course_page).content.decode()


def test_a_dispute_won_and_a_re_enrollment_open_the_course_on_the_next_request(student_client, enrolled, course):
    enrollment = Enrollment.objects.get(user=enrolled, course=course)
    enrollment_services.enrollment_suspend(enrollment=enrollment, reason="dp_1")
    assert student_client.get(lesson_url(course)).status_code == 403  # "no" is cached now
    enrollment_services.enrollment_restore(enrollment=enrollment)
    assert student_client.get(lesson_url(course)).status_code == 200

    enrollment_services.enrollment_refund(enrollment=enrollment)
    assert student_client.get(outline_url(course)).status_code == 403
    enrollment_services.enrollment_activate(user=enrolled, course=course)  # bought again
    assert student_client.get(outline_url(course)).status_code == 200


def test_a_decision_read_during_the_refund_is_dropped_when_it_commits(
    student_client, enrolled, course, django_capture_on_commit_callbacks
):
    """A request that read the enrollment before the refund committed may store "yes" under the
    token the refund set first; the bump after commit makes the next request ask again."""
    assert student_client.get(lesson_url(course)).status_code == 200
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        enrollment_services.enrollment_refund(enrollment=Enrollment.objects.get(user=enrolled))
        # The concurrent reader: saw the row still active and stored its answer under today's tokens.
        student_token, course_token = tokens(student_version_key(enrolled.pk), course_version_key(course.pk))
        cache.set(f"lessons:unlocked:{enrolled.pk}:{course.pk}:{student_token}:{course_token}", True)
    assert student_client.get(lesson_url(course)).status_code == 403


def test_joining_the_course_staff_unlocks_it_at_once(course, lessons, outsider):
    assert services.course_unlocked_for(user=outsider, course=course) is False  # cached "no"
    course.instructors.add(Instructor.objects.create(user=outsider))
    assert services.course_unlocked_for(user=outsider, course=course) is True


def test_a_completion_ticks_the_course_panel_on_the_next_request(student_client, enrolled, course, lessons):
    url = lesson_url(course, "reading-charts")
    assert (
        'Airspace classes<span class="visually-hidden"> (completed)</span>'
        not in student_client.get(url).content.decode()
    )
    services.lesson_complete(user=enrolled, lesson=lessons["classes"])
    html = student_client.get(url).content.decode()
    assert 'Airspace classes<span class="visually-hidden"> (completed)</span>' in html


def test_a_saved_video_position_leaves_the_course_panel_cached(student_client, enrolled, course, lessons):
    services.lesson_progress_save(user=enrolled, lesson=lessons["classes"], position_seconds=10)  # the row exists
    before = progress_cache_version(enrolled.pk)
    services.lesson_progress_save(user=enrolled, lesson=lessons["classes"], position_seconds=40)
    assert progress_cache_version(enrolled.pk) == before
    services.lesson_progress_save(user=enrolled, lesson=lessons["classes"], position_seconds=590, completed=True)
    assert progress_cache_version(enrolled.pk) != before


def test_a_completion_removed_by_staff_unticks_the_panel(student_client, enrolled, course, lessons):
    services.lesson_complete(user=enrolled, lesson=lessons["classes"])
    url = lesson_url(course, "reading-charts")
    assert (
        'Airspace classes<span class="visually-hidden"> (completed)</span>' in student_client.get(url).content.decode()
    )
    progress = LessonProgress.objects.get(user=enrolled, lesson=lessons["classes"])
    progress.completed_at = None
    progress.save()  # the admin saves every field
    html = student_client.get(url).content.decode()
    assert 'Airspace classes<span class="visually-hidden"> (completed)</span>' not in html


def test_two_students_never_share_a_course_panel(enrolled, student_client, course, lessons, django_user_model):
    other = django_user_model.objects.create_user(
        email="other@example.com", password="x-unused-password-2", full_name="Olive Other"
    )
    Enrollment.objects.create(user=other, course=course, status=Enrollment.Status.ACTIVE)
    services.lesson_complete(user=enrolled, lesson=lessons["classes"])
    url = lesson_url(course, "reading-charts")
    assert (
        'Airspace classes<span class="visually-hidden"> (completed)</span>' in student_client.get(url).content.decode()
    )
    client = Client()
    client.force_login(other)
    assert 'Airspace classes<span class="visually-hidden"> (completed)</span>' not in client.get(url).content.decode()


def test_a_saved_position_is_where_the_next_page_view_resumes(student_client, enrolled, course, lessons):
    assert "Resuming at" not in student_client.get(lesson_url(course)).content.decode()
    services.lesson_progress_save(user=enrolled, lesson=lessons["classes"], position_seconds=40)
    assert "Resuming at 40 seconds" in student_client.get(lesson_url(course)).content.decode()
    services.lesson_progress_save(user=enrolled, lesson=lessons["classes"], position_seconds=120)
    assert "Resuming at 120 seconds" in student_client.get(lesson_url(course)).content.decode()


# -- the course outline and the logged-in course page, stored per student -----------------------


def test_the_outline_and_course_page_ask_no_query_once_stored(
    student_client, enrolled, course, lessons, django_assert_num_queries
):
    for url in (outline_url(course), course.get_absolute_url()):
        student_client.get(url)  # renders and stores this student's parts
        # The course row (courses/rows.py), the access decision, the outline, the Enroll box, the
        # schedule and the course body come from the cache (and the session and the user,
        # accounts/user_cache.py).
        with django_assert_num_queries(0):
            assert student_client.get(url).status_code == 200


def test_two_students_never_share_an_outline_or_an_enroll_box(
    enrolled, student_client, course, lessons, django_user_model
):
    other = django_user_model.objects.create_user(
        email="other@example.com", password="x-unused-password-2", full_name="Olive Other"
    )
    Enrollment.objects.create(user=other, course=course, status=Enrollment.Status.ACTIVE)
    services.lesson_complete(user=enrolled, lesson=lessons["classes"])
    other_client = Client()
    other_client.force_login(other)
    outline, page = outline_url(course), course.get_absolute_url()
    for _ in range(2):  # the second round is served from what the first stored
        assert "1 of 3 required lessons complete" in student_client.get(outline).content.decode()
        assert "0 of 3 required lessons complete" in other_client.get(outline).content.decode()
    enrollment_services.enrollment_suspend(enrollment=Enrollment.objects.get(user=other), reason="dp_1")
    for _ in range(2):
        assert "Go to course" in student_client.get(page).content.decode()
        other_page = other_client.get(page).content.decode()
        assert "Go to course" not in other_page and "Access is paused" in other_page


def test_progress_shows_in_the_outline_on_the_next_request(student_client, enrolled, course, lessons):
    assert "0 of 3 required lessons complete" in student_client.get(outline_url(course)).content.decode()
    services.lesson_progress_save(user=enrolled, lesson=lessons["classes"], position_seconds=590, completed=True)
    assert "1 of 3 required lessons complete" in student_client.get(outline_url(course)).content.decode()


def test_a_course_edit_shows_in_the_stored_outline_and_course_page(student_client, enrolled, course, lessons):
    for url in (outline_url(course), course.get_absolute_url()):
        student_client.get(url)
    lessons["charts"].title = "Reading sectional charts"
    lessons["charts"].save()
    assert "Reading sectional charts" in student_client.get(outline_url(course)).content.decode()
    course.price = 349
    course.save()
    assert "$349" in student_client.get(course.get_absolute_url()).content.decode()


def test_a_practice_exam_edit_shows_in_the_stored_outline(student_client, enrolled, course, lessons):
    from lessons.models import PracticeExam

    exam = PracticeExam.objects.create(course=course, title="Mock knowledge test", question_count=40)
    assert "40 questions" in student_client.get(outline_url(course)).content.decode()
    exam.question_count = 60
    exam.save()
    assert "60 questions" in student_client.get(outline_url(course)).content.decode()


# -- the rows looked up by slug (courses/rows.py, lessons/cache.py) --------------------------------


def test_a_lesson_edit_shows_on_the_next_lesson_page(student_client, enrolled, course, lessons):
    url = lesson_url(course)
    assert "<h1>Airspace classes</h1>" in student_client.get(url).content.decode()  # the row is stored
    lessons["classes"].title = "Airspace classes, B to G"
    lessons["classes"].save()
    assert "<h1>Airspace classes, B to G</h1>" in student_client.get(url).content.decode()


def test_a_lesson_written_with_update_drops_its_stored_row(course, lessons):
    from lessons.cache import lesson_by_slugs

    assert lesson_by_slugs(course.slug, "airspace-classes").video_state != "failed"  # stored now
    lessons["classes"].video_state_set("failed", "ffmpeg said no")
    assert lesson_by_slugs(course.slug, "airspace-classes").video_state == "failed"


def test_unpublishing_hides_the_course_page_on_the_next_request(client, course, lessons, outsider):
    client.force_login(outsider)
    assert client.get(course.get_absolute_url()).status_code == 200  # the row is stored
    course.status = course.Status.DRAFT
    course.save()
    assert client.get(course.get_absolute_url()).status_code == 404
