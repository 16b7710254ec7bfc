"""Flight sessions on a phone: each session is a card whose date, place, seats and Book button fit
the 390 px screen (the old five-column table was 579 px wide, with no Book button at all)."""

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import PHONE, requires_urls

pytestmark = [pytest.mark.e2e, requires_urls("flights:list")]


def test_session_cards_fit_a_phone_and_offer_booking(demo, page, screenshot, axe_violations):
    page.set_viewport_size(PHONE)
    page.goto("/flights/")

    first_card = page.locator(".session-card").first
    action = first_card.locator(".session-card-action")
    expect(action).to_be_visible()
    assert action.inner_text().startswith(("Book a seat", "Join the waitlist"))
    for box in (first_card.bounding_box(), action.bounding_box()):
        assert box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]  # no sideways scrolling
    screenshot(page)
    assert axe_violations.at_width("/flights/", PHONE) == []
