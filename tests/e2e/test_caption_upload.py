"""Captions from upload to student (issue 20) in Chromium: an instructor, signed in with her second
factor, finds the video lesson without captions in the lesson list, uploads a malformed .vtt and is
told the wrong line, uploads a valid one; the course page then says "Fully captioned" and the
enrolled student gets the <track> (its signed URL answers 200) and a transcript of its cues.
Screenshots at 390 and 1366 px; axe-core clean on the public pages and the admin's new parts."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.core.files.base import ContentFile
from playwright.sync_api import expect

from bds.demo.files import DEMO_CLIPS
from enrollments.models import Enrollment
from lessons.models import Lesson
from tests.e2e.conftest import AXE_JS, log_in, log_in_with_totp, totp_activate, wait_for

pytestmark = pytest.mark.e2e

INSTRUCTOR = ("maya.okafor@bostondroneschool.test", "demo-instructor-pass-2026")
STUDENT = ("student@bostondroneschool.test", "demo-student-pass-2026")
COURSE_SLUG = "fly-safe-drone-basics"

MALFORMED_VTT = b"WEBVTT\n\n00:00.000 --> 00:04.000\nWalk around the aircraft.\n\n00:05.000 -> 00:09.000\nOops.\n"
VALID_VTT = (
    b"WEBVTT\n\n"
    b"00:00.000 --> 00:05.500\nRegister any drone over 250 grams with the FAA.\n\n"
    b"00:06.000 --> 00:12.000\nRemote ID broadcasts where your drone is and where you stand.\n\n"
    b"00:12.000 --> 00:30.000\nCarry your registration certificate whenever you fly.\n"
)


def axe_within(page, selector):
    """axe-core's serious/critical violations inside `selector` (the stock admin around it has its own)."""
    page.add_script_tag(path=str(AXE_JS))
    results = page.evaluate(
        """(selector) => axe.run({include: [[selector]]}, {
            runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']},
        })""",
        selector,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']}"
        for v in results["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.fixture
def uncaptioned_lesson(demo):
    """The course's second lesson gets a video (a shipped demo clip) but no captions yet."""
    lesson = Lesson.objects.filter(section__course__slug=COURSE_SLUG).order_by("section__order", "order")[1]
    clip = DEMO_CLIPS[1]
    lesson.video.save(f"{lesson.slug}.mp4", ContentFile(clip.video_path.read_bytes()))
    Lesson.objects.filter(pk=lesson.pk).update(duration_seconds=clip.seconds)
    lesson.refresh_from_db()
    assert not lesson.captions.exists()
    return lesson


def test_an_instructor_uploads_captions_and_the_student_gets_them(
    page, new_context, uncaptioned_lesson, screenshot, axe_violations
):
    lesson = uncaptioned_lesson
    course = lesson.section.course

    # The visitor's course page, before: only some video lessons are captioned.
    page.goto(course.get_absolute_url())
    expect(page.locator(".course-facts")).to_contain_text("On 1 of 2 video lessons")

    secret = totp_activate(get_user_model().objects.get(email=INSTRUCTOR[0]))
    log_in_with_totp(page, *INSTRUCTOR, secret)

    # The admin index counts it and links to the filtered lesson list.
    page.goto("/admin/")
    notice = page.locator(".captions-notice")
    expect(notice).to_contain_text("1 published video lesson has no captions")
    screenshot(page, "captions-admin-index-notice")
    notice.get_by_role("link").click()
    page.wait_for_url(re.compile(r"captions=missing"))
    row = page.get_by_role("row").filter(has_text=lesson.title)
    expect(row.locator(".captions-missing")).to_have_text("Missing")
    expect(page.get_by_role("row").filter(has_text="Flying for fun or for work")).to_have_count(0)
    screenshot(page, "captions-admin-lesson-list-missing")
    page.locator(".filter-open-button").click()  # unfold keeps the filters in a side panel
    expect(page.get_by_text("Missing (published videos)")).to_be_visible()
    screenshot(page, "captions-admin-lesson-filter")
    page.goto(f"/admin/lessons/lesson/?section__course__id__exact={course.pk}")
    expect(page.get_by_role("row").filter(has_text="Flying for fun or for work").get_by_text("English")).to_be_visible()
    screenshot(page, "captions-admin-lesson-list")

    # A malformed file is refused, naming the line that is wrong.
    page.goto(f"/admin/lessons/lesson/{lesson.pk}/change/")
    page.locator('input[name="captions-0-language"]').fill("en")
    page.locator('input[name="captions-0-label"]').fill("English")
    page.locator('input[name="captions-0-is_default"]').check()
    page.locator('input[name="captions-0-file"]').set_input_files(
        {"name": "registration.en.vtt", "mimeType": "text/vtt", "buffer": MALFORMED_VTT}
    )
    page.locator('[name="_continue"]').first.click()
    error = page.get_by_text(re.compile(r"Not a valid WebVTT file\. Line 6: expected cue timings"))
    expect(error).to_be_visible()
    assert not lesson.captions.exists()
    error.scroll_into_view_if_needed()
    screenshot(page, "captions-admin-bad-vtt")

    # A valid one saves.
    page.locator('input[name="captions-0-file"]').set_input_files(
        {"name": "registration.en.vtt", "mimeType": "text/vtt", "buffer": VALID_VTT}
    )
    page.locator('[name="_continue"]').first.click()
    expect(page.get_by_text(re.compile(r"was changed successfully"))).to_be_visible()
    caption = lesson.captions.get()
    assert (caption.language, caption.label, caption.is_default) == ("en", "English", True)
    page.goto("/admin/")
    expect(page.locator(".captions-notice")).to_have_count(0)

    axe_violations.context.add_cookies(page.context.cookies())  # the same session (a TOTP code works once)
    axe_page = axe_violations.context.new_page()
    axe_page.goto("/admin/lessons/lesson/")
    assert axe_within(axe_page, "#changelist-filter, .captions-missing, td.field-captions_column") == []

    # The visitor's next request shows the course fully captioned (the cached page was invalidated).
    visitor = new_context().new_page()
    visitor.goto(course.get_absolute_url())
    facts = visitor.locator(".course-facts")
    expect(facts).to_contain_text("Fully captioned")
    expect(facts).to_contain_text("English")
    screenshot(visitor, "captions-course-page-fully-captioned")
    assert axe_violations(course.get_absolute_url()) == []

    # The enrolled student: a default English <track> whose signed URL loads, and the transcript.
    Enrollment.objects.update_or_create(
        user=get_user_model().objects.get(email=STUDENT[0]), course=course, defaults={"status": "active"}
    )
    student = new_context().new_page()
    log_in(student, *STUDENT)
    student.goto(f"/learn/{course.slug}/{lesson.slug}/")
    student.wait_for_function("document.getElementById('lesson-video').readyState >= 1")
    track = student.locator("#lesson-video track")
    expect(track).to_have_count(1)
    assert track.get_attribute("srclang") == "en" and track.get_attribute("label") == "English"
    response = student.request.get(track.get_attribute("src"))
    assert response.status == 200
    assert response.body() == VALID_VTT
    modes = "Array.from(document.getElementById('lesson-video').textTracks).map(track => track.mode)"
    assert student.evaluate(modes) == ["showing"]

    student.get_by_text("Transcript", exact=True).click()
    cues = student.locator(".transcript-cue")
    expect(cues).to_have_count(3)
    expect(cues.nth(1)).to_contain_text("Remote ID broadcasts where your drone is")
    cues.nth(1).click()  # seeks to the cue, which the player shows as a caption
    student.evaluate("document.getElementById('lesson-video').pause()")
    assert student.evaluate("document.getElementById('lesson-video').currentTime") == pytest.approx(6, abs=0.5)
    active = "document.getElementById('lesson-video').textTracks[0].activeCues?.[0]?.text"
    wait_for(lambda: "Remote ID" in (student.evaluate(active) or ""), student)  # the caption is on screen
    student.evaluate("window.scrollTo(0, 0)")
    screenshot(student, "captions-player-transcript")

    student_axe = axe_violations.context.new_page()
    student_axe.context.clear_cookies()
    log_in(student_axe, *STUDENT)
    student_axe.goto(f"/learn/{course.slug}/{lesson.slug}/")
    student_axe.get_by_text("Transcript", exact=True).click()
    assert axe_violations(student_axe) == []
