"""The practice exam in Chromium: a live countdown, an answer saved the moment it is chosen (it is
still there after a reload), the navigator marking it, and a flag for review that survives a reload."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, requires_urls

pytestmark = [pytest.mark.e2e, requires_urls("lessons:exam_take")]

STUDENT = ("student@bostondroneschool.test", "demo-student-pass-2026")


def test_answers_save_as_chosen_and_the_clock_counts_down(demo, page, screenshot):
    from enrollments import services as enrollment_services
    from lessons import services
    from lessons.models import PracticeExam

    exam = PracticeExam.objects.select_related("course").first()
    student = get_user_model().objects.get(email=STUDENT[0])
    enrollment_services.enrollment_activate(user=student, course=exam.course)
    attempt = services.exam_attempt_start(user=student, exam=exam)
    first = attempt.items.order_by("order").first()

    log_in(page, *STUDENT)
    page.goto(f"/learn/{exam.course.slug}/exam/{attempt.pk}/")
    expect(page.locator("#exam-countdown")).to_contain_text("Time left: 1:59")

    page.locator(f"#item-{first.pk} .exam-choice").first.click()
    expect(page.locator(f'[data-nav="{first.pk}"]')).to_have_class("answered")
    expect(page.locator("#exam-status")).to_have_text("Answer saved.")
    page.locator(f'[data-flag="{first.pk}"]').check()

    page.reload()
    expect(page.locator(f"#item-{first.pk} input[type=radio]").first).to_be_checked()
    expect(page.locator(f'[data-flag="{first.pk}"]')).to_be_checked()
    expect(page.locator(f'[data-nav="{first.pk}"]')).to_have_class("answered flagged")
    screenshot(page)
