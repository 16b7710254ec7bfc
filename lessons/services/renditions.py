"""Adaptive streaming: HLS renditions of a lesson's video, made by the worker with ffmpeg.

After an upload has been processed (duration, poster), the worker encodes one rendition per height
in VIDEO_RENDITION_HEIGHTS that the source reaches (360p/720p/1080p by default), each cut into
6-second segments, plus a master playlist naming them. They go to private storage beside the
uploads, in a folder named after the video (`hls/videos/<name>/`), so retiring the video retires
them too (lessons/uploads.py). `Lesson.hls_source` records which video they were made from: they
play only while that is still the lesson's video.

Students fetch the playlists and every segment through the lesson's own URL (lessons/views.py
`lesson_hls`), which checks access on each request and redirects a segment to a short-lived signed
URL: a refunded student's next segment request is refused.
"""

import logging
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.db import transaction

from core.storage import private_storage
from courses.cache import public_pages_bump
from lessons.models import Lesson

logger = logging.getLogger(__name__)

HLS_ROOT = "hls"
MASTER_PLAYLIST = "master.m3u8"
SEGMENT_SECONDS = 6
AUDIO_KBPS = 96
# Video bitrate ceilings by height (kbit/s), in line with common streaming ladders; a height not
# listed gets the next lower one's ceiling scaled by its pixel count.
VIDEO_KBPS = {240: 400, 360: 800, 480: 1400, 720: 2800, 1080: 5000, 1440: 9000, 2160: 16000}
# What a student's browser may ask for inside a renditions folder, and nothing else.
HLS_PATH = re.compile(r"^(?:master\.m3u8|(?P<height>\d{3,4})p/(?:index\.m3u8|seg_\d{5}\.ts))$")
ENCODE_TIMEOUT_SECONDS = 3 * 3600


def renditions_enabled() -> bool:
    return bool(settings.VIDEO_RENDITION_HEIGHTS)


def ffmpeg_tools() -> tuple[str, str] | None:
    """(ffprobe, ffmpeg) as found on PATH, or None when either is missing."""
    ffprobe, ffmpeg = shutil.which("ffprobe"), shutil.which("ffmpeg")
    return (ffprobe, ffmpeg) if ffprobe and ffmpeg else None


def renditions_folder(video_name: str) -> str:
    """Where a video's renditions live: `videos/abc.mp4` -> `hls/videos/abc`."""
    return f"{HLS_ROOT}/{video_name.rsplit('.', 1)[0]}"


def hls_file_name(*, lesson: Lesson, path: str) -> str | None:
    """The stored name of one playlist or segment of the lesson's renditions, or None when the path
    is not one the player may ask for (or the lesson has no renditions of its current video)."""
    if not lesson.has_renditions or not HLS_PATH.match(path):
        return None
    return f"{renditions_folder(lesson.video.name)}/{path}"


def rendition_ladder(*, source_height: int, heights: list[int]) -> list[int]:
    """The heights to encode: those the source reaches, or the source's own (even) height when it is
    smaller than every configured one. Never upscaled."""
    ladder = sorted({height for height in heights if height <= source_height})
    return ladder or [source_height - source_height % 2]


def _video_kbps(height: int) -> int:
    known = max((h for h in VIDEO_KBPS if h <= height), default=min(VIDEO_KBPS))
    return round(VIDEO_KBPS[known] * (height / known) ** 2) if height > known else VIDEO_KBPS[known]


def _probe_dimensions(ffprobe: str, source: Path) -> tuple[int, int] | None:
    probe = subprocess.run(  # noqa: S603 - fixed arguments, the path is ours
        [
            ffprobe,
            "-v",
            "error",
            "-select_streams",
            "v:0",
            "-show_entries",
            "stream=width,height",
            "-of",
            "csv=p=0:s=x",
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    try:
        width, height = (int(value) for value in probe.stdout.strip().split("x")[:2])
    except ValueError:
        logger.warning("ffprobe found no video stream in %s: %s", source.name, probe.stderr.strip()[:300])
        return None
    return width, height


def _encode(ffmpeg: str, source: Path, folder: Path, *, height: int) -> None:
    """One rendition: H.264 + AAC, keyframes every SEGMENT_SECONDS so all renditions switch cleanly."""
    out = folder / f"{height}p"
    out.mkdir()
    kbps = _video_kbps(height)
    command = [
        ffmpeg,
        "-v",
        "error",
        "-y",
        "-i",
        str(source),
        "-map",
        "0:v:0",
        "-map",
        "0:a:0?",
        "-vf",
        f"scale=-2:{height}",
        "-c:v",
        "libx264",
        "-preset",
        "veryfast",
        "-profile:v",
        "main",
        "-crf",
        "23",
        "-maxrate",
        f"{kbps}k",
        "-bufsize",
        f"{2 * kbps}k",
        "-force_key_frames",
        f"expr:gte(t,n_forced*{SEGMENT_SECONDS})",
        "-c:a",
        "aac",
        "-b:a",
        f"{AUDIO_KBPS}k",
        "-ac",
        "2",
        "-f",
        "hls",
        "-hls_time",
        str(SEGMENT_SECONDS),
        "-hls_playlist_type",
        "vod",
        "-hls_segment_filename",
        str(out / "seg_%05d.ts"),
        str(out / "index.m3u8"),
    ]
    subprocess.run(command, capture_output=True, text=True, timeout=ENCODE_TIMEOUT_SECONDS, check=True)  # noqa: S603


def master_playlist(*, renditions: list[tuple[int, int]]) -> str:
    """The master playlist for (width, height) renditions, lowest first (players start there)."""
    lines = ["#EXTM3U", "#EXT-X-VERSION:3"]
    for width, height in sorted(renditions, key=lambda size: size[1]):
        bandwidth = (_video_kbps(height) + AUDIO_KBPS) * 1000
        lines += [
            f'#EXT-X-STREAM-INF:BANDWIDTH={bandwidth},RESOLUTION={width}x{height},CODECS="avc1.4d401f,mp4a.40.2"',
            f"{height}p/index.m3u8",
        ]
    return "\n".join(lines) + "\n"


def _folder_files(storage, folder: str) -> list[str]:
    """Every stored file under `folder` (recursively); empty when the folder does not exist."""
    try:
        directories, files = storage.listdir(folder)
    except FileNotFoundError:
        return []
    names = [f"{folder}/{name}" for name in files]
    for directory in directories:
        names += _folder_files(storage, f"{folder}/{directory}")
    return names


def renditions_delete(*, video_name: str) -> list[str]:
    """Delete a video's renditions from private storage; the names deleted."""
    storage = private_storage()
    names = _folder_files(storage, renditions_folder(video_name))
    for name in names:
        storage.delete(name)
    return names


def lesson_renditions_make(*, lesson_id: int) -> bool:
    """Encode the lesson's video into HLS renditions, store them and record them on the lesson.
    False (with a log line) when renditions are off, ffmpeg is missing, there is no video, or the
    video was replaced while encoding (its renditions are then deleted again)."""
    lesson = Lesson.objects.filter(pk=lesson_id).first()
    if lesson is None or not lesson.video or not renditions_enabled():
        return False
    tools = ffmpeg_tools()
    if tools is None:
        logger.warning("renditions skipped for lesson %s: ffprobe/ffmpeg not installed", lesson_id)
        return False
    ffprobe, ffmpeg = tools
    video_name = lesson.video.name
    storage = private_storage()
    with tempfile.TemporaryDirectory(prefix="bds-hls-") as workdir:
        source = Path(workdir) / ("source" + Path(video_name).suffix)
        with lesson.video.open("rb") as video, source.open("wb") as copy:
            shutil.copyfileobj(video, copy, length=1024 * 1024)
        dimensions = _probe_dimensions(ffprobe, source)
        if dimensions is None:
            return False
        source_width, source_height = dimensions
        output = Path(workdir) / "hls"
        output.mkdir()
        renditions = []
        for height in rendition_ladder(source_height=source_height, heights=settings.VIDEO_RENDITION_HEIGHTS):
            try:
                _encode(ffmpeg, source, output, height=height)
            except (subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
                logger.warning("ffmpeg could not make the %sp rendition of lesson %s: %s", height, lesson_id, error)
                return False
            width = round(source_width * height / source_height / 2) * 2
            renditions.append((width, height))
        (output / MASTER_PLAYLIST).write_text(master_playlist(renditions=renditions))
        # A retry starts from an empty folder: local storage would rename a file that exists.
        renditions_delete(video_name=video_name)
        folder = renditions_folder(video_name)
        for path in sorted(output.rglob("*")):
            if path.is_file():
                with path.open("rb") as handle:
                    storage.save(f"{folder}/{path.relative_to(output).as_posix()}", File(handle))
    with transaction.atomic():
        current = Lesson.objects.select_for_update().filter(pk=lesson_id).values_list("video", flat=True).first()
        if current != video_name:
            replaced = True
        else:
            replaced = False
            Lesson.objects.filter(pk=lesson_id).update(hls_source=video_name)
            # update() sends no signal: the stored lesson rows (lessons/cache.py) would still say
            # "no renditions", so the page would not offer HLS until they expired.
            public_pages_bump()
    if replaced:
        renditions_delete(video_name=video_name)
        logger.info("renditions of lesson %s discarded: its video was replaced while encoding", lesson_id)
        return False
    logger.info("renditions made for lesson %s: %s", lesson_id, ", ".join(f"{h}p" for _, h in renditions))
    return True


def lesson_renditions_make_later(*, lesson_id: int) -> None:
    """Queue the renditions after the current commit (a no-op when renditions are off)."""
    if not renditions_enabled():
        return
    from lessons.tasks import lesson_renditions_task

    transaction.on_commit(lambda: lesson_renditions_task.delay(lesson_id=lesson_id))
