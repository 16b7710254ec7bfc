"""The signed-in pages whose parts are now stored per student (course outline, lesson, course page,
My account), in Chromium: each opened twice so the second comes from the cache, the same page both
times, a completion showing on the next view, axe-core clean, screenshots at 1366 and 390 px."""

import pytest

from accounts.models import User
from lessons import services
from tests.e2e.conftest import DEMO_STUDENT, log_in

pytestmark = pytest.mark.e2e

STUDENT = DEMO_STUDENT


@pytest.fixture
def lesson(enrolled_lesson):
    return enrolled_lesson


def _main_text(page) -> str:
    return page.locator("main").inner_text()


def test_stored_signed_in_pages_look_the_same_and_follow_progress(page, lesson, screenshot, axe_violations):
    log_in(page, *STUDENT)
    course = lesson.section.course
    pages = {
        "stored-outline": f"/learn/{course.slug}/",
        "stored-lesson": f"/learn/{course.slug}/{lesson.slug}/",
        "stored-course-page": f"/courses/{course.slug}/",
        "stored-my-account": "/accounts/me/",
    }
    for name, path in pages.items():
        page.goto(path)
        rendered = _main_text(page)
        page.goto(path)  # from what the first view stored
        assert _main_text(page) == rendered, name
        screenshot(page, name)

    page.goto(pages["stored-course-page"])
    assert page.get_by_role("link", name="Go to course").first.is_visible()
    page.goto(pages["stored-outline"])
    assert "Progress: 0 of" in _main_text(page)

    services.lesson_complete(user=User.objects.get(email=STUDENT[0]), lesson=lesson)
    page.goto(pages["stored-outline"])
    assert "Progress: 1 of" in _main_text(page)
    page.goto(pages["stored-lesson"])
    current = page.locator("#curriculum .is-current")
    assert "is-done" in current.get_attribute("class")

    # The stored My account page carries this browser's CSRF token: a save goes through.
    page.goto(pages["stored-my-account"])
    page.get_by_label("Full name").fill("Sam Stored")
    page.get_by_role("button", name="Save").click()
    assert page.get_by_text("Your details are saved.").is_visible()
    assert page.get_by_label("Full name").input_value() == "Sam Stored"

    axe_page = axe_violations.context.new_page()
    log_in(axe_page, *STUDENT)
    for path in pages.values():
        axe_page.goto(path)
        assert axe_violations(axe_page) == [], path
