"""Adaptive streaming in Chromium: a processed upload plays through hls.js, every playlist and
segment fetched from the lesson's access-checked URL, and a refund stops the next segment."""

import re
import shutil
import subprocess

import pytest
from django.conf import settings
from django.core.files.base import ContentFile
from django.test import Client

from tests.e2e.conftest import wait_for

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not (shutil.which("ffmpeg") and shutil.which("ffprobe")), reason="needs ffmpeg"),
]

PLAY = """async () => {
  const video = document.getElementById('lesson-video');
  video.muted = true;
  await video.play();
  return true;
}"""


@pytest.fixture
def processed_lesson(demo, tmp_path, settings):
    """A demo lesson with a freshly uploaded 14-second 640x360 clip, processed by the worker's task."""
    from lessons.models import Lesson
    from lessons.tasks import lesson_video_process_task

    settings.VIDEO_RENDITION_HEIGHTS = [180, 360, 720]
    clip = tmp_path / "upload.mp4"
    subprocess.run(
        [
            shutil.which("ffmpeg"), "-v", "error", "-f", "lavfi", "-i", "testsrc2=duration=14:size=640x360:rate=24",
            "-f", "lavfi", "-i", "sine=frequency=330:duration=14", "-shortest", "-pix_fmt", "yuv420p",
            "-c:v", "libx264", "-preset", "veryfast", "-c:a", "aac", str(clip),
        ],
        check=True,
        timeout=120,
    )  # fmt: skip
    lesson = Lesson.objects.filter(is_preview=False, section__course__price__gt=0).order_by("pk").first()
    lesson.video.save(f"hls-e2e-{lesson.pk}.mp4", ContentFile(clip.read_bytes()))
    # What the admin's save queues: processing, then (chained by the task) the renditions.
    lesson_video_process_task.delay(lesson_id=lesson.pk)
    lesson.refresh_from_db()
    assert lesson.has_renditions
    return lesson


def _student_context(new_context, live_server, lesson):
    from django.contrib.auth import get_user_model

    from enrollments.models import Enrollment

    student = get_user_model().objects.create_user(
        email="hls.student@example.com", password=None, full_name="Hal Streamer"
    )
    enrollment = Enrollment.objects.create(user=student, course=lesson.section.course, status=Enrollment.Status.ACTIVE)
    login = Client()
    login.force_login(student)
    context = new_context()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": login.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": live_server.url,
            }
        ]
    )
    return context, enrollment


def test_a_processed_upload_streams_adaptively_and_a_refund_stops_it(processed_lesson, new_context, live_server):
    from enrollments.services import enrollment_refund

    context, enrollment = _student_context(new_context, live_server, processed_lesson)
    page = context.new_page()
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    console_errors = []
    page.on("console", lambda message: message.type == "error" and console_errors.append(message.text))

    course = processed_lesson.section.course
    page.goto(f"/learn/{course.slug}/{processed_lesson.slug}/")
    video = page.locator("#lesson-video")
    assert video.get_attribute("data-hls") == f"/learn/{course.slug}/{processed_lesson.slug}/hls/master.m3u8"
    assert wait_for(lambda: video.get_attribute("data-stream"), page) == "hls"

    page.evaluate(PLAY)
    assert wait_for(lambda: page.evaluate("document.getElementById('lesson-video').currentTime > 2"), page)
    hls_requests = [url for url in requests if "/hls/" in url]
    assert any(url.endswith("/hls/master.m3u8") for url in hls_requests)
    assert any(re.search(r"/hls/\d+p/index\.m3u8$", url) for url in hls_requests)
    assert any(re.search(r"/hls/\d+p/seg_\d{5}\.ts$", url) for url in hls_requests)
    # Segments come through the lesson's URL, then a short-lived signed one: never the MP4.
    assert any("/private-media/" in url for url in requests)
    assert not [error for error in console_errors if "Content Security Policy" in error]

    # Refunded: the very next segment is refused by the lesson's URL.
    enrollment_refund(enrollment=enrollment)  # as a Stripe refund does
    response = page.request.get(f"/learn/{course.slug}/{processed_lesson.slug}/hls/360p/seg_00001.ts", max_redirects=0)
    assert response.status == 403
