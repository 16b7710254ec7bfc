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
