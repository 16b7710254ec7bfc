"""The widget wired into the real lesson admin: the change page carries the direct-upload hooks for
the video and each material row, and posting finished uploads' tokens saves their keys."""

import json
import re
import shutil
import subprocess

import pytest
from django.urls import reverse

from lessons import uploads
from lessons.models import Material
from tests.courses.admin_forms import lesson_form_data
from tests.media.conftest import put

pytestmark = pytest.mark.django_db


def finished(user, lesson, data: bytes, kind: str, filename: str) -> dict:
    started = uploads.multipart_upload_start(
        user=user, kind=kind, filename=filename, content_type="", size=len(data), lesson=lesson
    )
    put(started["parts"][0]["url"], data)
    return uploads.multipart_upload_complete(user=user, token=started["token"])


def test_lesson_change_page_offers_direct_uploads(client, s3_storage, ian, ians_lesson):
    client.force_login(ian)
    page = client.get(reverse("admin:lessons_lesson_change", args=[ians_lesson.pk])).content.decode()
    configs = [json.loads(raw.replace("&quot;", '"')) for raw in re.findall(r'data-direct-upload="([^"]+)"', page)]
    kinds = [config["kind"] for config in configs]
    assert kinds[0] == "video"
    assert "material" in kinds
    assert configs[0]["scope"] == {"lesson": ians_lesson.pk}
    assert all(config["scope"] == {"lesson": ians_lesson.pk} for config in configs if config["kind"] == "material")
    assert "/static/js/direct_upload.js" in page
    assert 'name="video__upload"' in page
    assert 'name="materials-__prefix__-file__upload"' in page  # the "Add another" row's upload


def test_posting_tokens_saves_the_video_and_a_new_material(
    client, s3_storage, ian, ians_lesson, django_capture_on_commit_callbacks
):
    video = finished(ian, ians_lesson, b"\x00\x00video", "video", "first flight.mp4")
    material = finished(ian, ians_lesson, b"%PDF-1.7 list", "material", "checklist.pdf")
    client.force_login(ian)
    data = lesson_form_data(ians_lesson, video__upload=video["token"])
    data |= {
        "materials-TOTAL_FORMS": "1",
        "materials-0-lesson": str(ians_lesson.pk),
        "materials-0-order": "1",
        "materials-0-title": "Checklist",
        "materials-0-file__upload": material["token"],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:lessons_lesson_change", args=[ians_lesson.pk]), data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else response

    ians_lesson.refresh_from_db()
    assert ians_lesson.video.name == video["key"]
    saved = Material.objects.get(lesson=ians_lesson)
    assert saved.file.name == material["key"]
    assert saved.size_bytes == len(b"%PDF-1.7 list")


def test_a_forged_key_is_refused_on_the_admin_page(client, s3_storage, ian, ians_lesson):
    client.force_login(ian)
    data = lesson_form_data(ians_lesson, video__upload="videos/course-1/1/aaaa/stolen.mp4")
    response = client.post(reverse("admin:lessons_lesson_change", args=[ians_lesson.pk]), data)
    assert response.status_code == 200
    assert "not issued by this site" in response.content.decode()
    ians_lesson.refresh_from_db()
    assert ians_lesson.video.name == ""


@pytest.mark.skipif(not (shutil.which("ffmpeg") and shutil.which("ffprobe")), reason="ffmpeg/ffprobe not installed")
def test_a_directly_uploaded_video_is_processed_after_the_save(
    client, s3_storage, ian, ians_lesson, tmp_path, django_capture_on_commit_callbacks
):
    clip = tmp_path / "clip.mp4"
    subprocess.run(
        [
            shutil.which("ffmpeg"), "-v", "error", "-f", "lavfi", "-i", "testsrc=duration=3:size=160x120:rate=10",
            "-pix_fmt", "yuv420p", str(clip),
        ],
        check=True,
        timeout=60,
    )  # fmt: skip
    video = finished(ian, ians_lesson, clip.read_bytes(), "video", "clip.mp4")
    client.force_login(ian)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("admin:lessons_lesson_change", args=[ians_lesson.pk]),
            lesson_form_data(ians_lesson, video__upload=video["token"]),
        )
    assert response.status_code == 302

    ians_lesson.refresh_from_db()
    assert ians_lesson.video.name == video["key"]
    assert ians_lesson.duration_seconds == 3  # read by the learning app's job from the bucket
    assert ians_lesson.poster.name


def test_a_new_video_is_queued_for_processing_once(
    client, s3_storage, ian, ians_lesson, monkeypatch, django_capture_on_commit_callbacks
):
    from lessons import services

    queued = []
    monkeypatch.setattr(services, "lesson_video_process_later", lambda lesson_id: queued.append(lesson_id))
    video = finished(ian, ians_lesson, b"\x00video", "video", "clip.mp4")
    client.force_login(ian)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("admin:lessons_lesson_change", args=[ians_lesson.pk]),
            lesson_form_data(ians_lesson, video__upload=video["token"]),
        )
    assert queued == [ians_lesson.pk]

    with django_capture_on_commit_callbacks(execute=True):  # saved again without a new file: nothing queued
        client.post(reverse("admin:lessons_lesson_change", args=[ians_lesson.pk]), lesson_form_data(ians_lesson))
    assert queued == [ians_lesson.pk]


def test_adding_a_lesson_with_its_video_and_a_material(
    client, s3_storage, ian, ians_lesson, django_capture_on_commit_callbacks
):
    from lessons.models import Lesson

    section = ians_lesson.section
    client.force_login(ian)
    page = client.get(reverse("admin:lessons_lesson_add")).content.decode()
    assert '"scopeField": "section"' in page.replace("&quot;", '"')  # the widget reads the chosen section
    video = uploads.multipart_upload_start(
        user=ian, kind="video", filename="new.mp4", content_type="video/mp4", size=5, course=section.course
    )
    put(video["parts"][0]["url"], b"video")
    uploads.multipart_upload_complete(user=ian, token=video["token"])
    material = uploads.multipart_upload_start(
        user=ian, kind="material", filename="map.kmz", content_type="", size=3, course=section.course
    )
    put(material["parts"][0]["url"], b"PK!")
    uploads.multipart_upload_complete(user=ian, token=material["token"])

    new = Lesson(section=section, title="Night flying", slug="night-flying", order=2)
    data = lesson_form_data(new, video__upload=video["token"])
    data |= {
        "materials-TOTAL_FORMS": "1",
        "materials-0-order": "1",
        "materials-0-title": "Airspace map",
        "materials-0-file__upload": material["token"],
    }
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:lessons_lesson_add"), data)
    assert response.status_code == 302

    added = Lesson.objects.get(slug="night-flying")
    assert added.video.name == video["key"]
    assert added.materials.get().file.name == material["key"]
