"""The widget in an admin form: it renders the direct-upload hooks on S3 (a plain file input on
local files), and the form saves a key only for a finished upload issued to this user for this
lesson; replaced files are deleted after commit and a new video is handed to video processing."""

import json
import sys
import types

import pytest
from django.contrib import admin
from django.contrib.admin import AdminSite
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import RequestFactory

from lessons import uploads
from lessons.models import Lesson, Material
from lessons.widgets import DirectUploadAdminMixin
from tests.media.conftest import BUCKET, put

pytestmark = pytest.mark.django_db


class LessonAdmin(DirectUploadAdminMixin, admin.ModelAdmin):
    direct_upload_fields = {"video": "video"}
    fields = ["section", "title", "slug", "order", "video"]


class MaterialAdmin(DirectUploadAdminMixin, admin.ModelAdmin):
    direct_upload_fields = {"file": "material"}
    fields = ["lesson", "title", "order", "file"]


def lesson_form(user, lesson, **data):
    request = RequestFactory().post("/admin/")
    request.user = user
    model_admin = LessonAdmin(Lesson, AdminSite())
    form_class = model_admin.get_form(request, lesson, change=True)
    fields = {
        "section": str(lesson.section_id),
        "title": lesson.title,
        "slug": lesson.slug,
        "order": str(lesson.order),
        **data,
    }
    files = {key: fields.pop(key) for key in list(fields) if isinstance(fields[key], SimpleUploadedFile)}
    return model_admin, request, form_class(fields, files, instance=lesson)


def save(model_admin, request, form, capture):
    with capture(execute=True):
        model_admin.save_model(request, form.save(commit=False), form, True)


def finished_upload(user, lesson, data=b"\x00video", kind="video", filename="intro.mp4", content_type="video/mp4"):
    started = uploads.multipart_upload_start(
        user=user, kind=kind, filename=filename, content_type=content_type, size=len(data), lesson=lesson
    )
    put(started["parts"][0]["url"], data)
    return uploads.multipart_upload_complete(user=user, token=started["token"])


@pytest.fixture
def video_processing(monkeypatch):
    """Stands in for the learning app's lessons.services.lesson_video_process_later, and records calls."""
    calls = []
    try:
        from lessons import services
    except ImportError:
        services = types.ModuleType("lessons.services")
        monkeypatch.setitem(sys.modules, "lessons.services", services)
    monkeypatch.setattr(
        services, "lesson_video_process_later", lambda lesson_id: calls.append(lesson_id), raising=False
    )
    return calls


def test_widget_renders_the_direct_upload_hooks_on_s3(s3_storage, ian, ians_lesson):
    _, _, form = lesson_form(ian, ians_lesson)
    html = str(form["video"])
    assert 'type="file"' in html
    assert 'accept=".mov,.mp4,.webm"' in html
    assert 'name="video__upload"' in html
    assert "js/direct_upload.js" in str(form.media)
    config = json.loads(form["video"].field.widget.get_context("video", None, {})["widget"]["config"])
    assert config["kind"] == "video"
    assert config["scope"] == {"lesson": ians_lesson.pk}
    assert config["urls"]["start"] == "/admin/uploads/start"
    assert config["maxBytes"] == 5 * 1024**3


def test_widget_is_a_plain_file_input_on_local_files(ian, ians_lesson):
    _, _, form = lesson_form(ian, ians_lesson)
    html = str(form["video"])
    assert 'type="file"' in html
    assert "data-direct-upload" not in html


def test_a_finished_upload_becomes_the_lesson_video(
    s3_storage, s3, ian, ians_lesson, django_capture_on_commit_callbacks, video_processing
):
    done = finished_upload(ian, ians_lesson)
    model_admin, request, form = lesson_form(ian, ians_lesson, video__upload=done["token"])
    assert form.is_valid(), form.errors
    save(model_admin, request, form, django_capture_on_commit_callbacks)

    ians_lesson.refresh_from_db()
    assert ians_lesson.video.name == done["key"]
    with ians_lesson.video.open("rb") as video:
        assert video.read() == b"\x00video"
    assert video_processing == [ians_lesson.pk]


def test_replacing_a_video_deletes_the_old_object_after_commit(
    s3_storage, s3, ian, ians_lesson, django_capture_on_commit_callbacks, video_processing
):
    first = finished_upload(ian, ians_lesson, b"first")
    ians_lesson.video.name = first["key"]
    ians_lesson.save()
    second = finished_upload(ian, ians_lesson, b"second")
    model_admin, request, form = lesson_form(ian, ians_lesson, video__upload=second["token"])
    assert form.is_valid(), form.errors
    save(model_admin, request, form, django_capture_on_commit_callbacks)

    keys = [item["Key"] for item in s3.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [f"private/{second['key']}"]


def test_a_key_nobody_issued_is_refused(s3_storage, s3, ian, ians_lesson):
    s3.put_object(Bucket=BUCKET, Key="private/videos/someone-elses.mp4", Body=b"x")
    for forged in ("videos/someone-elses.mp4", "not-a-token", "eyJ1IjoxfQ:1abc:forged"):
        _, _, form = lesson_form(ian, ians_lesson, video__upload=forged)
        assert not form.is_valid()
        assert "not issued by this site" in form.errors["video"][0]
    ians_lesson.refresh_from_db()
    assert ians_lesson.video.name == ""


def test_another_users_token_is_refused(s3_storage, ian, school_staff, ians_lesson):
    done = finished_upload(school_staff, ians_lesson)
    _, _, form = lesson_form(ian, ians_lesson, video__upload=done["token"])
    assert not form.is_valid()
    assert "belongs to someone else" in form.errors["video"][0]


def test_a_token_for_another_lesson_is_refused(s3_storage, make_lesson, ian, ians_lesson):
    other = make_lesson(ian, "Another lesson")
    done = finished_upload(ian, other)
    _, _, form = lesson_form(ian, ians_lesson, video__upload=done["token"])
    assert not form.is_valid()
    assert "another lesson" in form.errors["video"][0]


def test_an_unfinished_upload_is_refused(s3_storage, ian, ians_lesson):
    started = uploads.multipart_upload_start(
        user=ian, kind="video", filename="a.mp4", content_type="video/mp4", size=5, lesson=ians_lesson
    )
    _, _, form = lesson_form(ian, ians_lesson, video__upload=started["token"])
    assert not form.is_valid()
    assert "has not finished" in form.errors["video"][0]


def test_a_material_token_cannot_become_a_video(s3_storage, ian, ians_lesson):
    done = finished_upload(ian, ians_lesson, b"%PDF", kind="material", filename="a.pdf", content_type="application/pdf")
    _, _, form = lesson_form(ian, ians_lesson, video__upload=done["token"])
    assert not form.is_valid()
    assert "made for a material, not a video" in form.errors["video"][0]


def test_an_object_of_another_size_than_announced_is_refused(s3_storage, s3, ian, ians_lesson):
    done = finished_upload(ian, ians_lesson, b"12345")
    s3.put_object(Bucket=BUCKET, Key=f"private/{done['key']}", Body=b"a much bigger file than announced")
    _, _, form = lesson_form(ian, ians_lesson, video__upload=done["token"])
    assert not form.is_valid()
    assert "not the one announced" in form.errors["video"][0]


def test_an_expired_token_is_refused(s3_storage, settings, ian, ians_lesson):
    done = finished_upload(ian, ians_lesson)
    settings.MEDIA_UPLOAD_TOKEN_MAX_AGE_SECONDS = -1
    _, _, form = lesson_form(ian, ians_lesson, video__upload=done["token"])
    assert not form.is_valid()
    assert "too old" in form.errors["video"][0]


def test_a_form_shown_again_keeps_the_finished_upload(s3_storage, ian, ians_lesson):
    done = finished_upload(ian, ians_lesson)
    _, _, form = lesson_form(ian, ians_lesson, video__upload=done["token"], title="")
    assert not form.is_valid()
    assert "video" not in form.errors
    assert f'value="{done["token"]}"' in str(form["video"])


def test_material_upload_sets_the_file_and_its_size(s3_storage, ian, ians_lesson, django_capture_on_commit_callbacks):
    done = finished_upload(ian, ians_lesson, b"%PDF-1.7", kind="material", filename="a.pdf", content_type="")
    request = RequestFactory().post("/admin/")
    request.user = ian
    model_admin = MaterialAdmin(Material, AdminSite())
    form = model_admin.get_form(request, None)(
        {"lesson": str(ians_lesson.pk), "title": "Checklist", "order": "1", "file__upload": done["token"]},
        {},
        instance=Material(lesson=ians_lesson),
    )
    assert form.is_valid(), form.errors
    with django_capture_on_commit_callbacks(execute=True):
        material = form.save()
    assert material.file.name == done["key"]
    assert material.size_bytes == len(b"%PDF-1.7")


def test_local_files_still_upload_through_the_form(
    ian, ians_lesson, django_capture_on_commit_callbacks, video_processing
):
    model_admin, request, form = lesson_form(
        ian, ians_lesson, video=SimpleUploadedFile("takeoff.mp4", b"local-bytes", content_type="video/mp4")
    )
    assert form.is_valid(), form.errors
    save(model_admin, request, form, django_capture_on_commit_callbacks)
    ians_lesson.refresh_from_db()
    assert ians_lesson.video.name.startswith("videos/takeoff")
    with ians_lesson.video.open("rb") as video:
        assert video.read() == b"local-bytes"
    assert video_processing == [ians_lesson.pk]


def test_deleting_a_lesson_deletes_its_files(s3_storage, s3, ian, ians_lesson, django_capture_on_commit_callbacks):
    video = finished_upload(ian, ians_lesson)
    material = finished_upload(ian, ians_lesson, b"%PDF", kind="material", filename="a.pdf", content_type="")
    ians_lesson.video.name = video["key"]
    ians_lesson.save()
    Material.objects.create(lesson=ians_lesson, title="Checklist", file=material["key"], size_bytes=4)
    request = RequestFactory().post("/admin/")
    request.user = ian
    with django_capture_on_commit_callbacks(execute=True):
        LessonAdmin(Lesson, AdminSite()).delete_model(request, ians_lesson)
    assert "Contents" not in s3.list_objects_v2(Bucket=BUCKET)


def test_a_material_for_a_lesson_being_created_is_accepted_for_its_course(s3_storage, ian, ada, ians_lesson):
    section = ians_lesson.section
    started = uploads.multipart_upload_start(
        user=ian, kind="material", filename="a.pdf", content_type="", size=4, course=section.course
    )
    put(started["parts"][0]["url"], b"%PDF")
    uploads.multipart_upload_complete(user=ian, token=started["token"])

    grant = uploads.upload_token_verify(
        user=ian, token=started["token"], kind="material", course_id=None, lesson_id=None
    )
    assert grant.name == started["key"]
    assert grant.name.startswith(f"materials/{section.course.slug}/new/")
    with pytest.raises(uploads.UploadRefused, match="another lesson"):
        uploads.upload_token_verify(
            user=ian, token=started["token"], kind="material", course_id=section.course_id + 1, lesson_id=None
        )
    section.course.instructors.clear()  # no longer Ian's course: the token is worthless
    with pytest.raises(uploads.UploadRefused, match="cannot upload"):
        uploads.upload_token_verify(user=ian, token=started["token"], kind="material", course_id=None, lesson_id=None)


def material_form(user, lesson, upload):
    request = RequestFactory().post("/admin/")
    request.user = user
    model_admin = MaterialAdmin(Material, AdminSite())
    form_class = model_admin.get_form(request, None, change=False)
    data = {"lesson": str(lesson.pk), "title": "Checklist", "order": "1"}
    return form_class(data, {"file": upload})


@pytest.mark.parametrize(
    ("filename", "content_type", "message"),
    [
        ("payload.exe", "application/x-msdownload", "is not an allowed material file"),
        ("phish.html", "text/html", "is not an allowed material file"),
        ("checklist.pdf", "text/html", "does not match its extension"),
    ],
)
def test_local_material_uploads_accept_only_the_direct_upload_types(ian, ians_lesson, filename, content_type, message):
    form = material_form(ian, ians_lesson, SimpleUploadedFile(filename, b"<script>", content_type=content_type))
    assert not form.is_valid()
    assert message in form.errors["file"][0]
    assert not Material.objects.exists()


def test_a_local_pdf_material_is_accepted(ian, ians_lesson):
    form = material_form(
        ian, ians_lesson, SimpleUploadedFile("checklist.pdf", b"%PDF-1.7", content_type="application/pdf")
    )
    assert form.is_valid(), form.errors


def test_a_local_video_of_the_wrong_type_is_refused(ian, ians_lesson):
    _, _, form = lesson_form(
        ian, ians_lesson, video=SimpleUploadedFile("takeoff.avi", b"local-bytes", content_type="video/x-msvideo")
    )
    assert not form.is_valid()
    assert "is not an allowed video file" in form.errors["video"][0]
