import pytest

from enrollments.models import Enrollment

pytestmark = pytest.mark.django_db


def test_courses_list_is_public_paginated_and_filtered(client, published_course):
    response = client.get("/api/v1/courses", {"price": "paid"})
    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert body["items"][0]["slug"] == "part-107-ground-school"
    assert body["items"][0]["price"] == "149.00"
    assert client.get("/api/v1/courses", {"price": "free"}).json()["count"] == 0


def test_the_stored_course_list_follows_a_course_change_on_the_next_request(client, published_course):
    """Stored rendered JSON, checked against the catalog token in the same round trip."""
    for _ in range(2):
        assert client.get("/api/v1/courses").json()["count"] == 1
    published_course.status = published_course.Status.DRAFT
    published_course.save()
    assert client.get("/api/v1/courses").json()["count"] == 0


def test_drafts_are_not_in_the_api(client, published_course):
    published_course.status = published_course.Status.DRAFT
    published_course.save()
    assert client.get("/api/v1/courses").json()["count"] == 0
    response = client.get(f"/api/v1/courses/{published_course.slug}")
    assert response.status_code == 404
    assert response["Content-Type"] == "application/problem+json"


def test_course_detail_has_the_syllabus(client, published_course):
    body = client.get(f"/api/v1/courses/{published_course.slug}").json()
    assert body["instructors"] == [{"name": "Ivy Instructor", "bio": "Chief pilot."}]
    assert body["sections"][0]["lessons"][0]["slug"] == "class-b"


def test_my_enrollments_lists_only_mine(client, tokens, api_user, outsider, published_course):
    Enrollment.objects.create(user=api_user, course=published_course, status=Enrollment.Status.ACTIVE)
    response = client.get("/api/v1/me/enrollments", headers={"Authorization": f"Bearer {tokens['access_token']}"})
    assert [item["course"]["slug"] for item in response.json()] == ["part-107-ground-school"]


def test_invalid_query_is_a_422_problem(client):
    response = client.get("/api/v1/courses", {"page": "not-a-number"})
    assert response.status_code == 422
    assert response.json()["type"].endswith("problem/invalid-request")


def test_openapi_document_describes_the_implementation(client):
    schema = client.get("/api/v1/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert {"/api/v1/auth/token", "/api/v1/courses", "/api/v1/me/enrollments"} <= set(schema["paths"])


def test_cors_only_for_configured_origins(client, settings):
    settings.CORS_ALLOWED_ORIGINS = ["https://app.bostondroneschool.example"]
    allowed = client.get("/api/v1/courses", headers={"Origin": "https://app.bostondroneschool.example"})
    assert allowed["Access-Control-Allow-Origin"] == "https://app.bostondroneschool.example"
    other = client.get("/api/v1/courses", headers={"Origin": "https://evil.example"})
    assert "Access-Control-Allow-Origin" not in other


def test_nul_bytes_in_a_query_are_a_clear_400_not_a_database_error(client, published_course):
    """Found by the schema fuzzer: PostgreSQL refuses NUL in text parameters."""
    response = client.get("/api/v1/courses", {"q": "part\x00107"})
    assert response.status_code == 400
    assert client.get("/courses/", {"q": "\x00"}).status_code == 400


def _auth(tokens) -> dict:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


@pytest.fixture
def enrolled(api_user, published_course):
    return Enrollment.objects.create(user=api_user, course=published_course, status=Enrollment.Status.ACTIVE)


def test_my_enrollments_carry_progress(client, tokens, enrolled, published_course):
    from lessons.models import Lesson, LessonProgress

    lesson = Lesson.objects.get(slug="class-b")
    Lesson.objects.create(section=lesson.section, title="Class C", slug="class-c", order=2)
    LessonProgress.objects.create(user=enrolled.user, lesson=lesson, completed_at="2026-11-20T10:00:00Z")
    [item] = client.get("/api/v1/me/enrollments", headers=_auth(tokens)).json()
    assert item["progress"] == {"completed_lessons": 1, "required_lessons": 2, "percent": 50}


def test_enrollments_list_runs_a_fixed_number_of_queries(client, tokens, api_user, category_factory):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get("/api/v1/me/enrollments", headers=_auth(tokens)).status_code == 200
        return len(queries)

    from accounts.user_cache import user_by_pk

    user_by_pk(api_user.pk)  # the token's user is read from the cache, as after its first request
    category_factory(api_user, 1)
    one = count()
    category_factory(api_user, 8)
    assert count() == one


def test_completing_a_lesson_records_progress(client, tokens, enrolled):
    from lessons.models import Lesson, LessonProgress

    lesson = Lesson.objects.get(slug="class-b")
    response = client.post(f"/api/v1/me/lessons/{lesson.pk}/complete", headers=_auth(tokens))
    assert response.status_code == 200, response.content
    assert response.json()["course_progress"]["percent"] == 100
    assert LessonProgress.objects.get(user=enrolled.user, lesson=lesson).completed_at is not None


def test_lessons_of_a_course_i_am_not_enrolled_in_are_refused(client, tokens, published_course):
    from lessons.models import Lesson

    lesson = Lesson.objects.create(
        section=published_course.sections.get(), title="Locked", slug="locked", order=5, video="videos/locked.mp4"
    )
    complete = client.post(f"/api/v1/me/lessons/{lesson.pk}/complete", headers=_auth(tokens))
    assert complete.status_code == 403
    assert complete.json()["type"].endswith("problem/forbidden")
    media = client.get(f"/api/v1/me/lessons/{lesson.pk}/media", headers=_auth(tokens))
    assert media.status_code == 403
    assert "url" not in media.json()


def test_media_is_a_short_lived_signed_url_for_enrolled_students(client, tokens, enrolled, settings):
    from django.core.files.base import ContentFile

    from lessons.models import Lesson

    lesson = Lesson.objects.get(slug="class-b")
    lesson.video.save("class-b.mp4", ContentFile(b"\x00\x00\x00\x18ftypmp42"))
    response = client.get(f"/api/v1/me/lessons/{lesson.pk}/media", headers=_auth(tokens))
    assert response.status_code == 200
    body = response.json()
    assert body["expires_in"] == settings.PRIVATE_URL_EXPIRY_SECONDS
    assert body["url"].startswith(f"{settings.SITE_URL}/private-media/")
    streamed = client.get(body["url"].removeprefix(settings.SITE_URL))
    assert streamed.status_code == 200
    assert b"".join(streamed.streaming_content).startswith(b"\x00\x00\x00\x18ftyp")


def test_an_unknown_lesson_is_404(client, tokens):
    assert client.get("/api/v1/me/lessons/999999/media", headers=_auth(tokens)).status_code == 404


def test_my_flight_sessions_lists_my_upcoming_seats_only(client, tokens, enrolled, outsider, published_course):
    from datetime import timedelta

    from django.utils import timezone

    from flights.models import FlightSession, SeatBooking

    start = timezone.now() + timedelta(days=7)
    session = FlightSession.objects.create(
        course=published_course,
        starts_at=start,
        ends_at=start + timedelta(hours=4),
        location_name="Westborough field",
        location_address="1 Field Rd, Westborough, MA",
        capacity=6,
    )
    past = FlightSession.objects.create(
        course=published_course,
        starts_at=start - timedelta(days=30),
        ends_at=start - timedelta(days=30) + timedelta(hours=4),
        location_name="Old field",
        location_address="2 Old Rd",
        capacity=6,
    )
    mine = SeatBooking.objects.create(enrollment=enrolled, session=session, status=SeatBooking.Status.BOOKED)
    SeatBooking.objects.create(enrollment=enrolled, session=past, status=SeatBooking.Status.ATTENDED)
    other = Enrollment.objects.create(user=outsider, course=published_course, status=Enrollment.Status.ACTIVE)
    SeatBooking.objects.create(enrollment=other, session=session, status=SeatBooking.Status.BOOKED)

    response = client.get("/api/v1/me/flight-sessions", headers=_auth(tokens))
    assert response.status_code == 200
    [item] = response.json()
    assert item["booking_id"] == mine.pk
    assert item["location_name"] == "Westborough field"
    assert item["calendar_url"].endswith(f"/flights/bookings/{mine.pk}/calendar.ics")


def test_my_enrollments_are_stored_per_student_and_fresh_after_each_change(
    client, tokens, enrolled, published_course, django_assert_max_num_queries
):
    from lessons.models import Lesson

    lesson = Lesson.objects.get(slug="class-b")
    Lesson.objects.create(section=lesson.section, title="Class C", slug="class-c", order=2)
    [before] = client.get("/api/v1/me/enrollments", headers=_auth(tokens)).json()
    assert before["progress"]["completed_lessons"] == 0
    with django_assert_max_num_queries(1):  # the token's user only: the list comes from the cache
        assert client.get("/api/v1/me/enrollments", headers=_auth(tokens)).json() == [before]

    client.post(f"/api/v1/me/lessons/{lesson.pk}/complete", headers=_auth(tokens))
    [after] = client.get("/api/v1/me/enrollments", headers=_auth(tokens)).json()
    assert after["progress"] == {"completed_lessons": 1, "required_lessons": 2, "percent": 50}

    published_course.title = "Airspace, Revised"
    published_course.save()
    [renamed] = client.get("/api/v1/me/enrollments", headers=_auth(tokens)).json()
    assert renamed["course"]["title"] == "Airspace, Revised"
