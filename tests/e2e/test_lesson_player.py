"""The lesson page in Chromium: the course content panel, speed and keyboard shortcuts on a shipped
demo clip (no ffmpeg needed), axe-core clean, screenshots at phone and desktop widths."""

import pytest

from tests.e2e.conftest import DEMO_STUDENT, log_in

pytestmark = pytest.mark.e2e

STUDENT = DEMO_STUDENT


@pytest.fixture
def lesson(enrolled_lesson):
    return enrolled_lesson


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
    # Beside the video the panel is a <details>: it closes and opens from the keyboard.
    page.locator("#curriculum summary").focus()
    page.keyboard.press("Enter")
    assert not page.locator("#curriculum").evaluate("element => element.open")
    page.keyboard.press("Enter")
    assert page.locator("#curriculum").evaluate("element => element.open")

    axe_page = axe_violations.context.new_page()
    log_in(axe_page, *STUDENT)
    axe_page.goto(f"/learn/{course.slug}/{lesson.slug}/")
    assert axe_violations(axe_page) == []


def test_on_a_phone_the_course_content_is_a_drawer(page, lesson, screenshot, axe_violations):
    """Below the two-column breakpoint the panel leaves the page for an off-canvas drawer: the
    "Course content" button opens it as a modal dialog, Escape or the close button closes it, and
    focus goes back to the button; the rest of the page is inert meanwhile."""
    from playwright.sync_api import expect

    log_in(page, *STUDENT)
    course = lesson.section.course
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"/learn/{course.slug}/{lesson.slug}/")
    toggle = page.locator("#curriculum-toggle")
    drawer = page.locator("#curriculum-drawer")
    expect(toggle).to_be_visible()
    assert "Course content" in toggle.inner_text()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_have_attribute("aria-controls", "curriculum-drawer")
    expect(drawer).to_be_hidden()
    # The button sits just above the video, not below the lesson like the panel did.
    toggle_box, video_box = toggle.bounding_box(), page.locator("#lesson-video").bounding_box()
    assert toggle_box["y"] < video_box["y"] < toggle_box["y"] + 200

    screenshot(page, "lesson-curriculum-drawer-closed")
    page.set_viewport_size({"width": 390, "height": 844})
    toggle.click()
    expect(drawer).to_be_visible()
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(drawer).to_have_attribute("role", "dialog")
    expect(drawer).to_have_attribute("aria-modal", "true")
    # Focus moved into the drawer, onto the lesson being watched.
    assert page.evaluate("document.activeElement.getAttribute('aria-current')") == "page"
    assert page.evaluate("document.getElementById('curriculum-drawer').contains(document.activeElement)")
    assert page.evaluate("document.querySelector('.lesson-main').inert")
    assert page.evaluate("document.querySelector('header').inert")  # the site header too
    # Tabbing around, forwards past its end and backwards, never leaves the drawer.
    for key in ["Tab"] * 12 + ["Shift+Tab"] * 14:
        page.keyboard.press(key)
        assert page.evaluate("document.getElementById('curriculum-drawer').contains(document.activeElement)")
    # The drawer slides in (a 0.2 s transform): wait for it to arrive before measuring it. A CI run
    # measured it 1.4 px short, mid-slide, on a loaded machine.
    page.wait_for_function("document.getElementById('curriculum-drawer').getBoundingClientRect().x === 0")
    drawer_box = drawer.bounding_box()
    assert drawer_box["x"] == 0 and drawer_box["width"] <= 390
    page.locator('#curriculum-drawer [aria-current="page"]').focus()
    screenshot_phone(page, "lesson-curriculum-drawer-open-390")

    axe_violations.context.add_cookies(page.context.cookies())
    axe_page = axe_violations.context.new_page()
    axe_page.set_viewport_size({"width": 390, "height": 844})
    axe_page.goto(f"/learn/{course.slug}/{lesson.slug}/")
    axe_page.locator("#curriculum-toggle").click()
    expect(axe_page.locator("#curriculum-drawer")).to_be_visible()
    assert axe_violations(axe_page) == []

    page.keyboard.press("Escape")
    expect(drawer).to_be_hidden()
    expect(toggle).to_have_attribute("aria-expanded", "false")
    assert page.evaluate("document.activeElement.id") == "curriculum-toggle"
    assert not page.evaluate("document.querySelector('.lesson-main').inert")

    toggle.click()
    page.get_by_role("button", name="Close course content").click()
    expect(drawer).to_be_hidden()
    assert page.evaluate("document.activeElement.id") == "curriculum-toggle"

    # A wide window has no drawer and no button: the panel is the column beside the video.
    page.set_viewport_size({"width": 1366, "height": 768})
    expect(toggle).to_be_hidden()
    expect(drawer).to_be_visible()
    assert drawer.bounding_box()["x"] > 700


def screenshot_phone(page, name):
    from tests.e2e.conftest import SCREENSHOTS

    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=SCREENSHOTS / f"{name}.png")
