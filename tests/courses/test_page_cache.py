"""The whole-page cache for visitors (core/page_cache.py): served without a query, never to
or from anyone who might be logged in, never holding anything of one visitor, and invalidated by
every write that changes what the pages show."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django.utils.csp import LazyNonce

from core.page_cache import cache_page_for_visitors
from enrollments.models import Enrollment
from flights.models import FlightSession, SeatBooking

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = ("/", "/courses/", "/courses/?q=part+107", "/courses/?level=beginner&page=1")


@pytest.fixture
def course(make_course, ian):
    return make_course(
        title="Part 107 Prep",
        instructors=[ian],
        sections=1,
        lessons_per_section=2,
        price=Decimal("199"),
        is_featured=True,
    )


@pytest.fixture
def session(course):
    starts = timezone.now() + timedelta(days=7)
    return FlightSession.objects.create(
        course=course, starts_at=starts, ends_at=starts + timedelta(hours=3), location_name="Castle Island", capacity=4
    )


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_a_visitors_second_request_is_served_whole_without_a_query(
    client, course, session, path, django_assert_num_queries
):
    first = client.get(path)
    assert first.status_code == 200
    assert first["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        second = client.get(path)
    assert second["X-Page-Cache"] == "hit"
    assert second.content == first.content
    assert second["Content-Type"] == "text/html; charset=utf-8"
    assert "Cookie" in second["Vary"]
    # Security headers come from middleware, so a stored page gets them fresh.
    assert "default-src 'self'" in second["Content-Security-Policy"]
    assert not second.cookies


def test_course_page_is_cached_and_head_is_served_too(client, course, session, django_assert_num_queries):
    assert client.get(course.get_absolute_url())["X-Page-Cache"] == "miss"
    with django_assert_num_queries(0):
        assert client.head(course.get_absolute_url())["X-Page-Cache"] == "hit"
        page = client.get(course.get_absolute_url())
    assert "<h1>Part 107 Prep</h1>" in page.content.decode()
    assert "4 seats left" in page.content.decode()


def test_logged_in_students_never_get_or_leave_a_stored_page(client, course, student):
    client.get(course.get_absolute_url())  # stored for visitors
    client.force_login(student)
    page = client.get(course.get_absolute_url())
    assert "X-Page-Cache" not in page
    assert ">Log out</button>" in page.content.decode()
    assert 'name="csrfmiddlewaretoken"' in page.content.decode()  # the logout and Enroll forms
    client.logout()
    visitor_page = client.get(course.get_absolute_url())
    assert visitor_page["X-Page-Cache"] == "hit"
    assert "csrfmiddlewaretoken" not in visitor_page.content.decode()
    assert "Log out" not in visitor_page.content.decode()
    assert ">Log in</a>" in visitor_page.content.decode()


def test_a_pending_flash_message_bypasses_the_cache(client, course):
    client.get("/")
    client.cookies["messages"] = "anything"
    assert "X-Page-Cache" not in client.get("/")


def test_an_api_token_bypasses_the_cache(client, course):
    client.get("/")
    assert "X-Page-Cache" not in client.get("/", HTTP_AUTHORIZATION="Bearer x")


def test_unknown_query_parameters_are_never_stored(client, course):
    client.get("/courses/?utm_source=newsletter")
    response = client.get("/courses/?utm_source=newsletter")
    assert response.status_code == 200
    assert "X-Page-Cache" not in response


def test_missing_pages_are_not_stored_and_unpublishing_removes_a_stored_page(client, course):
    assert client.get("/courses/no-such-course/").status_code == 404
    assert client.get("/courses/no-such-course/").status_code == 404
    assert client.get(course.get_absolute_url())["X-Page-Cache"] == "miss"
    course.status = course.Status.DRAFT
    course.save()
    assert client.get(course.get_absolute_url()).status_code == 404
    assert "Part 107 Prep" not in client.get("/courses/").content.decode()


def test_course_edit_shows_at_once_on_every_public_page(client, course, session):
    for path in ("/", "/courses/", course.get_absolute_url()):
        client.get(path)
    course.title = "FAA Part 107 Exam Prep"
    course.save()
    for path in ("/", "/courses/", course.get_absolute_url()):
        page = client.get(path)
        assert page["X-Page-Cache"] == "miss", path
        assert "FAA Part 107 Exam Prep" in page.content.decode(), path


def test_a_booked_seat_shows_at_once_on_the_course_page(client, course, session, student):
    assert "4 seats left" in client.get(course.get_absolute_url()).content.decode()
    enrollment = Enrollment.objects.create(user=student, course=course, status=Enrollment.Status.ACTIVE)
    SeatBooking.objects.create(enrollment=enrollment, session=session, status=SeatBooking.Status.BOOKED)
    assert "3 seats left" in client.get(course.get_absolute_url()).content.decode()


def test_a_new_flight_session_shows_at_once_on_the_home_page(client, course):
    assert "No flight sessions on the calendar right now" in client.get("/").content.decode()
    starts = timezone.now() + timedelta(days=3)
    FlightSession.objects.create(
        course=course, starts_at=starts, ends_at=starts + timedelta(hours=2), location_name="Moakley Park"
    )
    assert "Moakley Park" in client.get("/").content.decode()


class TestWhatIsNeverStored:
    """Pages whose HTML holds something of one visitor are rendered for each of them."""

    def make_view(self, body):
        calls = []

        @cache_page_for_visitors(lambda: "v1")
        def view(request):
            calls.append(request)
            return body(request)

        return view, calls

    def get_twice(self, view):
        factory = RequestFactory()
        for _ in range(2):
            request = factory.get("/anything/")
            request._csp_nonce = LazyNonce()  # as ContentSecurityPolicyMiddleware sets it
            response = view(request)
        return response

    def test_a_page_with_a_csrf_token(self):
        view, calls = self.make_view(lambda request: HttpResponse(f"<input value='{get_token(request)}'>"))
        assert self.get_twice(view)["X-Page-Cache"] == "bypass"
        assert len(calls) == 2

    def test_a_page_with_a_csp_nonce(self):
        view, calls = self.make_view(lambda request: HttpResponse(f"<script nonce='{request._csp_nonce}'></script>"))
        assert self.get_twice(view)["X-Page-Cache"] == "bypass"
        assert len(calls) == 2

    def test_a_page_that_sets_a_cookie(self):
        def body(request):
            response = HttpResponse("hello")
            response.set_cookie("seen", "1")
            return response

        view, calls = self.make_view(body)
        assert self.get_twice(view)["X-Page-Cache"] == "bypass"
        assert len(calls) == 2

    def test_a_plain_page_is_stored_once(self):
        view, calls = self.make_view(lambda request: HttpResponse("hello"))
        response = self.get_twice(view)
        assert response["X-Page-Cache"] == "hit"
        assert response.content == b"hello"
        assert len(calls) == 1


def test_logged_in_home_reuses_the_stored_listings_and_sees_changes(client, course, session, student):
    client.force_login(student)
    assert "Part 107 Prep" in client.get("/").content.decode()
    with CaptureQueriesContext(connection) as repeat:
        page = client.get("/").content.decode()
    assert len(repeat) == 0  # the student's row is cached (accounts/user_cache.py), the listings stored
    assert "Castle Island" in page and ">Log out</button>" in page
    course.title = "FAA Part 107 Exam Prep"
    course.save()
    assert "FAA Part 107 Exam Prep" in client.get("/").content.decode()
