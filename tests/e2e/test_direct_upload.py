"""A 50 MB lesson video uploaded through the admin widget in Chromium, straight to the S3-compatible
server (moto on 127.0.0.1) in parts, reaching 100%; saving the form attaches the uploaded key.

Marked e2e; needs PostgreSQL for the live server (as the other browser tests) and Debian's Chromium.
"""

import os
import shutil

import pytest
from django.conf import settings
from django.test import Client
from playwright.sync_api import sync_playwright

from lessons.models import Lesson
from tests.media import conftest as media

# The upload fixtures (moto server, S3 storage, instructors with MFA) are shared with tests/media.
moto_endpoint, s3, s3_storage = media.moto_endpoint, media.s3, media.s3_storage
instructors_group, make_instructor, make_lesson = media.instructors_group, media.make_instructor, media.make_lesson
ian, ians_lesson = media.ian, media.ians_lesson

CHROMIUM = os.environ.get("E2E_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
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


def test_fifty_megabytes_through_the_widget_reach_100_percent(
    live_server, s3_storage, s3, moto_endpoint, ian, ians_lesson, settings, tmp_path, monkeypatch
):
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's loop runs in this thread
    # The site's CSP lets the page talk to the bucket's origin (bds/settings.py adds the endpoint).
    settings.SECURE_CSP = {
        **settings.SECURE_CSP,
        "connect-src": [*settings.SECURE_CSP["connect-src"], moto_endpoint],
    }
    video = tmp_path / "big-lesson.mp4"
    video.write_bytes(os.urandom(1024 * 1024) * 50)
    login = Client()
    login.force_login(ian)
    session = {"name": settings.SESSION_COOKIE_NAME, "value": login.cookies[settings.SESSION_COOKIE_NAME].value}
    # Playwright runs an event loop in this thread while it is open, and Django then keys database
    # connections to that loop's context: all database work stays outside this block.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(base_url=live_server.url)
        context.set_default_timeout(60_000)
        context.add_cookies([session | {"url": live_server.url}])
        page = context.new_page()
        page.goto(f"/admin/lessons/lesson/{ians_lesson.pk}/change/")

        page.set_input_files("input[name=video]", str(video))
        status = page.locator("[data-upload-text]").first
        status.filter(has_text="Uploaded big-lesson.mp4").wait_for(timeout=120_000)
        assert "100%" in status.inner_text()
        assert page.locator("[data-upload-progress]").first.get_attribute("value") == "100"
        # The file input is empty now: the form posts the token, not 50 MB.
        assert page.eval_on_selector("input[name=video]", "input => input.files.length") == 0

        page.get_by_role("button", name="Save", exact=True).click()
        page.wait_for_url("**/admin/lessons/lesson/")
        page.wait_for_load_state("networkidle")
        browser.close()

    lesson = Lesson.objects.get(pk=ians_lesson.pk)
    assert lesson.video.name.startswith(f"videos/{lesson.section.course.slug}/{lesson.pk}/")
    head = s3.head_object(Bucket=media.BUCKET, Key=f"private/{lesson.video.name}")
    assert head["ContentLength"] == FIFTY_MB
