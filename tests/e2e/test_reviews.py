"""A student who has done a quarter of a course rates it with the keyboard; the course page shows
the rating, the distribution and the review, and search engines get AggregateRating."""

import json

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import log_in

pytestmark = pytest.mark.e2e

STUDENT = ("student@bostondroneschool.test", "demo-student-pass-2026")


def test_a_student_rates_a_course_by_keyboard_and_the_page_shows_it(demo, page, axe_violations, screenshot):
    from django.contrib.auth import get_user_model

    from courses.models import Course
    from enrollments.models import Enrollment
    from lessons.models import Lesson, LessonProgress

    student = get_user_model().objects.get(email=STUDENT[0])
    course = Course.objects.published().filter(price__gt=0).order_by("pk").first()
    Enrollment.objects.create(user=student, course=course, status=Enrollment.Status.ACTIVE, activated_at=timezone.now())
    lessons = list(Lesson.objects.for_course(course))
    for lesson in lessons[: -(-len(lessons) // 4)]:  # a quarter, rounded up
        LessonProgress.objects.create(user=student, lesson=lesson, completed_at=timezone.now())

    log_in(page, *STUDENT)
    page.goto(course.get_absolute_url())
    expect(page.get_by_text("No reviews yet.")).to_be_visible()
    page.get_by_role("link", name="Write or edit your review").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Review this course")
    screenshot(page, "review-form")
    assert axe_violations.context.add_cookies(page.context.cookies()) is None
    assert axe_violations(page.url.replace(page.url.split("/courses/")[0], "")) == []

    # Keyboard only: focus the stars, arrow to four, then type the words and submit.
    page.get_by_label("5 stars: excellent").focus()
    page.keyboard.press("ArrowDown")  # radio groups move with the arrows: 5 -> 4
    expect(page.get_by_label("4 stars: good")).to_be_checked()
    page.get_by_label("Headline (optional)").fill("Clear airspace lessons")
    page.get_by_label("Your review (optional)").fill("The sectional chart walkthrough made it click.")
    page.get_by_role("button", name="Publish review").click()

    expect(page.get_by_text("Thank you: your review is saved.")).to_be_visible()
    reviews = page.locator("#reviews")
    expect(reviews.get_by_text("4.0 out of 5, from 1 review")).to_be_visible()
    expect(reviews.get_by_role("heading", name="Clear airspace lessons")).to_be_visible()
    data = json.loads(page.locator("script[type='application/ld+json']").text_content())
    assert data["aggregateRating"]["ratingCount"] == 1
    reviews.scroll_into_view_if_needed()
    screenshot(page, "course-page-with-reviews")
    assert axe_violations(course.get_absolute_url()) == []
