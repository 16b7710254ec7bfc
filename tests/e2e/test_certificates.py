"""Journey 7: a student completes a course; the certificate's public URL (from the email) verifies in
anyone's browser, and a made-up one does not."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import log_in, requires_urls, wait_for

pytestmark = [pytest.mark.e2e, requires_urls("certificates:verify", "lessons:complete")]

STUDENT = ("student@bostondroneschool.test", "demo-student-pass-2026")
COURSE = "Fly Safe: Drone Basics"


def test_certificate_url_verifies_and_a_made_up_one_does_not(demo, smtp_inbox, page, new_context, screenshot):
    from courses.models import Course
    from enrollments.models import Enrollment

    student = get_user_model().objects.get(email=STUDENT[0])
    course = Course.objects.get(title=COURSE)
    # Enrolled already (journey 2 covers enrolling in the browser).
    Enrollment.objects.create(user=student, course=course, status="active", activated_at=timezone.now())

    log_in(page, *STUDENT)
    page.goto(f"/learn/{course.slug}/")
    page.get_by_role("link", name=re.compile(r"^Start: ")).click()
    for _ in range(30):  # every lesson, in order, until the player returns to the outline
        if page.get_by_role("button", name="Mark as complete").count() == 0:
            break
        page.get_by_role("button", name="Mark as complete").click()
        page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_have_text(COURSE)
    page.get_by_role("link", name="View your certificate").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Certificate verified")

    [email] = wait_for(lambda: [m for m in smtp_inbox.to(STUDENT[0]) if "certificate" in m["Subject"].lower()], page)
    [public_url] = smtp_inbox.links(email, r"https?://\S+/certificates/[\w-]+/(?=\s|$)")

    visitor = new_context().new_page()
    visitor.goto(public_url)
    expect(visitor.get_by_role("heading", level=1)).to_have_text("Certificate verified")
    details = visitor.get_by_role("region", name="Certificate details")
    expect(details).to_contain_text("Jordan Avery")
    expect(details).to_contain_text(COURSE)
    expect(visitor.get_by_role("link", name=re.compile("Download your certificate"))).to_have_count(0)
    screenshot(visitor)

    response = visitor.goto("/certificates/not-a-real-certificate-id0/")
    assert response.status == 404
    expect(visitor.get_by_role("heading", level=1)).to_have_text("No such certificate")
