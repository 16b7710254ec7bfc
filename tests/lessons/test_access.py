"""Who may see what: only an enrollment granting access unlocks lessons, materials and signed URLs;
preview lessons play for everyone; wrong slugs are 404s."""

import pytest
from django.urls import reverse

from courses.models import Category, Course, Section
from enrollments.models import Enrollment
from enrollments.student_cache import student_cache_bump
from lessons.models import Lesson
from tests.conftest import mfa_enable
from tests.lessons.conftest import VIDEO_BYTES, video_src

pytestmark = pytest.mark.django_db

DENIED_STATUSES = [Enrollment.Status.PENDING, Enrollment.Status.REFUNDED, Enrollment.Status.REVOKED]


def lesson_url(lesson):
    return reverse("lessons:lesson", args=[lesson.section.course.slug, lesson.slug])


def material_url(lesson):
    material = lesson.materials.get()
    return reverse("lessons:material", args=[lesson.section.course.slug, lesson.slug, material.pk])


def assert_denied(client, course, lessons):
    classes = lessons["classes"]
    page = client.get(lesson_url(classes))
    assert page.status_code == 403
    html = page.content.decode()
    assert "Enroll to unlock this course" in html
    assert course.get_absolute_url() in html
    assert "/private-media/" not in html  # no signed URL for the video
    assert "Sectional legend" not in html  # no material listed
    assert "Solid blue lines" not in html  # no lesson body
    assert client.get(material_url(classes)).status_code == 403
    outline = client.get(reverse("lessons:outline", args=[course.slug]))
    assert outline.status_code == 403
    assert "Airspace classes" not in outline.content.decode()
    progress = client.post(reverse("lessons:progress", args=[course.slug, classes.slug]), {"position_seconds": 30})
    assert progress.status_code == 403
    assert not classes.progress.exists()
    complete = client.post(reverse("lessons:complete", args=[course.slug, classes.slug]))
    assert complete.status_code == 403


def test_anonymous_gets_no_lesson_material_or_signed_url(client, course, lessons):
    assert_denied(client, course, lessons)
    assert "Log in" in client.get(lesson_url(lessons["classes"])).content.decode()


def test_not_enrolled_user_is_denied(client, outsider, course, lessons):
    client.force_login(outsider)
    assert_denied(client, course, lessons)


@pytest.mark.parametrize("status", DENIED_STATUSES)
def test_enrollment_not_granting_access_is_denied(client, student, enroll, course, lessons, status):
    enroll(student, status=status)
    client.force_login(student)
    assert_denied(client, course, lessons)


def test_access_goes_through_granting_access(client, student, enroll, course, lessons, monkeypatch):
    """A suspension (e.g. the payments helper's dispute flag) narrows granting_access(); the player obeys it."""
    enroll(student)
    client.force_login(student)
    assert client.get(lesson_url(lessons["classes"])).status_code == 200
    monkeypatch.setattr(type(Enrollment.objects.all()), "granting_access", lambda self: self.none())
    student_cache_bump(student.pk)  # as every enrollment write does: the cached decision is asked again
    assert_denied(client, course, lessons)


@pytest.mark.parametrize("status", [Enrollment.Status.ACTIVE, Enrollment.Status.COMPLETED])
def test_granting_enrollment_unlocks_lesson_and_material(client, student, enroll, course, lessons, status):
    enroll(student, status=status)
    client.force_login(student)
    classes = lessons["classes"]
    page = client.get(lesson_url(classes))
    assert page.status_code == 200
    html = page.content.decode()
    assert "<h2>Class B</h2>" in html
    assert 'id="lesson-video"' in html
    assert "Mark as complete" in html
    assert "Sectional legend" in html
    video = video_src(page)
    assert video.startswith("/private-media/")
    streamed = client.get(video)
    assert streamed.status_code == 200
    assert b"".join(streamed.streaming_content) == VIDEO_BYTES
    download = client.get(material_url(classes))
    assert download.status_code == 302
    file_response = client.get(download["Location"])
    assert file_response.status_code == 200
    assert b"".join(file_response.streaming_content) == b"%PDF-1.4 legend"
    assert "attachment" in file_response["Content-Disposition"]


def test_preview_lesson_plays_for_anonymous_visitors(client, course, lessons):
    page = client.get(lesson_url(lessons["preview"]))
    assert page.status_code == 200
    html = page.content.decode()
    assert "Free preview" in html
    assert "Hello <strong>pilots</strong>." in html
    assert video_src(page).startswith("/private-media/")
    assert b"".join(client.get(video_src(page)).streaming_content) == VIDEO_BYTES
    assert "Mark as complete" not in html  # nothing to save for a visitor


def test_preview_lesson_plays_for_a_refunded_student(client, student, enroll, course, lessons):
    enroll(student, status=Enrollment.Status.REFUNDED)
    client.force_login(student)
    assert client.get(lesson_url(lessons["preview"])).status_code == 200


def test_wrong_slugs_are_404(student_client, enrolled, course, lessons):
    assert student_client.get(reverse("lessons:outline", args=["no-such-course"])).status_code == 404
    assert student_client.get(reverse("lessons:lesson", args=[course.slug, "no-such-lesson"])).status_code == 404


def test_lesson_of_another_course_is_404_through_this_course(student_client, enrolled, course, lessons):
    other = Course.objects.create(
        slug="mapping",
        title="Mapping",
        summary="Maps.",
        category=Category.objects.create(name="Maps", slug="maps"),
        status=Course.Status.PUBLISHED,
    )
    section = Section.objects.create(course=other, title="One", order=1)
    foreign = Lesson.objects.create(section=section, title="Orthomosaics", slug="orthomosaics", order=1)
    assert student_client.get(reverse("lessons:lesson", args=[course.slug, foreign.slug])).status_code == 404
    # ...and through its own course the student, not enrolled there, is told how to enroll.
    assert student_client.get(reverse("lessons:lesson", args=[other.slug, foreign.slug])).status_code == 403


def test_draft_course_is_404_for_students(client, student, course, lessons):
    Course.objects.filter(pk=course.pk).update(status=Course.Status.DRAFT)
    client.force_login(student)
    assert client.get(lesson_url(lessons["classes"])).status_code == 404


def test_instructor_of_the_course_sees_lessons(client, instructor, course, lessons):
    client.force_login(instructor.user)
    # What the role unlocks needs the role's second factor (issue 18, item 4).
    assert client.get(lesson_url(lessons["classes"]))["Location"] == reverse("mfa_activate_totp")
    mfa_enable(instructor.user)
    assert client.get(lesson_url(lessons["classes"])).status_code == 200
