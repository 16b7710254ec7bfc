"""The player in a real browser (Debian's Chromium, driven over the DevTools protocol): a student
watches, leaves, comes back to the same second, and the video's end completes the lesson.

Marked e2e (`make test` deselects it); runs on PostgreSQL with Chromium and ffmpeg installed.
"""

import asyncio
import json
import shutil
import subprocess
import time

import pytest
from django.conf import settings
from django.core.files.base import ContentFile

from lessons.models import LessonProgress
from tests.ports import stop_process

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"

pytestmark = [
    pytest.mark.e2e,
    # The live server's request threads leak SQLite connections (ResourceWarning, an error here).
    pytest.mark.postgres,
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"), reason="needs PostgreSQL for the live server"
    ),
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(not (shutil.which("chromium") and shutil.which("ffmpeg")), reason="needs chromium and ffmpeg"),
]

# The page loaded and the video's metadata arrived (so the player has had its chance to resume).
PAGE_READY = "document.readyState === 'complete' && document.getElementById('lesson-video')?.readyState >= 1"

PLAY_FOR_SECONDS = """(async () => {
  const video = document.getElementById('lesson-video');
  video.muted = true;
  await video.play();
  await new Promise(resolve => setTimeout(resolve, 5000));
  video.pause();
  await new Promise(resolve => setTimeout(resolve, 1500));  // the pause handler's save
  return video.currentTime;
})()"""

PLAY_TO_THE_END = """(async () => {
  const video = document.getElementById('lesson-video');
  video.muted = true;
  await video.play();
  await new Promise(resolve => video.addEventListener('ended', resolve, {once: true}));
  await new Promise(resolve => setTimeout(resolve, 1500));
  return document.body.innerText.includes('Lesson complete.');
})()"""


class DevTools:
    """The few DevTools protocol calls this test needs, over aiohttp's websocket client."""

    def __init__(self, websocket):
        self.websocket, self.last_id = websocket, 0

    async def call(self, method, **params):
        self.last_id += 1
        await self.websocket.send_str(json.dumps({"id": self.last_id, "method": method, "params": params}))
        while True:
            message = json.loads((await self.websocket.receive()).data)
            if message.get("id") == self.last_id:
                return message.get("result", {})

    async def evaluate(self, expression):
        result = await self.call("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        return result["result"].get("value")


async def visit(devtools_port, base_url, session_cookie, path, expression):
    """Open `path` logged in, wait for the page, evaluate `expression` and return its value."""
    import aiohttp

    async with aiohttp.ClientSession() as session:
        async with session.get(f"http://127.0.0.1:{devtools_port}/json/list") as response:
            page = next(target for target in await response.json() if target["type"] == "page")
        async with session.ws_connect(page["webSocketDebuggerUrl"], max_msg_size=0) as websocket:
            devtools = DevTools(websocket)
            await devtools.call("Network.enable")
            await devtools.call("Network.setCookie", name="sessionid", value=session_cookie, url=base_url)
            await devtools.call("Page.enable")
            await devtools.call("Page.navigate", url=base_url + path)
            for _ in range(50):
                if await devtools.evaluate(PAGE_READY):
                    break
                await asyncio.sleep(0.2)
            return await devtools.evaluate(expression)


@pytest.fixture
def chromium(tmp_path):
    profile = tmp_path / "profile"
    process = subprocess.Popen(
        [
            CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--disable-quic", "--no-first-run",
            "--autoplay-policy=no-user-gesture-required", "--remote-debugging-port=0",
            f"--user-data-dir={profile}", "about:blank",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        port_file = profile / "DevToolsActivePort"
        for _ in range(150):
            if port_file.exists() and port_file.read_text().strip():
                break
            time.sleep(0.2)
        yield int(port_file.read_text().split()[0])
    finally:
        stop_process(process)


def test_watch_leave_resume_and_complete_at_the_end(live_server, client, enrolled, course, lessons, tmp_path, chromium):
    clip = tmp_path / "clip.webm"
    subprocess.run(
        [shutil.which("ffmpeg"), "-v", "error", "-f", "lavfi", "-i", "testsrc=duration=12:size=160x120:rate=10",
         "-c:v", "libvpx", "-b:v", "200k", str(clip)],
        check=True,
        timeout=120,
    )  # fmt: skip
    lesson = lessons["classes"]
    lesson.video.save("classes.webm", ContentFile(clip.read_bytes()))
    client.force_login(enrolled)
    cookie = client.cookies["sessionid"].value
    path = f"/learn/{course.slug}/{lesson.slug}/"

    watched = asyncio.run(visit(chromium, live_server.url, cookie, path, PLAY_FOR_SECONDS))
    saved = LessonProgress.objects.get(user=enrolled, lesson=lesson)
    assert saved.position_seconds == int(watched) >= 3
    assert saved.completed_at is None

    # Coming back: the player seeks (HTTP Range on the signed URL) to the saved second.
    resumed_at = asyncio.run(
        visit(chromium, live_server.url, cookie, path, "document.getElementById('lesson-video').currentTime")
    )
    assert resumed_at == pytest.approx(saved.position_seconds, abs=0.5)

    assert asyncio.run(visit(chromium, live_server.url, cookie, path, PLAY_TO_THE_END)) is True
    saved.refresh_from_db()
    assert saved.completed_at is not None
