"""Adaptive streaming: HLS renditions made by ffmpeg after an upload, served through the lesson's
URL with access checked on every playlist and segment request, retired with their video."""

import shutil
import subprocess
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile

from core.storage import private_storage
from enrollments.models import Enrollment
from enrollments.services import enrollment_refund
from lessons import uploads
from lessons.models import Lesson
from lessons.services import renditions

pytestmark = pytest.mark.django_db

needs_ffmpeg = pytest.mark.skipif(
    not (shutil.which("ffmpeg") and shutil.which("ffprobe")), reason="ffmpeg/ffprobe not installed"
)


def test_the_ladder_never_upscales():
    assert renditions.rendition_ladder(source_height=720, heights=[360, 720, 1080]) == [360, 720]
    assert renditions.rendition_ladder(source_height=1080, heights=[1080, 360, 720]) == [360, 720, 1080]
    # A source smaller than every configured height keeps its own (even) height.
    assert renditions.rendition_ladder(source_height=241, heights=[360, 720]) == [240]


def test_the_master_playlist_lists_renditions_lowest_first():
    playlist = renditions.master_playlist(renditions=[(1280, 720), (640, 360)])
    lines = playlist.splitlines()
    assert lines[0] == "#EXTM3U"
    assert lines[3] == "360p/index.m3u8" and lines[5] == "720p/index.m3u8"
    assert "RESOLUTION=640x360" in lines[2] and "BANDWIDTH=896000" in lines[2]


@pytest.mark.parametrize(
    "path",
    [
        "../../videos/airspace.mp4",
        "360p/../../../videos/airspace.mp4",
        "360p/seg_1.ts",
        "360p/index.m3u8/../master.m3u8",
        "master.m3u8?x",
        "/etc/passwd",
        "360p/other.m3u8",
    ],
)
def test_only_playlist_and_segment_names_are_served(lessons, path):
    lesson = lessons["classes"]
    Lesson.objects.filter(pk=lesson.pk).update(hls_source=lesson.video.name)
    lesson.refresh_from_db()
    assert renditions.hls_file_name(lesson=lesson, path=path) is None
    assert renditions.hls_file_name(lesson=lesson, path="360p/seg_00001.ts") == (
        f"hls/{lesson.video.name.rsplit('.', 1)[0]}/360p/seg_00001.ts"
    )


def test_renditions_of_a_replaced_video_are_not_served(lessons):
    lesson = lessons["classes"]
    Lesson.objects.filter(pk=lesson.pk).update(hls_source="videos/an-older-upload.mp4")
    lesson.refresh_from_db()
    assert not lesson.has_renditions
    assert renditions.hls_file_name(lesson=lesson, path="master.m3u8") is None


# -- with ffmpeg ----------------------------------------------------------------------------------


@pytest.fixture
def streamed_lesson(lessons, tmp_path, settings):
    """The "Airspace classes" lesson with a real 7-second 320x240 clip, encoded to 120p and 240p."""
    settings.VIDEO_RENDITION_HEIGHTS = [120, 240, 480]
    clip = tmp_path / "clip.mp4"
    subprocess.run(
        [
            shutil.which("ffmpeg"), "-v", "error", "-f", "lavfi", "-i", "testsrc=duration=7:size=320x240:rate=12",
            "-f", "lavfi", "-i", "sine=frequency=440:duration=7", "-shortest", "-pix_fmt", "yuv420p", str(clip),
        ],
        check=True,
        timeout=60,
    )  # fmt: skip
    lesson = lessons["classes"]
    lesson.video.save("airspace-real.mp4", ContentFile(clip.read_bytes()))
    assert renditions.lesson_renditions_make(lesson_id=lesson.pk) is True
    lesson.refresh_from_db()
    return lesson


@needs_ffmpeg
def test_renditions_are_made_capped_at_the_source_and_recorded(streamed_lesson):
    lesson = streamed_lesson
    assert lesson.has_renditions
    folder = renditions.renditions_folder(lesson.video.name)
    storage = private_storage()

    def read(name):
        with storage.open(name) as handle:
            return handle.read().decode()

    master = read(f"{folder}/master.m3u8")
    assert "120p/index.m3u8" in master and "240p/index.m3u8" in master
    assert "480p" not in master  # never upscaled
    variant = read(f"{folder}/240p/index.m3u8")
    assert "#EXT-X-PLAYLIST-TYPE:VOD" in variant and "seg_00000.ts" in variant and "seg_00001.ts" in variant
    assert storage.exists(f"{folder}/240p/seg_00001.ts")


def _hls(client, lesson, path):
    return client.get(f"/learn/{lesson.section.course.slug}/{lesson.slug}/hls/{path}")


@needs_ffmpeg
def test_an_enrolled_student_streams_through_access_checked_urls(streamed_lesson, enrolled, client):
    client.force_login(enrolled)
    page = client.get(f"/learn/part-107-prep/{streamed_lesson.slug}/").content.decode()
    assert 'data-hls="/learn/part-107-prep/airspace-classes/hls/master.m3u8"' in page
    assert "vendor/hls.js/hls.light.min.js" in page

    master = _hls(client, streamed_lesson, "master.m3u8")
    assert master.status_code == 200
    assert master["Content-Type"] == "application/vnd.apple.mpegurl"
    assert master["Cache-Control"] == "private, no-store"
    assert b"240p/index.m3u8" in master.content
    assert _hls(client, streamed_lesson, "240p/index.m3u8").status_code == 200

    segment = _hls(client, streamed_lesson, "240p/seg_00000.ts")
    assert segment.status_code == 302
    signed = urlsplit(segment["Location"]).path
    assert signed.startswith("/private-media/")
    body = b"".join(client.get(signed).streaming_content)
    assert body[:1] == b"\x47"  # an MPEG-TS packet starts with the sync byte


@needs_ffmpeg
def test_a_refunded_student_is_refused_the_next_segment(streamed_lesson, enrolled, client):
    client.force_login(enrolled)
    assert _hls(client, streamed_lesson, "240p/seg_00000.ts").status_code == 302
    enrollment_refund(enrollment=Enrollment.objects.get(user=enrolled))  # as a Stripe refund does
    assert _hls(client, streamed_lesson, "240p/seg_00001.ts").status_code == 403
    assert _hls(client, streamed_lesson, "master.m3u8").status_code == 403


@needs_ffmpeg
def test_outsiders_get_nothing(streamed_lesson, outsider, client):
    assert _hls(client, streamed_lesson, "master.m3u8").status_code == 403  # anonymous
    client.force_login(outsider)
    assert _hls(client, streamed_lesson, "master.m3u8").status_code == 403
    assert _hls(client, streamed_lesson, "240p/seg_00000.ts").status_code == 403


@needs_ffmpeg
def test_a_path_outside_the_renditions_is_a_404_even_for_a_student(streamed_lesson, enrolled, client):
    client.force_login(enrolled)
    assert _hls(client, streamed_lesson, "../../videos/airspace-real.mp4").status_code == 404
    assert _hls(client, streamed_lesson, "240p/seg_99999.ts").status_code in (302, 404)


@needs_ffmpeg
def test_without_renditions_the_page_plays_the_mp4(streamed_lesson, enrolled, client, settings):
    client.force_login(enrolled)
    settings.VIDEO_RENDITION_HEIGHTS = []  # the switch in docs/S3.md
    page = client.get(f"/learn/part-107-prep/{streamed_lesson.slug}/").content.decode()
    assert "data-hls" not in page and "hls.light.min.js" not in page
    assert 'id="lesson-video"' in page


@needs_ffmpeg
def test_retiring_the_video_retires_its_renditions(streamed_lesson):
    video_name = streamed_lesson.video.name
    folder = renditions.renditions_folder(video_name)
    Lesson.objects.filter(pk=streamed_lesson.pk).update(video="", hls_source="")
    assert uploads.media_objects_retire(names=[video_name]) == [video_name]
    assert not private_storage().exists(f"{folder}/master.m3u8")
    assert not private_storage().exists(f"{folder}/240p/seg_00000.ts")


@needs_ffmpeg
def test_a_video_replaced_while_encoding_keeps_no_renditions(streamed_lesson, monkeypatch):
    lesson = streamed_lesson
    Lesson.objects.filter(pk=lesson.pk).update(hls_source="")
    real_encode = renditions._encode

    def encode_then_replace(*args, **kwargs):
        real_encode(*args, **kwargs)
        Lesson.objects.filter(pk=lesson.pk).update(video="videos/newer-upload.mp4")

    monkeypatch.setattr(renditions, "_encode", encode_then_replace)
    old_name = lesson.video.name
    assert renditions.lesson_renditions_make(lesson_id=lesson.pk) is False
    assert Lesson.objects.get(pk=lesson.pk).hls_source == ""
    assert not private_storage().exists(f"{renditions.renditions_folder(old_name)}/master.m3u8")


def test_renditions_off_or_without_ffmpeg_do_nothing(lessons, settings, monkeypatch, caplog):
    settings.VIDEO_RENDITION_HEIGHTS = []
    assert renditions.lesson_renditions_make(lesson_id=lessons["classes"].pk) is False
    settings.VIDEO_RENDITION_HEIGHTS = [360]
    monkeypatch.setattr(renditions.shutil, "which", lambda name: None)
    assert renditions.lesson_renditions_make(lesson_id=lessons["classes"].pk) is False
    assert "ffprobe/ffmpeg not installed" in caplog.text
