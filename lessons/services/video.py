"""Lesson video processing: duration and poster frame from ffmpeg, in the background."""

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction

from lessons.models import (
    Lesson,
)

logger = logging.getLogger(__name__)

# -- video processing -------------------------------------------------------------------------------


def lesson_video_process_later(lesson_id: int) -> None:
    """Queue duration and poster extraction for a lesson's video after the current commit
    (call it from the admin's save_model / save_related when the video changed)."""
    from lessons.tasks import lesson_video_process_task

    transaction.on_commit(lambda: lesson_video_process_task.delay(lesson_id=lesson_id))


def lesson_video_process(*, lesson_id: int) -> bool:
    """Read the video's duration with ffprobe and grab a poster frame with ffmpeg, storing both on
    the lesson. Skipped (False, with a log line) when the lesson has no video or the tools are absent."""
    lesson = Lesson.objects.filter(pk=lesson_id).first()
    if lesson is None or not lesson.video:
        logger.info("video processing skipped for lesson %s: no video", lesson_id)
        return False
    ffprobe, ffmpeg = shutil.which("ffprobe"), shutil.which("ffmpeg")
    if not ffprobe or not ffmpeg:
        logger.warning("video processing skipped for lesson %s: ffprobe/ffmpeg not installed", lesson_id)
        return False
    with tempfile.TemporaryDirectory(prefix="bds-video-") as folder:
        source = Path(folder) / ("source" + Path(lesson.video.name).suffix)
        with lesson.video.open("rb") as video, source.open("wb") as copy:
            shutil.copyfileobj(video, copy, length=1024 * 1024)
        probe = subprocess.run(  # noqa: S603 - fixed arguments, the path is ours
            [ffprobe, "-v", "error", "-show_entries", "format=duration", "-of", "default=nw=1:nk=1", str(source)],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        try:
            duration = float(probe.stdout.strip())
        except ValueError:
            logger.warning("ffprobe could not read lesson %s's video: %s", lesson_id, probe.stderr.strip()[:500])
            return False
        poster = Path(folder) / "poster.jpg"
        frame_at = min(5.0, duration / 3)
        grab = subprocess.run(  # noqa: S603
            [
                ffmpeg,
                "-v",
                "error",
                "-y",
                "-ss",
                f"{frame_at:.2f}",
                "-i",
                str(source),
                "-frames:v",
                "1",
                "-q:v",
                "3",
                str(poster),
            ],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        lesson.duration_seconds = round(duration)
        fields = ["duration_seconds"]
        if grab.returncode == 0 and poster.exists():
            lesson.poster.save(f"{lesson.slug}.jpg", ContentFile(poster.read_bytes()), save=False)
            fields.append("poster")
        else:
            logger.warning("ffmpeg could not grab a poster for lesson %s: %s", lesson_id, grab.stderr.strip()[:500])
        lesson.save(update_fields=fields)
    logger.info("video processed for lesson %s: %ss, poster=%s", lesson_id, lesson.duration_seconds, "poster" in fields)
    return True
