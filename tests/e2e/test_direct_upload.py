"""A 50 MB lesson video uploaded through the admin widget in Chromium, straight to the S3-compatible
server (moto on 127.0.0.1) in parts, reaching 100%; saving the form attaches the uploaded key.

Marked e2e; needs PostgreSQL for the live server (as the other browser tests) and Debian's Chromium.
"""

import os
import shutil
from contextlib import contextmanager
from urllib.parse import parse_qs, urlsplit

import pytest
from django.conf import settings
from django.test import Client

from lessons.models import Lesson
from tests.e2e.conftest import CHROMIUM
from tests.media import conftest as media

# The upload fixtures (moto server, S3 storage, instructors with MFA) are shared with tests/media.
moto_endpoint, s3, s3_storage = media.moto_endpoint, media.s3, media.s3_storage
instructors_group, make_instructor, make_lesson = media.instructors_group, media.make_instructor, media.make_lesson
ian, ians_lesson = media.ian, media.ians_lesson

FIFTY_MB = 50 * 1024 * 1024

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.postgres,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"), reason="needs PostgreSQL for the live server"
    ),
    pytest.mark.skipif(not shutil.which(CHROMIUM), reason="needs Chromium"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def admin_browser(browser, live_server, s3_storage, moto_endpoint, ian, settings, monkeypatch):
    """Open Chromium logged in as Ian (with MFA) on the live server; yields `open(path)` -> page."""
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in this thread
    # The site's CSP lets the page talk to the bucket's origin (bds/settings.py adds the endpoint).
    settings.SECURE_CSP = {**settings.SECURE_CSP, "connect-src": [*settings.SECURE_CSP["connect-src"], moto_endpoint]}
    login = Client()
    login.force_login(ian)
    session = {"name": settings.SESSION_COOKIE_NAME, "value": login.cookies[settings.SESSION_COOKIE_NAME].value}

    @contextmanager
    def opened(path: str, *, upload_bytes_per_second: int = 0):
        # A new context in the session's Chromium (tests/e2e/conftest.py): one Playwright per process,
        # since a second sync_playwright() cannot start inside the first one's event loop.
        context = browser.new_context(base_url=live_server.url)
        try:
            context.set_default_timeout(60_000)
            context.add_cookies([session | {"url": live_server.url}])
            page = context.new_page()
            if upload_bytes_per_second:
                devtools = context.new_cdp_session(page)
                devtools.send("Network.enable")
                devtools.send(
                    "Network.emulateNetworkConditions",
                    {
                        "offline": False,
                        "latency": 0,
                        "downloadThroughput": -1,
                        "uploadThroughput": upload_bytes_per_second,
                    },
                )
            page.goto(path)
            yield page
            page.wait_for_load_state("networkidle")
        finally:
            context.close()

    return opened


@pytest.fixture
def big_video(tmp_path):
    video = tmp_path / "big-lesson.mp4"
    video.write_bytes(os.urandom(1024 * 1024) * 50)
    return video


def part_number(url: str) -> int | None:
    values = parse_qs(urlsplit(url).query).get("partNumber")
    return int(values[0]) if values else None


def test_fifty_megabytes_through_the_widget_reach_100_percent(admin_browser, s3, ians_lesson, big_video):
    with admin_browser(f"/admin/lessons/lesson/{ians_lesson.pk}/change/") as page:
        page.set_input_files("input[name=video]", str(big_video))
        status = page.locator("[data-upload-text]").first
        status.filter(has_text="Uploaded big-lesson.mp4").wait_for(timeout=120_000)
        assert "100%" in status.inner_text()
        assert page.locator("[data-upload-progress]").first.get_attribute("value") == "100"
        # The file input is empty now: the form posts the token, not 50 MB.
        assert page.eval_on_selector("input[name=video]", "input => input.files.length") == 0

        page.get_by_role("button", name="Save", exact=True).click()
        page.wait_for_url("**/admin/lessons/lesson/")

    lesson = Lesson.objects.get(pk=ians_lesson.pk)
    assert lesson.video.name.startswith(f"videos/{lesson.section.course.slug}/{lesson.pk}/")
    head = s3.head_object(Bucket=media.BUCKET, Key=f"private/{lesson.video.name}")
    assert head["ContentLength"] == FIFTY_MB


def test_after_a_reload_the_same_file_resumes_with_the_missing_parts(admin_browser, s3, ians_lesson, big_video):
    before, after = [], []
    with admin_browser(f"/admin/lessons/lesson/{ians_lesson.pk}/change/", upload_bytes_per_second=8 * 1024**2) as page:
        page.on("requestfinished", lambda request: part_number(request.url) and before.append(part_number(request.url)))
        page.set_input_files("input[name=video]", str(big_video))
        for _ in range(1200):  # until two parts are in the bucket (at most two minutes)
            if len(before) >= 2:
                break
            page.wait_for_timeout(100)
        assert len(before) >= 2
        page.reload()
        page.locator("[data-upload-text]").first.filter(has_text="Choose the same file to resume").wait_for()
        done_before = list(before)
        page.on("request", lambda request: part_number(request.url) and after.append(part_number(request.url)))
        page.set_input_files("input[name=video]", str(big_video))
        status = page.locator("[data-upload-text]").first
        status.filter(has_text="Uploaded big-lesson.mp4").wait_for(timeout=120_000)
        token = page.input_value("input[name=video__upload]")

    assert token
    assert not set(after) & set(done_before), (done_before, after)  # finished parts were not sent again
    assert len(set(after)) < 7
    key = next(item["Key"] for item in s3.list_objects_v2(Bucket=media.BUCKET)["Contents"])
    assert s3.get_object(Bucket=media.BUCKET, Key=key)["Body"].read() == big_video.read_bytes()


def test_cancel_aborts_the_multipart_upload(admin_browser, s3, ians_lesson, big_video):
    with admin_browser(f"/admin/lessons/lesson/{ians_lesson.pk}/change/", upload_bytes_per_second=2 * 1024**2) as page:
        page.set_input_files("input[name=video]", str(big_video))
        page.locator("[data-upload-text]").first.filter(has_text="Uploading big-lesson.mp4").wait_for()
        assert len(s3.list_multipart_uploads(Bucket=media.BUCKET).get("Uploads", [])) == 1
        page.get_by_role("button", name="Cancel upload").click()
        page.locator("[data-upload-text]").first.filter(has_text="Upload cancelled.").wait_for()
        assert page.input_value("input[name=video__upload]") == ""

    assert s3.list_multipart_uploads(Bucket=media.BUCKET).get("Uploads", []) == []
    assert "Contents" not in s3.list_objects_v2(Bucket=media.BUCKET)
