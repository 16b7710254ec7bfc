"""Staff read the school's insights (revenue per course and instructor, the learning funnel, exam
results by area, seats filled) as charts with tables, on a desktop and on a phone."""

import pytest
from django.contrib.auth import get_user_model
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, log_in_with_totp, totp_activate

pytestmark = pytest.mark.e2e

STAFF = ("staff@bostondroneschool.test", "demo-staff-pass-2026")


def test_staff_read_the_insights_as_charts_with_tables(demo, page, axe_violations, screenshot):
    secret = totp_activate(get_user_model().objects.get(email=STAFF[0]))
    log_in_with_totp(page, *STAFF, secret)

    page.goto("/admin/")
    page.get_by_role("link", name="School insights").click()
    for heading in (
        "Revenue per course",
        "Net revenue per instructor",
        "From enrolled to certified",
        "Practice exam by knowledge area",
        "Flight session seats filled",
    ):
        expect(page.get_by_role("heading", name=heading)).to_be_visible()
    # Every chart is hidden from screen readers; its table carries the numbers.
    assert page.locator("svg.insight-bar").count() > 0
    assert page.locator("svg.insight-bar:not([aria-hidden='true'])").count() == 0
    expect(page.get_by_text("As of")).to_be_visible()

    page.set_viewport_size(PHONE)
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "admin-insights")

    axe_violations.context.add_cookies(page.context.cookies())
    assert axe_violations("/admin/insights/") == []
