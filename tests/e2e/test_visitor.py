"""Journey 1: a visitor searches the catalog, opens a course and plays its free preview lesson."""

import re
import shutil

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import requires_urls

pytestmark = [pytest.mark.e2e, requires_urls("courses:catalog", "lessons:lesson")]


@pytest.mark.skipif(not shutil.which("ffmpeg"), reason="seed_demo makes the preview videos with ffmpeg")
def test_visitor_finds_a_course_and_watches_its_preview(demo, page, screenshot):
    page.goto("/")
    page.get_by_role("navigation", name="Main").first.get_by_role("link", name="Courses").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Courses")

    courses = page.get_by_role("main").get_by_role("heading", level=3)
    all_courses = courses.count()
    search = page.get_by_role("search")
    search.get_by_label("Search courses").fill("part 107")
    search.get_by_role("button", name="Show courses").click()
    expect(page).to_have_url(re.compile(r"/courses/\?.*q=part\+107"))
    expect(page.get_by_role("link", name="Part 107 Recurrent Review")).to_be_visible()
    assert 2 <= courses.count() < all_courses
    page.get_by_role("link", name="Part 107 Remote Pilot Exam Prep").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Part 107 Remote Pilot Exam Prep")
    syllabus = page.get_by_role("region", name="Syllabus")
    syllabus.get_by_role("link", name="Welcome and how the knowledge test works").click()

    expect(page.get_by_role("heading", level=1)).to_have_text("Welcome and how the knowledge test works")
    expect(page.get_by_text("Free preview")).to_be_visible()
    video = page.locator("video")
    expect(video).to_be_visible()
    # The browser fetches and decodes the real MP4: it plays, and time moves on.
    played = video.evaluate(
        """async (video) => {
            video.muted = true;
            await video.play();
            await new Promise((resolve) => video.addEventListener('timeupdate', () => {
                if (video.currentTime > 0.5) resolve();
            }));
            video.pause();
            return {time: video.currentTime, duration: video.duration, error: video.error};
        }"""
    )
    assert played["error"] is None
    assert 0.5 < played["time"] <= played["duration"]
    screenshot(page)
