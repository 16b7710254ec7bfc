"""Whole signed-in pages stored per user (core/signed_in_pages.py): the dashboard, "My account",
the course page, the course outline and the lesson page. Once stored a page renders no template
and asks no query; it must still be the user's own page, carry the browser's own CSRF token and
freshly signed file URLs, show a flash message exactly once, and follow every change on the next
request. On PostgreSQL + Redis these go through the real cache.
"""

import re

import pytest
from django.contrib.messages import constants
from django.contrib.messages.storage.base import Message
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import signed_in_pages
from core.cache_versions import UNCACHED, bump, read_checked, store_checked
from core.signed_in_pages import CSRF_PLACEHOLDER
from courses.models import Course
from enrollments import services as enrollment_services
from enrollments.models import Enrollment
from tests.lessons.conftest import VIDEO_BYTES

pytestmark = pytest.mark.django_db

PAGES = {
    "dashboard": lambda course: reverse("dashboard"),
    "my account": lambda course: reverse("accounts:me"),
    "course page": lambda course: course.get_absolute_url(),
    "outline": lambda course: reverse("lessons:outline", args=[course.slug]),
    "lesson": lambda course: reverse("lessons:lesson", args=[course.slug, "airspace-classes"]),
}


def stored_get(client, url):
    """GET a page twice; the second response is the stored one: no template, no query."""
    assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    assert response.templates == [], f"{url} rendered {[t.name for t in response.templates]}"
    assert len(queries) == 0, [query["sql"] for query in queries]
    return response


def csrf_inputs(html: str) -> list[str]:
    return re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html)


@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_a_stored_page_renders_nothing_and_carries_no_placeholder(student_client, enrolled, course, page):
    html = stored_get(student_client, page(course)).content.decode()
    assert CSRF_PLACEHOLDER not in html
    assert "private-url-placeholder" not in html
    assert enrolled.email in html  # the header's account menu: the student's own page
    assert csrf_inputs(html)  # the header's log-out form at least


@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_two_students_never_see_each_others_page(client, student, outsider, enroll, lessons, course, page):
    enroll(student)
    enroll(outsider)
    other = Client()
    client.force_login(student)
    other.force_login(outsider)
    mine = stored_get(client, page(course)).content.decode()
    theirs = stored_get(other, page(course)).content.decode()
    assert student.email in mine and outsider.email not in mine
    assert outsider.email in theirs and student.email not in theirs


def test_each_browser_gets_its_own_csrf_token_in_the_stored_page(student, enrolled, course):
    """Two browsers of one student: the stored page carries each one's token, and each can log out."""
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for browser in (first, second):
        browser.force_login(student)
    url = reverse("dashboard")
    stored_get(first, url)
    html = stored_get(second, url).content.decode()  # served from the copy the first browser stored
    token = csrf_inputs(html)[0]
    assert second.post(reverse("account_logout"), {"csrfmiddlewaretoken": token}).status_code == 302
    assert second.get(url).status_code == 302  # logged out: to the login page
    assert first.get(url).status_code == 200


def test_a_flash_message_is_shown_once_and_never_stored(student_client, enrolled):
    url = reverse("accounts:me")
    stored_get(student_client, url)
    response = student_client.post(url, {"full_name": "Sam Renamed Student"}, follow=True)
    assert "Your details are saved." in response.content.decode()
    again = student_client.get(url).content.decode()
    assert "Your details are saved." not in again
    assert "Sam Renamed Student" in again  # the user's save changed the account version


@pytest.mark.parametrize("page", PAGES.values(), ids=PAGES.keys())
def test_a_waiting_message_is_shown_on_a_stored_page_once(rf, student_client, enrolled, course, page):
    url = page(course)
    stored_get(student_client, url)
    # A message waiting in its cookie, as a redirect after a form leaves it.
    cookie = CookieStorage(rf.get("/"))._encode([Message(constants.INFO, "A note for the next page")])
    student_client.cookies[CookieStorage.cookie_name] = cookie
    shown = student_client.get(url)
    assert "A note for the next page" in shown.content.decode()
    assert shown.templates, "a page with a message waiting is rendered, not served from the copy"
    after = stored_get(student_client, url).content.decode()
    assert "A note for the next page" not in after


def test_a_changed_name_reaches_the_stored_header_on_the_next_request(student_client, enrolled, course):
    for page in PAGES.values():
        stored_get(student_client, page(course))
    enrolled.full_name = "Samantha Student"
    enrolled.save()
    for page in PAGES.values():
        assert "Samantha" in student_client.get(page(course)).content.decode()


def test_a_refund_closes_the_stored_lesson_and_outline_on_the_next_request(student_client, enrolled, course):
    for name in ("outline", "lesson"):
        stored_get(student_client, PAGES[name](course))
    enrollment_services.enrollment_refund(enrollment=Enrollment.objects.get(user=enrolled, course=course))
    assert student_client.get(PAGES["outline"](course)).status_code == 403
    assert student_client.get(PAGES["lesson"](course)).status_code == 403
    assert "Go to course" not in student_client.get(PAGES["course page"](course)).content.decode()


def test_a_query_string_renders_afresh_and_is_not_stored(student_client, enrolled):
    url = reverse("dashboard")
    for _ in range(2):
        assert student_client.get(url, {"utm_source": "x"}).templates  # rendered each time
    assert student_client.get(url).templates  # the first plain request renders and stores
    assert student_client.get(url).templates == []


def test_the_stored_lesson_signs_its_video_and_captions_per_response(student_client, enrolled, course):
    url = PAGES["lesson"](course)
    html = stored_get(student_client, url).content.decode()
    video = re.search(r'<video[^>]* src="([^"]+)"', html).group(1).replace("&amp;", "&")
    response = student_client.get(video)
    assert response.status_code == 200  # a working signed URL, not a placeholder
    assert b"".join(response.streaming_content) == VIDEO_BYTES
    response.close()


def test_a_url_that_cannot_be_signed_renders_the_page_saying_so(student_client, enrolled, course, monkeypatch):
    url = PAGES["lesson"](course)
    stored_get(student_client, url)

    def refuse(name, **kwargs):
        raise OSError("storage unreachable")

    monkeypatch.setattr(signed_in_pages, "private_url", refuse)
    response = student_client.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "private-url-placeholder" not in html
    assert "<video" not in html


def test_read_checked_hides_an_entry_once_a_token_is_bumped():
    read, value = read_checked("test:entry", "test:token-a", "test:token-b")
    assert value is None and UNCACHED not in read
    store_checked("test:entry", read, {"html": "stored"})
    assert read_checked("test:entry", "test:token-a", "test:token-b") == (read, {"html": "stored"})
    bump("test:token-b")
    again, value = read_checked("test:entry", "test:token-a", "test:token-b")
    assert value is None and again != read
    store_checked("test:entry", (UNCACHED,), "never")  # tokens read while the cache was away
    assert read_checked("test:entry", "test:token-a", "test:token-b")[1] is None


def test_course_and_lesson_edits_reach_the_stored_pages_on_the_next_request(student_client, enrolled, course, lessons):
    """The pages are named by slug and checked against the public pages' token, which every course
    bump moves (courses.cache.cache_bump): no read of the course or lesson row when stored."""
    for name in ("course page", "outline", "lesson"):
        stored_get(student_client, PAGES[name](course))
    lesson = lessons["classes"]
    lesson.title = "Airspace classes, revised"
    lesson.save()
    course.title = "Part 107 Prep, 2027 edition"
    course.save()
    for name in ("course page", "outline", "lesson"):
        assert "2027 edition" in student_client.get(PAGES[name](course)).content.decode()
    assert "Airspace classes, revised" in student_client.get(PAGES["lesson"](course)).content.decode()
    assert "Airspace classes, revised" in student_client.get(PAGES["outline"](course)).content.decode()


def test_a_course_taken_down_is_gone_from_a_visitors_stored_page_on_the_next_request(client, outsider, course, lessons):
    """A signed-in student who has not enrolled: the course page, stored for them, answers 404
    once the course is back in draft."""
    client.force_login(outsider)
    stored_get(client, course.get_absolute_url())
    course.status = Course.Status.DRAFT
    course.save()
    assert client.get(course.get_absolute_url()).status_code == 404
