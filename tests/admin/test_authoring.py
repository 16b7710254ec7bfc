"""Authoring in admin (issue 21): a video's processing state with its real error and a retry button,
the Markdown preview, "preview as student", bulk publish, each attacked as another instructor, a
student, anonymous, staff without MFA, the wrong method and oversized input."""

import json
import re
import shutil

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.files.base import ContentFile
from django.urls import reverse

from courses.models import Course, Instructor, Section
from lessons import services
from lessons.models import Lesson, VideoState
from tests.conftest import mfa_enable

pytestmark = pytest.mark.django_db

NOT_A_VIDEO = b"this is a text file renamed to .mp4\n" * 20


@pytest.fixture
def admin_login(client):
    def login(user):
        client.force_login(user)  # the personas here already have MFA set up
        return client

    return login


@pytest.fixture
def lesson(own_course):
    section = Section.objects.create(course=own_course, title="Airspace", order=1)
    lesson = Lesson.objects.create(section=section, title="Airspace classes", slug="airspace-classes", order=1)
    lesson.video.save("airspace.mp4", ContentFile(NOT_A_VIDEO))
    return lesson


@pytest.fixture
def other_instructor(django_user_model, make_course):
    user = django_user_model.objects.create_user(
        email="otto.other@example.com", password=None, full_name="Otto Other", is_staff=True
    )
    user.groups.add(Group.objects.get_or_create(name="Instructors")[0])
    mfa_enable(user)
    Instructor.objects.create(user=user)
    make_course("Otto's course").instructors.add(user.instructor)
    return user


@pytest.fixture
def staff_without_mfa(django_user_model):
    return django_user_model.objects.create_user(
        email="nina.nomfa@example.com", password=None, full_name="Nina NoMFA", is_staff=True, is_superuser=True
    )


def _status_url(lesson):
    return reverse("admin:lessons_lesson_video_status", args=[lesson.pk])


def _retry_url(lesson):
    return reverse("admin:lessons_lesson_video_retry", args=[lesson.pk])


# -- 1. processing state, the real error, retry ---------------------------------------------------

needs_ffprobe = pytest.mark.skipif(not shutil.which("ffprobe"), reason="ffprobe not installed")


@needs_ffprobe
def test_a_file_ffprobe_refuses_fails_with_a_readable_error(lesson, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        services.lesson_video_process_later(lesson.pk)
    lesson.refresh_from_db()
    assert lesson.video_state == VideoState.PROCESSING

    assert services.lesson_video_process(lesson_id=lesson.pk) is False
    lesson.refresh_from_db()
    assert lesson.video_state == VideoState.FAILED
    assert lesson.video_error.startswith("The file is not a video we can read (ffprobe:")
    assert "moov atom not found; airspace.mp4: Invalid data found when processing input" in lesson.video_error
    assert " @ 0x" not in lesson.video_error
    assert "bds-video-" not in lesson.video_error and "Traceback" not in lesson.video_error
    assert lesson.video_state_changed_at is not None


def test_missing_tools_fail_with_a_message_not_a_spinner(lesson, monkeypatch):
    monkeypatch.setattr(services.video.shutil, "which", lambda name: None)
    assert services.lesson_video_process(lesson_id=lesson.pk) is False
    lesson.refresh_from_db()
    assert lesson.video_state == VideoState.FAILED and "not installed" in lesson.video_error


def _failed(lesson):
    lesson.video_state_set(VideoState.FAILED, "The file is not a video we can read (ffprobe: moov atom not found).")
    return lesson


def test_the_error_and_retry_button_show_on_the_lesson_page_and_in_the_list(admin_login, instructor_user, lesson):
    _failed(lesson)
    client = admin_login(instructor_user)
    page = client.get(reverse("admin:lessons_lesson_change", args=[lesson.pk])).content.decode()
    assert "moov atom not found" in page
    assert 'form="lesson-video-retry"' in page and "Retry processing" in page
    assert f'<form id="lesson-video-retry" method="post" action="{_retry_url(lesson)}" hidden>' in page
    assert "js/video_state.js" in page

    listing = client.get(reverse("admin:lessons_lesson_changelist")).content.decode()
    assert "moov atom not found" in listing and "Processing failed" in listing
    assert f'formaction="{_retry_url(lesson)}?from=list"' in listing


def test_the_status_endpoint_reports_the_state(admin_login, instructor_user, lesson):
    _failed(lesson)
    response = admin_login(instructor_user).get(_status_url(lesson))
    assert response.status_code == 200
    assert response.json() == {
        "state": "failed",
        "label": "Processing failed",
        "error": "The file is not a video we can read (ffprobe: moov atom not found).",
    }


def test_retry_requeues_processing_and_is_audited(admin_login, instructor_user, lesson, monkeypatch):
    _failed(lesson)
    queued = []
    monkeypatch.setattr(services.video, "lesson_video_process_later", lambda lesson_id: queued.append(lesson_id))
    response = admin_login(instructor_user).post(_retry_url(lesson))
    assert response.status_code == 302 and response.url == reverse("admin:lessons_lesson_change", args=[lesson.pk])
    assert queued == [lesson.pk]
    entry = LogEntry.objects.get(object_id=str(lesson.pk))
    assert json.loads(entry.change_message)[0]["action"] == "video_retry"


def test_retry_from_the_widget_answers_json_and_runs_again(
    admin_login, instructor_user, lesson, monkeypatch, django_capture_on_commit_callbacks
):
    _failed(lesson)
    monkeypatch.setattr(services.video.shutil, "which", lambda name: None)  # fails again, differently
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_login(instructor_user).post(_retry_url(lesson), headers={"accept": "application/json"})
    assert response.status_code == 200
    assert response.json() == {"state": "processing", "label": "Processing", "error": ""}
    lesson.refresh_from_db()
    assert lesson.video_state == VideoState.FAILED and "not installed" in lesson.video_error


def test_retry_without_a_video_is_refused(admin_login, instructor_user, lesson):
    Lesson.objects.filter(pk=lesson.pk).update(video="")
    response = admin_login(instructor_user).post(_retry_url(lesson), headers={"accept": "application/json"})
    assert response.status_code == 400


def test_retry_is_post_only_and_needs_csrf(instructor_user, lesson, client):
    client.force_login(instructor_user)
    assert client.get(_retry_url(lesson)).status_code == 405
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(instructor_user)
    assert strict.post(_retry_url(lesson)).status_code == 403
    lesson.refresh_from_db()
    assert lesson.video_state == VideoState.NONE


def test_status_is_get_only(admin_login, instructor_user, lesson):
    assert admin_login(instructor_user).post(_status_url(lesson)).status_code == 405


@pytest.mark.parametrize("endpoint", [_status_url, _retry_url])
def test_another_instructor_gets_404(admin_login, other_instructor, lesson, endpoint):
    client = admin_login(other_instructor)
    response = client.post(endpoint(lesson)) if endpoint is _retry_url else client.get(endpoint(lesson))
    assert response.status_code == 404
    lesson.refresh_from_db()
    assert lesson.video_state == VideoState.NONE


@pytest.mark.parametrize("endpoint", [_status_url, _retry_url])
def test_students_and_anonymous_are_sent_to_log_in(client, student, lesson, endpoint):
    for who in (None, student):
        if who:
            client.force_login(who)
        response = client.post(endpoint(lesson)) if endpoint is _retry_url else client.get(endpoint(lesson))
        assert response.status_code == 302 and "login" in response.url
    lesson.refresh_from_db()
    assert lesson.video_state == VideoState.NONE


@pytest.mark.parametrize("endpoint", [_status_url, _retry_url])
def test_staff_without_mfa_are_sent_to_set_it_up(client, staff_without_mfa, lesson, endpoint):
    client.force_login(staff_without_mfa)
    response = client.post(endpoint(lesson)) if endpoint is _retry_url else client.get(endpoint(lesson))
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")
    lesson.refresh_from_db()
    assert lesson.video_state == VideoState.NONE


def test_bulk_retry_action_touches_only_lessons_with_a_video(staff_client, lesson, monkeypatch):
    other = Lesson.objects.create(section=lesson.section, title="No video", slug="no-video", order=2)
    queued = []
    monkeypatch.setattr(services.video, "lesson_video_process_later", lambda lesson_id: queued.append(lesson_id))
    staff_client.post(
        reverse("admin:lessons_lesson_changelist"),
        {"action": "retry_video_processing", "_selected_action": [lesson.pk, other.pk]},
    )
    assert queued == [lesson.pk]


# -- 2. Markdown with a server-rendered preview ----------------------------------------------------

PREVIEW_URL = "/admin/markdown-preview/"


def test_the_preview_is_rendered_and_sanitised_by_the_server(admin_login, instructor_user):
    text = "## Airspace\n\n**Class B** <script>alert(1)</script> [x](javascript:alert(1)) <img src=x onerror=alert(1)>"
    response = admin_login(instructor_user).post(PREVIEW_URL, {"text": text})
    assert response.status_code == 200
    html = response.json()["html"]
    assert "<h2>Airspace</h2>" in html and "<strong>Class B</strong>" in html
    assert "<script" not in html and "javascript:" not in html and "onerror" not in html
    assert reverse("admin_markdown_preview") == PREVIEW_URL


def test_the_course_and_lesson_forms_use_the_markdown_editor(admin_login, instructor_user, lesson, own_course):
    client = admin_login(instructor_user)
    for url in (
        reverse("admin:courses_course_change", args=[own_course.pk]),
        reverse("admin:lessons_lesson_change", args=[lesson.pk]),
    ):
        page = client.get(url).content.decode()
        assert f'data-preview-url="{PREVIEW_URL}"' in page and "js/markdown_editor.js" in page
        assert 'role="tab"' in page and ">Preview</button>" in page


def test_preview_is_post_only(admin_login, instructor_user):
    assert admin_login(instructor_user).get(PREVIEW_URL, {"text": "hi"}).status_code == 405


def test_preview_needs_csrf(instructor_user):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    strict.force_login(instructor_user)
    assert strict.post(PREVIEW_URL, {"text": "hi"}).status_code == 403


def test_preview_refuses_huge_input(admin_login, instructor_user):
    response = admin_login(instructor_user).post(PREVIEW_URL, {"text": "a" * 150_000})
    assert response.status_code == 413 and "too long" in response.json()["error"]


def test_preview_is_for_staff_and_instructors_only(client, student, staff_without_mfa):
    assert client.post(PREVIEW_URL, {"text": "hi"}).status_code == 302  # anonymous: to the login page
    client.force_login(student)
    response = client.post(PREVIEW_URL, {"text": "hi"})
    assert response.status_code == 302 and "login" in response.url
    client.force_login(staff_without_mfa)
    response = client.post(PREVIEW_URL, {"text": "hi"})
    assert response.status_code == 302 and response.url == reverse("mfa_activate_totp")


# -- 3. preview as student -------------------------------------------------------------------------

BANNER = "Preview: this is what students see."


def test_course_and_lesson_pages_link_to_a_student_preview(admin_login, instructor_user, own_course, lesson):
    client = admin_login(instructor_user)
    course_page = client.get(reverse("admin:courses_course_change", args=[own_course.pk])).content.decode()
    course_preview = f"{own_course.get_absolute_url()}?preview=student"
    link = rf'<a href="{re.escape(course_preview)}"[^>]*target="_blank"[^>]*>\s*<span[^>]*>\s*visibility'
    assert re.search(link, course_page)
    assert "Preview as student" in course_page
    lesson_page = client.get(reverse("admin:lessons_lesson_change", args=[lesson.pk])).content.decode()
    lesson_preview = f"/learn/{own_course.slug}/{lesson.slug}/?preview=student"
    assert f'href="{lesson_preview}"' in lesson_page and "Preview as student" in lesson_page

    assert BANNER in client.get(course_preview).content.decode()
    response = client.get(lesson_preview)
    assert response.status_code == 200 and BANNER in response.content.decode()


def test_a_draft_course_previews_for_its_instructor(admin_login, instructor_user, own_course):
    own_course.status = Course.Status.DRAFT
    own_course.save()
    response = admin_login(instructor_user).get(f"{own_course.get_absolute_url()}?preview=student")
    assert response.status_code == 200 and BANNER in response.content.decode()


def test_the_banner_is_only_for_people_who_may_preview(client, student, other_instructor, own_course, lesson):
    url = f"{own_course.get_absolute_url()}?preview=student"
    assert BANNER not in client.get(url).content.decode()  # anonymous
    for who in (student, other_instructor):
        client.force_login(who)
        assert BANNER not in client.get(url).content.decode()
        # The lesson itself stays locked to them: the existing access rules, unchanged.
        assert client.get(f"/learn/{own_course.slug}/{lesson.slug}/?preview=student").status_code == 403


def test_without_the_parameter_no_banner(admin_login, instructor_user, own_course):
    assert BANNER not in admin_login(instructor_user).get(own_course.get_absolute_url()).content.decode()


# -- 4. bulk publish / unpublish -------------------------------------------------------------------

COURSES_URL = "/admin/courses/course/"


def _draft(course):
    course.status = Course.Status.DRAFT
    course.save()
    return course


def test_an_instructor_publishes_only_their_own_courses_audited_and_public_at_once(
    admin_login, instructor_user, own_course, make_course, django_capture_on_commit_callbacks
):
    _draft(own_course)
    foreign = _draft(make_course("Someone else's draft"))
    client = admin_login(instructor_user)
    client.logout()
    assert client.get(own_course.get_absolute_url()).status_code == 404  # a draft: not public (and now cached)
    assert own_course.title not in client.get("/courses/").content.decode()
    client = admin_login(instructor_user)

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            COURSES_URL, {"action": "publish_courses", "_selected_action": [own_course.pk, foreign.pk]}
        )
    assert response.status_code == 302
    own_course.refresh_from_db()
    foreign.refresh_from_db()
    assert own_course.status == Course.Status.PUBLISHED and own_course.published_at is not None
    assert foreign.status == Course.Status.DRAFT  # outside their scope: untouched
    entry = LogEntry.objects.get(object_id=str(own_course.pk), content_type__model="course")
    details = json.loads(entry.change_message)[0]
    assert details["action"] == "publish" and details["before"]["status"] == "draft"
    assert not LogEntry.objects.filter(object_id=str(foreign.pk), content_type__model="course").exists()

    client.logout()  # the public pages show it on the next request
    assert client.get(own_course.get_absolute_url()).status_code == 200
    assert own_course.title in client.get("/courses/").content.decode()


def test_unpublish_takes_a_course_off_the_public_site(
    staff_client, own_course, client, django_capture_on_commit_callbacks
):
    assert staff_client.get(own_course.get_absolute_url()).status_code == 200
    with django_capture_on_commit_callbacks(execute=True):
        staff_client.post(COURSES_URL, {"action": "unpublish_courses", "_selected_action": [own_course.pk]})
    own_course.refresh_from_db()
    assert own_course.status == Course.Status.DRAFT
    staff_client.logout()
    assert staff_client.get(own_course.get_absolute_url()).status_code == 404


def test_students_and_staff_without_mfa_cannot_publish(client, student, staff_without_mfa, own_course):
    _draft(own_course)
    for who in (None, student, staff_without_mfa):
        if who:
            client.force_login(who)
        response = client.post(COURSES_URL, {"action": "publish_courses", "_selected_action": [own_course.pk]})
        assert response.status_code == 302
    own_course.refresh_from_db()
    assert own_course.status == Course.Status.DRAFT


def test_the_lesson_list_with_video_states_does_not_grow_queries_with_rows(
    admin_login, instructor_user, lesson, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = admin_login(instructor_user)
    url = reverse("admin:lessons_lesson_changelist")
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    for order in range(2, 8):
        extra = Lesson.objects.create(section=lesson.section, title=f"Lesson {order}", slug=f"l-{order}", order=order)
        _failed(extra) if order % 2 else extra.video.save(f"l{order}.mp4", ContentFile(NOT_A_VIDEO))
    with django_assert_num_queries(len(few.captured_queries)):
        page = client.get(url)
    assert page.content.decode().count("data-video-state ") == 7


def test_preview_refuses_a_body_beyond_the_limit_before_rendering(admin_login, instructor_user, monkeypatch):
    from backoffice import markdown_preview

    rendered = []
    monkeypatch.setattr(markdown_preview, "render_markdown", lambda text: rendered.append(text) or "")
    response = admin_login(instructor_user).post(PREVIEW_URL, {"text": "# big\n" * 600_000})  # ~3.6 MB
    assert response.status_code in (400, 413)  # Django's own body limit or ours: never rendered
    assert rendered == []


def test_the_status_endpoint_and_preview_use_few_queries(
    admin_login, instructor_user, lesson, django_assert_max_num_queries
):
    client = admin_login(instructor_user)
    client.get(_status_url(lesson))  # warm the session and permission caches like a polling page
    # session + user, the MFA check, the scoped lesson lookup and its permission checks; a fixed number
    with django_assert_max_num_queries(7):
        assert client.get(_status_url(lesson)).status_code == 200
    with django_assert_max_num_queries(2):
        assert client.post(PREVIEW_URL, {"text": "**hi**"}).status_code == 200
