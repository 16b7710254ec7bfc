"""Lesson video processing: duration and poster frame from ffmpeg, in the background."""

import logging
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone

from lessons.models import (
    Lesson,
    VideoState,
)

logger = logging.getLogger(__name__)

# -- video processing -------------------------------------------------------------------------------


def lesson_video_process_later(lesson_id: int) -> None:
    """Queue duration and poster extraction for a lesson's video after the current commit
    (call it from the admin's save_model / save_related when the video changed)."""
    from lessons.tasks import lesson_video_process_task

    lesson = Lesson.objects.filter(pk=lesson_id).only("pk").first()
    if lesson is not None:
        lesson.video_state_set(VideoState.PROCESSING)
    transaction.on_commit(lambda: lesson_video_process_task.delay(lesson_id=lesson_id))


def lesson_video_retry(*, lesson: Lesson) -> None:
    """Queue the processing of a lesson's video again (the admin's "Retry processing" button)."""
    if not lesson.video:
        raise ValueError("This lesson has no video to process.")
    lesson_video_process_later(lesson.pk)


def _tool_message(stderr: str, source: Path, original_name: str) -> str:
    """ffprobe/ffmpeg's complaint without our temporary path, on one line, short enough to show."""
    text = stderr.replace(str(source), Path(original_name).name)
    text = re.sub(r"\[[^\]\n]*@ 0x[0-9a-f]+\]\s*", "", text)  # "[mov,mp4,... @ 0x55d…]" decoder addresses
    lines = [" ".join(line.split()) for line in text.splitlines() if line.strip()]
    return "; ".join(lines)[:400] or "no details given"


def lesson_video_process(*, lesson_id: int) -> bool:
    """Read the video's duration with ffprobe and grab a poster frame with ffmpeg, storing both on
    the lesson. Skipped (False, with a log line) when the lesson has no video or the tools are absent."""
    lesson = Lesson.objects.filter(pk=lesson_id).first()
    if lesson is None or not lesson.video:
        logger.info("video processing skipped for lesson %s: no video", lesson_id)
        if lesson is not None:
            lesson.video_state_set(VideoState.NONE)
        return False
    ffprobe, ffmpeg = shutil.which("ffprobe"), shutil.which("ffmpeg")
    if not ffprobe or not ffmpeg:
        logger.warning("video processing skipped for lesson %s: ffprobe/ffmpeg not installed", lesson_id)
        lesson.video_state_set(
            VideoState.FAILED,
            "The server cannot process videos (ffprobe/ffmpeg are not installed), so the duration and "
            "poster were not read. Ask the school's staff, then retry.",
        )
        return False
    try:
        return _lesson_video_read(lesson, ffprobe, ffmpeg)
    except subprocess.TimeoutExpired:
        logger.warning("video processing timed out for lesson %s", lesson_id)
        lesson.video_state_set(
            VideoState.FAILED,
            "Reading the video took longer than two minutes; the file may be damaged. Retry, or upload it again.",
        )
        return False
    except OSError as error:
        lesson.video_state_set(
            VideoState.FAILED, f"The uploaded file could not be read from storage ({error.strerror or error})."
        )
        raise  # the task retries a storage hiccup; success sets the state to ready


def _lesson_video_read(lesson: Lesson, ffprobe: str, ffmpeg: str) -> bool:
    lesson_id = lesson.pk
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
            complaint = _tool_message(probe.stderr, source, lesson.video.name)
            lesson.video_state_set(
                VideoState.FAILED,
                f"The file is not a video we can read (ffprobe: {complaint}). "
                "Upload it again as an MP4 (H.264) or MOV file.",
            )
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
        lesson.video_state, lesson.video_error = VideoState.READY, ""
        lesson.video_state_changed_at = timezone.now()
        fields += ["video_state", "video_error", "video_state_changed_at"]
        lesson.save(update_fields=fields)
    logger.info("video processed for lesson %s: %ss, poster=%s", lesson_id, lesson.duration_seconds, "poster" in fields)
    return True
