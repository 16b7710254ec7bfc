"""The course page sells on a phone: the price and the Enroll button are on the first screen and stay
there while the visitor reads the syllabus; from 960 px the sidebar's box does that job."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import DESKTOP, PHONE, requires_urls

pytestmark = [pytest.mark.e2e, requires_urls("enroll")]


def test_price_and_enroll_stay_on_screen_on_a_phone(demo, page, screenshot, axe_violations):
    from courses.models import Course

    course = Course.objects.filter(status=Course.Status.PUBLISHED, price__gt=0).order_by("pk").first()
    page.set_viewport_size(PHONE)
    page.goto(course.get_absolute_url())

    bar = page.locator(".enroll-bar")
    expect(bar).to_be_visible()
    expect(bar.get_by_role("link", name="Enroll now")).to_be_visible()
    expect(bar.locator(".enroll-bar-price")).to_have_text(course.price_label)

    def bar_on_screen():
        box = bar.bounding_box()
        return box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"] + 1

    assert bar_on_screen()
    page.mouse.wheel(0, 3000)  # deep into the syllabus
    page.wait_for_timeout(100)
    assert bar_on_screen()
    screenshot(page)

    page.set_viewport_size(DESKTOP)
    expect(bar).to_be_hidden()  # the sidebar's enroll box is in view instead
    expect(page.locator(".enroll-box .price")).to_be_visible()
    assert axe_violations.at_width(course.get_absolute_url(), PHONE) == []  # the sticky bar included
