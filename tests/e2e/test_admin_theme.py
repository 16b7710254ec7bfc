"""The back office's theme in a browser: sidebar by job, every custom page in the same layout,
usable on a phone (no sideways scrolling), no CSP violation, axe-core clean, sortable course builder."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.utils import timezone
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, log_in_with_totp, totp_activate

pytestmark = pytest.mark.e2e

INSTRUCTOR = ("maya.okafor@bostondroneschool.test", "demo-instructor-pass-2026")
STAFF = ("staff@bostondroneschool.test", "demo-staff-pass-2026")
STUDENT = "student@bostondroneschool.test"
PAID_COURSE = "Part 107 Remote Pilot Exam Prep"


def watch_csp(page) -> list[str]:
    """Content-Security-Policy violations the page reports (console errors and the DOM event)."""
    violations = []
    page.on(
        "console", lambda m: m.type == "error" and "Content Security Policy" in m.text and violations.append(m.text)
    )
    page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e => console.error("
        "'Content Security Policy: ' + e.violatedDirective + ' ' + e.blockedURI))"
    )
    return violations


def overflow(page) -> list[str]:
    """What sticks out past the right edge at phone width, making the page scroll sideways ([]: it fits)."""
    page.set_viewport_size(PHONE)
    wider = page.evaluate(
        """() => document.documentElement.scrollWidth <= window.innerWidth ? [] :
            [...document.querySelectorAll('body *')]
              .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1 && e.offsetParent !== null)
              .filter(e => !e.closest('.overflow-x-auto, .bds-scroll, [class*=overflow-x]'))
              .slice(-8)
              .map(e => `${e.tagName}.${e.className.toString().slice(0, 60)} ${e.getBoundingClientRect().right}`)"""
    )
    page.set_viewport_size({"width": 1366, "height": 768})
    return wider


def paid_payment():
    from courses.models import Course
    from enrollments.models import Enrollment
    from payments.models import Payment

    student = get_user_model().objects.get(email=STUDENT)
    course = Course.objects.get(title=PAID_COURSE)
    enrollment, _ = Enrollment.objects.get_or_create(user=student, course=course, defaults={"status": "active"})
    return Payment.objects.create(
        user=student,
        course=course,
        enrollment=enrollment,
        amount=14900,
        currency="usd",
        status=Payment.Status.SUCCEEDED,
        stripe_payment_intent_id="pi_offline_theme1",
        receipt_number="BDS-THEME1",
        succeeded_at=timezone.now(),
    )


def test_staff_back_office_pages_share_the_theme_fit_a_phone_and_pass_axe(demo, page, screenshot, axe_violations):
    payment = paid_payment()
    violations = watch_csp(page)
    log_in_with_totp(page, *STAFF, totp_activate(get_user_model().objects.get(email=STAFF[0])))
    axe_violations.context.add_cookies(page.context.cookies())

    page.goto("/admin/")
    sidebar = page.locator("#nav-sidebar-inner, nav").first
    for group in ("Teaching", "Students", "Money", "School"):
        expect(page.get_by_text(group, exact=True).first).to_be_visible()
    for link in ("Courses", "Flight sessions", "Enrollments", "Payments", "Refunds", "Reports", "Audit trail"):
        expect(page.get_by_role("link", name=link, exact=True).first).to_be_attached()
    assert sidebar.count() == 1
    assert len(re.findall(r">\s*Accounts\s*<", page.content(), re.I)) <= 1  # "ACCOUNTS" no longer twice
    expect(page.get_by_role("heading", name="The school at a glance")).to_be_visible()

    pages = [
        ("/admin/", "admin-dashboard"),
        ("/admin/reports/", "admin-reports"),
        ("/admin/bulk-email/", "admin-bulk-email"),
        (f"/admin/payments/payment/{payment.pk}/refund/", "admin-refund-review"),
        ("/admin/insights/", "admin-insights"),
        # Django's and allauth's own admins, themed at registration (backoffice/sites.py).
        ("/admin/auth/group/add/", "admin-group-form"),
        ("/admin/account/emailaddress/", "admin-email-addresses"),
        # The lists staff spend their day in.
        ("/admin/payments/payment/", "admin-payments"),
        ("/admin/enrollments/enrollment/", "admin-enrollments"),
        ("/admin/lessons/lesson/", "admin-lessons"),
        ("/admin/courses/course/", "admin-courses"),
    ]
    for path, name in pages:
        page.goto(path)
        expect(page.locator("#nav-sidebar, [id^=nav-sidebar]").first).to_be_attached()  # the same layout
        screenshot(page, name)
        wider = overflow(page)
        assert wider == [], f"{path} scrolls sideways at 390 px: {wider}"
        found = axe_violations(path)
        assert found == [], found
    # Dark mode kept: the theme follows the system's scheme ("auto"), the school's pages with it.
    page.emulate_media(color_scheme="dark")
    page.goto("/admin/")
    expect(page.locator("html")).to_have_class(re.compile(r"\bdark\b"))
    screenshot(page, "admin-dashboard-dark")
    page.goto(f"/admin/payments/payment/{payment.pk}/refund/")
    screenshot(page, "admin-refund-review-dark")
    assert violations == []


def test_instructor_course_builder_drags_lessons_into_a_new_order(demo, page, screenshot, axe_violations):
    from courses.models import Section

    violations = watch_csp(page)
    instructor = get_user_model().objects.get(email=INSTRUCTOR[0])
    log_in_with_totp(page, *INSTRUCTOR, totp_activate(instructor))
    axe_violations.context.add_cookies(page.context.cookies())
    section = Section.objects.filter(course__instructors__user=instructor).order_by("course__title", "order").first()
    before = list(section.lessons.order_by("order").values_list("title", flat=True))
    assert len(before) >= 2

    page.goto(f"/admin/courses/section/{section.pk}/change/")
    rows = page.locator("#lessons-group tbody.form-group.original")
    expect(rows).to_have_count(len(before))
    rows.last.locator(".cursor-move").drag_to(rows.first.locator(".cursor-move"))  # the row's drag handle
    page.get_by_role("button", name="Save", exact=True).first.click()
    expect(page.get_by_text(re.compile(r"was changed successfully"))).to_be_visible()

    after = list(section.lessons.order_by("order").values_list("title", flat=True))
    assert after != before and sorted(after) == sorted(before)
    assert after[0] == before[-1]

    page.goto(f"/admin/courses/course/{section.course_id}/change/")
    screenshot(page, "admin-course-builder")
    wider = overflow(page)
    assert wider == [], wider
    found = axe_violations(f"/admin/courses/course/{section.course_id}/change/")
    assert found == [], found
    assert violations == []
