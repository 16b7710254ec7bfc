"""The JSON endpoints the widget calls: admin users only, CSRF-protected POSTs, scoped to the
courses the instructor teaches (another instructor's lesson is a 404, like a missing one)."""

import json
import os

import pytest
from django.test import Client
from django.urls import reverse

from tests.media.conftest import BUCKET, MiB, put

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_parts")]


def post(client, name: str, payload: dict):
    return client.post(reverse(f"uploads:{name}"), json.dumps(payload), content_type="application/json")


def start_payload(lesson, size: int, **changes) -> dict:
    return {
        "kind": "video",
        "lesson": lesson.pk,
        "filename": "takeoff.mp4",
        "content_type": "video/mp4",
        "size": size,
        **changes,
    }


def test_the_whole_upload_through_the_endpoints(client, s3_storage, s3, ian, ians_lesson):
    client.force_login(ian)
    data = os.urandom(7 * MiB)

    started = post(client, "start", start_payload(ians_lesson, len(data)))
    assert started.status_code == 200
    body = started.json()
    assert body["part_count"] == 2
    put(body["parts"][0]["url"], data[: 5 * MiB])

    resumed = post(client, "parts", {"token": body["token"]}).json()
    assert [part["number"] for part in resumed["uploaded"]] == [1]
    assert [part["number"] for part in resumed["parts"]] == [2]
    incomplete = post(client, "complete", {"token": body["token"]})
    assert incomplete.status_code == 409
    assert incomplete.json()["missing"] == [2]

    put(resumed["parts"][0]["url"], data[5 * MiB :])
    completed = post(client, "complete", {"token": body["token"]})
    assert completed.status_code == 200
    assert completed.json()["key"] == body["key"]
    assert s3.get_object(Bucket=BUCKET, Key=f"private/{body['key']}")["Body"].read() == data
    assert completed["Cache-Control"].startswith("max-age=0")


def test_abort_endpoint(client, s3_storage, s3, ian, ians_lesson):
    client.force_login(ian)
    body = post(client, "start", start_payload(ians_lesson, 10)).json()
    response = post(client, "abort", {"token": body["token"]})
    assert response.status_code == 200
    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []
    assert post(client, "parts", {"token": body["token"]}).status_code == 410


def test_another_instructors_lesson_section_or_course_is_not_found(client, s3_storage, s3, ada, ians_lesson):
    client.force_login(ada)
    section = ians_lesson.section
    for target in ({"lesson": ians_lesson.pk}, {"section": section.pk}, {"course": section.course_id}):
        payload = {**start_payload(ians_lesson, 10), "lesson": None, **target}
        response = post(client, "start", payload)
        assert response.status_code == 404, target
        assert response.json() == {"error": "No such lesson or course."}
    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []


def test_another_instructors_token_is_refused(client, s3_storage, ian, ada, ians_lesson):
    client.force_login(ian)
    token = post(client, "start", start_payload(ians_lesson, 10)).json()["token"]
    client.force_login(ada)
    for name in ("parts", "complete", "abort"):
        response = post(client, name, {"token": token})
        assert response.status_code == 400
        assert "someone else" in response.json()["error"]


def test_school_staff_may_upload_to_any_course(client, s3_storage, school_staff, ians_lesson):
    client.force_login(school_staff)
    assert post(client, "start", start_payload(ians_lesson, 10)).status_code == 200


def test_students_and_anonymous_visitors_are_refused(client, s3_storage, student, ians_lesson):
    assert post(client, "start", start_payload(ians_lesson, 10)).status_code in {302, 403}
    client.force_login(student)
    response = post(client, "start", start_payload(ians_lesson, 10))
    assert response.status_code == 403
    assert "Sign in to the admin" in response.json()["error"]


def test_an_instructor_without_mfa_is_sent_to_set_it_up(client, s3_storage, ian, ians_lesson):
    ian.authenticator_set.all().delete()
    client.force_login(ian)
    response = post(client, "start", start_payload(ians_lesson, 10))
    assert response.status_code == 302
    assert response["Location"] == reverse("mfa_activate_totp")


def test_limits_answer_400_with_the_reason(client, s3_storage, ian, ians_lesson):
    client.force_login(ian)
    response = post(client, "start", start_payload(ians_lesson, 10, filename="takeoff.exe"))
    assert response.status_code == 400
    assert "not an allowed video file" in response.json()["error"]
    assert post(client, "start", start_payload(ians_lesson, "lots")).status_code == 400


def test_post_only_and_csrf_protected(s3_storage, ian, ians_lesson):
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(ian)
    assert browser.get(reverse("uploads:start")).status_code == 405
    assert post(browser, "start", start_payload(ians_lesson, 10)).status_code == 403
    browser.get(reverse("admin:index"))  # the admin sets the CSRF cookie
    token = browser.cookies["csrftoken"].value
    response = browser.post(
        reverse("uploads:start"),
        json.dumps(start_payload(ians_lesson, 10)),
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200
