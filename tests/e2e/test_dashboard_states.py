"""A student whose course was refunded or is paused by a dispute sees why on the dashboard, and what
to do next, at phone and desktop widths."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, log_in, requires_urls

pytestmark = [pytest.mark.e2e, requires_urls("dashboard")]

STUDENT = ("student@bostondroneschool.test", "demo-student-pass-2026")


def test_refunded_and_paused_courses_explain_themselves(demo, page, screenshot, axe_violations):
    from courses.models import Course
    from enrollments import services

    student = get_user_model().objects.get(email=STUDENT[0])
    refunded, paused = Course.objects.filter(status=Course.Status.PUBLISHED).order_by("pk")[:2]
    services.enrollment_refund(enrollment=services.enrollment_activate(user=student, course=refunded), reason="e2e")
    services.enrollment_suspend(enrollment=services.enrollment_activate(user=student, course=paused), reason="e2e")

    log_in(page, *STUDENT)
    page.goto("/dashboard/")

    expect(page.get_by_text("This course was refunded, so its lessons are closed.")).to_be_visible()
    expect(page.get_by_role("link", name="Enroll again")).to_be_visible()
    expect(page.get_by_text("Your access is paused while your card issuer reviews a dispute")).to_be_visible()
    screenshot(page)
    axe_violations.context.add_cookies(page.context.cookies())
    for size in (DESKTOP, PHONE):
        assert axe_violations.at_width("/dashboard/", size) == [], size
