"""Direct multipart uploads against the moto S3 server: start, PUT the parts through the presigned
URLs, resume from S3's list of parts, complete, abort; limits on type and size."""

import os
from urllib.parse import parse_qs, urlsplit

import pytest
from django.core.exceptions import PermissionDenied

from core import direct_upload
from lessons import uploads
from tests.media.conftest import BUCKET, MiB, put

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("small_parts")]


def start(user, lesson, data: bytes, filename="Intro Flight.mp4", content_type="video/mp4"):
    return uploads.multipart_upload_start(
        user=user, kind="video", filename=filename, content_type=content_type, size=len(data), lesson=lesson
    )


def chunks(data: bytes, part_size: int) -> list[bytes]:
    return [data[offset : offset + part_size] for offset in range(0, len(data), part_size)]


def test_upload_in_three_parts_through_presigned_urls(s3_storage, s3, ian, ians_lesson):
    data = os.urandom(11 * MiB)
    started = start(ian, ians_lesson, data)

    course = ians_lesson.section.course
    assert started["key"].startswith(f"videos/{course.slug}/{ians_lesson.pk}/")
    assert started["key"].endswith("/intro-flight.mp4")
    assert started["part_size"] == 5 * MiB
    assert started["part_count"] == 3
    assert [part["number"] for part in started["parts"]] == [1, 2, 3]
    first = urlsplit(started["parts"][0]["url"])
    assert first.path == f"/{BUCKET}/private/{started['key']}"
    query = parse_qs(first.query)
    assert query["partNumber"] == ["1"]
    assert query["uploadId"] == [started["upload_id"]]
    assert "X-Amz-Signature" in query

    for part, body in zip(started["parts"], chunks(data, started["part_size"]), strict=True):
        assert put(part["url"], body) == 200
    completed = uploads.multipart_upload_complete(user=ian, token=started["token"])

    assert completed == {"key": started["key"], "token": started["token"], "size": len(data)}
    stored = s3.get_object(Bucket=BUCKET, Key=f"private/{started['key']}")
    assert stored["Body"].read() == data
    assert stored["ContentType"] == "video/mp4"
    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []


def test_resume_lists_the_parts_s3_has_and_presigns_only_the_missing(s3_storage, s3, ian, ians_lesson):
    data = os.urandom(11 * MiB)
    started = start(ian, ians_lesson, data)
    pieces = chunks(data, started["part_size"])
    put(started["parts"][0]["url"], pieces[0])
    put(started["parts"][2]["url"], pieces[2])

    # The page was reloaded: only the token survived (in localStorage).
    status = uploads.multipart_upload_part_urls(user=ian, token=started["token"])

    assert status["upload_id"] == started["upload_id"]
    assert status["key"] == started["key"]
    assert [part["number"] for part in status["uploaded"]] == [1, 3]
    assert [part["number"] for part in status["parts"]] == [2]
    with pytest.raises(uploads.UploadIncomplete) as missing:
        uploads.multipart_upload_complete(user=ian, token=started["token"])
    assert missing.value.missing == [2]

    put(status["parts"][0]["url"], pieces[1])
    uploads.multipart_upload_complete(user=ian, token=started["token"])
    assert s3.get_object(Bucket=BUCKET, Key=f"private/{started['key']}")["Body"].read() == data


def test_a_part_cut_short_is_asked_for_again(s3_storage, ian, ians_lesson):
    data = os.urandom(6 * MiB)
    started = start(ian, ians_lesson, data)
    put(started["parts"][0]["url"], data[: 3 * MiB])  # the connection dropped mid-part

    status = uploads.multipart_upload_part_urls(user=ian, token=started["token"])

    assert status["uploaded"] == []
    assert [part["number"] for part in status["parts"]] == [1, 2]


def test_abort_frees_the_parts_and_the_upload_is_gone(s3_storage, s3, ian, ians_lesson):
    data = os.urandom(6 * MiB)
    started = start(ian, ians_lesson, data)
    put(started["parts"][0]["url"], data[: 5 * MiB])

    uploads.multipart_upload_abort(user=ian, token=started["token"])

    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []
    with pytest.raises(uploads.UploadGone):
        uploads.multipart_upload_part_urls(user=ian, token=started["token"])
    uploads.multipart_upload_abort(user=ian, token=started["token"])  # twice is fine
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET)


def test_materials_are_namespaced_and_download_under_their_name(s3_storage, s3, ian, ians_lesson):
    data = b"%PDF-1.7 checklist"
    started = uploads.multipart_upload_start(
        user=ian,
        kind="material",
        filename="../Pre-flight Checklist.PDF",
        content_type="",
        size=len(data),
        lesson=ians_lesson,
    )
    assert started["key"].startswith(f"materials/{ians_lesson.section.course.slug}/{ians_lesson.pk}/")
    assert started["key"].endswith("/pre-flight-checklist.pdf")
    assert started["part_count"] == 1
    put(started["parts"][0]["url"], data)
    uploads.multipart_upload_complete(user=ian, token=started["token"])

    head = s3.head_object(Bucket=BUCKET, Key=f"private/{started['key']}")
    assert head["ContentType"] == "application/pdf"
    assert head["ContentDisposition"] == 'attachment; filename="pre-flight-checklist.pdf"'


def test_a_new_lesson_uploads_under_its_course(s3_storage, ian, ians_lesson):
    course = ians_lesson.section.course
    started = uploads.multipart_upload_start(
        user=ian, kind="video", filename="a.webm", content_type="video/webm", size=10, course=course
    )
    assert started["key"].startswith(f"videos/{course.slug}/new/")


@pytest.mark.parametrize(
    ("kind", "filename", "content_type", "size", "message"),
    [
        ("video", "lesson.avi", "video/x-msvideo", 100, "not an allowed video file"),
        ("video", "lesson.mp4", "text/html", 100, "does not match its extension"),
        ("video", "lesson.mp4", "video/mp4", 0, "is empty"),
        ("video", "lesson.mp4", "video/mp4", 5 * 1024**3 + 1, "the limit for a video is 5,120 MB"),
        ("material", "notes.exe", "application/octet-stream", 100, "not an allowed material file"),
        ("material", "notes.pdf", "application/pdf", 200 * MiB + 1, "the limit for a material is 200 MB"),
        ("material", "lesson.mp4", "video/mp4", 100, "not an allowed material file"),
        ("unknown", "lesson.mp4", "video/mp4", 100, "Unknown kind"),
    ],
)
def test_type_and_size_limits(s3_storage, s3, ian, ians_lesson, kind, filename, content_type, size, message):
    with pytest.raises(uploads.UploadRefused, match=message):
        uploads.multipart_upload_start(
            user=ian, kind=kind, filename=filename, content_type=content_type, size=size, lesson=ians_lesson
        )
    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []


def test_size_limits_come_from_settings(s3_storage, settings, ian, ians_lesson):
    settings.LESSON_VIDEO_MAX_BYTES = 1000
    with pytest.raises(uploads.UploadRefused, match="limit"):
        uploads.multipart_upload_start(
            user=ian, kind="video", filename="a.mp4", content_type="video/mp4", size=1001, lesson=ians_lesson
        )
    assert (
        uploads.multipart_upload_start(
            user=ian, kind="video", filename="a.mp4", content_type="video/mp4", size=1000, lesson=ians_lesson
        )["part_count"]
        == 1
    )


def test_kml_and_kmz_are_accepted_with_whatever_type_the_browser_reports(s3_storage, s3, ian, ians_lesson):
    for filename, reported, stored in [
        ("route.kml", "", "application/vnd.google-earth.kml+xml"),
        ("route.kmz", "application/octet-stream", "application/vnd.google-earth.kmz"),
    ]:
        started = uploads.multipart_upload_start(
            user=ian, kind="material", filename=filename, content_type=reported, size=4, lesson=ians_lesson
        )
        put(started["parts"][0]["url"], b"<kml")
        uploads.multipart_upload_complete(user=ian, token=started["token"])
        assert s3.head_object(Bucket=BUCKET, Key=f"private/{started['key']}")["ContentType"] == stored


def test_part_size_grows_so_five_gigabytes_fit_in_ten_thousand_parts(settings):
    settings.MEDIA_UPLOAD_PART_BYTES = 5 * MiB
    assert uploads.part_size_for(5 * 1024**3) == 5 * MiB  # 1,024 parts
    assert uploads.part_size_for(100 * 1024**3) == 11 * MiB  # 100 GB would need 20,480 parts of 5 MiB


def test_another_instructors_lesson_is_refused(s3_storage, s3, ada, ians_lesson):
    with pytest.raises(PermissionDenied):
        start(ada, ians_lesson, b"x" * 10)
    assert s3.list_multipart_uploads(Bucket=BUCKET).get("Uploads", []) == []


def test_a_token_works_only_for_the_user_it_was_issued_to(s3_storage, ian, ada, ians_lesson):
    started = start(ian, ians_lesson, b"x" * 10)
    for call in (uploads.multipart_upload_part_urls, uploads.multipart_upload_complete, uploads.multipart_upload_abort):
        with pytest.raises(uploads.UploadRefused, match="someone else"):
            call(user=ada, token=started["token"])
    with pytest.raises(uploads.UploadRefused, match="not issued by this site"):
        uploads.multipart_upload_part_urls(user=ian, token=started["token"][:-3] + "abc")


def test_an_instructor_removed_from_the_course_cannot_go_on(s3_storage, ian, ians_lesson):
    started = start(ian, ians_lesson, b"x" * 10)
    ians_lesson.section.course.instructors.clear()
    with pytest.raises(PermissionDenied):
        uploads.multipart_upload_part_urls(user=ian, token=started["token"])


def test_local_files_refuse_direct_uploads(ian, ians_lesson):
    assert not uploads.direct_upload_enabled()
    with pytest.raises(uploads.UploadRefused, match="stored locally"):
        start(ian, ians_lesson, b"x" * 10)


def test_on_aws_part_urls_name_the_regional_bucket_host_the_csp_allows(settings):
    from storages.backends.s3 import S3Storage

    settings.AWS_S3_BUCKET = "bds-media"
    storage = S3Storage(
        bucket_name="bds-media",
        region_name="eu-west-1",
        access_key="a",
        secret_key="b",
        endpoint_url=None,
        signature_version="s3v4",
        location="private",
    )
    [part] = direct_upload.presigned_part_urls(storage, key="private/videos/x.mp4", upload_id="u1", numbers=[1])
    url = urlsplit(part["url"])
    assert f"{url.scheme}://{url.netloc}" == "https://bds-media.s3.eu-west-1.amazonaws.com"
    assert url.path == "/private/videos/x.mp4"
    assert "X-Amz-Credential" in url.query and "eu-west-1" in url.query
