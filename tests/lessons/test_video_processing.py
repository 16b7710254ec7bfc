"""Duration and poster frame from ffprobe/ffmpeg after an upload; skipped with a log line without them."""

import shutil
import subprocess

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command

from lessons import services
from lessons.models import Lesson

pytestmark = pytest.mark.django_db

needs_ffmpeg = pytest.mark.skipif(
    not (shutil.which("ffmpeg") and shutil.which("ffprobe")), reason="ffmpeg/ffprobe not installed"
)


@pytest.fixture
def real_video(tmp_path):
    path = tmp_path / "clip.mp4"
    subprocess.run(
        [
            shutil.which("ffmpeg"), "-v", "error", "-f", "lavfi", "-i", "testsrc=duration=3:size=160x120:rate=10",
            "-pix_fmt", "yuv420p", str(path),
        ],
        check=True,
        timeout=60,
    )  # fmt: skip
    return path.read_bytes()


@needs_ffmpeg
def test_processing_after_commit_stores_duration_and_poster(lessons, real_video, django_capture_on_commit_callbacks):
    lesson = lessons["charts"]
    lesson.video.save("charts.mp4", ContentFile(real_video))
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        services.lesson_video_process_later(lesson.pk)
    # Queued for after commit (the saves also queue cache bumps: the catalog's, the stored lesson rows').
    assert any(callback.__qualname__.startswith("lesson_video_process_later") for callback in callbacks)
    lesson.refresh_from_db()
    assert lesson.duration_seconds == 3
    assert lesson.poster.name.startswith("posters/reading-charts")
    with lesson.poster.open("rb") as poster:
        assert poster.read(3) == b"\xff\xd8\xff"  # a JPEG


@needs_ffmpeg
def test_management_command_processes_unprocessed_videos(lessons, real_video):
    lesson = lessons["charts"]
    lesson.video.save("charts.mp4", ContentFile(real_video))
    call_command("process_lesson_videos", lesson.pk)
    assert Lesson.objects.get(pk=lesson.pk).duration_seconds == 3


def test_skipped_with_a_log_line_when_ffmpeg_is_absent(lessons, monkeypatch, caplog):
    monkeypatch.setattr(services.video.shutil, "which", lambda name: None)
    assert services.lesson_video_process(lesson_id=lessons["classes"].pk) is False
    assert "ffprobe/ffmpeg not installed" in caplog.text
    assert Lesson.objects.get(pk=lessons["classes"].pk).duration_seconds == 600


def test_a_file_that_is_not_a_video_is_logged_not_crashed(lessons, caplog):
    # The fixture "videos" are raw bytes, not a container ffprobe can read.
    if not shutil.which("ffprobe"):
        pytest.skip("ffprobe not installed")
    assert services.lesson_video_process(lesson_id=lessons["preview"].pk) is False
    assert "could not read" in caplog.text
