"""The lesson page in Chromium: the course content panel, speed and keyboard shortcuts on a shipped
demo clip (no ffmpeg needed), axe-core clean, screenshots at phone and desktop widths."""

import pytest

from accounts.models import User
from enrollments.models import Enrollment
from lessons.models import Lesson
from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

STUDENT = ("student@bostondroneschool.test", "demo-student-pass-2026")


@pytest.fixture
def lesson(demo):
    lesson = Lesson.objects.select_related("section__course").get(slug="flying-for-fun-or-for-work")
    Enrollment.objects.update_or_create(
        user=User.objects.get(email=STUDENT[0]),
        course=lesson.section.course,
        defaults={"status": Enrollment.Status.ACTIVE},
    )
    return lesson


def test_lesson_player_panel_and_shortcuts(page, lesson, screenshot, axe_violations):
    log_in(page, *STUDENT)
    course = lesson.section.course
    page.goto(f"/learn/{course.slug}/{lesson.slug}/")
    page.wait_for_function("document.getElementById('lesson-video').readyState >= 1")
    panel = page.locator("#curriculum")
    assert "Lesson 1 of" in panel.locator("summary").inner_text()
    assert panel.locator('[aria-current="page"]').inner_text().split("\n")[1] == lesson.title
    assert page.evaluate("document.getElementById('lesson-video').duration") == pytest.approx(
        lesson.duration_seconds, abs=0.5
    )

    # The demo clip's English captions are a default <track>; "c" turns them off and on again.
    modes = "Array.from(document.getElementById('lesson-video').textTracks).map(track => track.mode)"
    assert page.evaluate(modes) == ["showing"]
    page.locator("h1").click()  # focus on the page, not a control
    page.keyboard.press("c")
    assert page.evaluate(modes) == ["disabled"]
    page.keyboard.press("c")
    assert page.evaluate(modes) == ["showing"]
    page.keyboard.press(">")
    assert page.evaluate("document.getElementById('lesson-video').playbackRate") == 1.25
    assert page.locator("#player-speed").input_value() == "1.25"
    page.keyboard.press("ArrowRight")
    assert page.evaluate("document.getElementById('lesson-video').currentTime") == pytest.approx(5, abs=0.5)
    page.get_by_text("Keyboard shortcuts").click()
    assert page.get_by_text("Captions on or off").is_visible()

    # The transcript: searchable, each cue seeks the video.
    page.get_by_text("Transcript", exact=True).click()
    page.get_by_label("Search the transcript").fill("battery")
    visible = page.locator(".transcript-cue:visible")
    assert visible.count() == 1
    visible.click()
    assert page.evaluate("document.getElementById('lesson-video').currentTime") >= 22
    page.evaluate("document.getElementById('lesson-video').pause()")
    page.get_by_label("Search the transcript").fill("")
    screenshot(page, "lesson-player")
    # The panel is a <details>: it closes and opens from the keyboard.
    page.locator("#curriculum summary").focus()
    page.keyboard.press("Enter")
    assert not page.locator("#curriculum").evaluate("element => element.open")
    page.set_viewport_size({"width": 390, "height": 844})
    page.keyboard.press("Enter")
    assert page.locator("#curriculum").evaluate("element => element.open")
    page.screenshot(path="tests/e2e/screenshots/lesson-curriculum-drawer-390.png", full_page=True)

    axe_page = axe_violations.context.new_page()
    log_in(axe_page, *STUDENT)
    axe_page.goto(f"/learn/{course.slug}/{lesson.slug}/")
    assert axe_violations(axe_page) == []
