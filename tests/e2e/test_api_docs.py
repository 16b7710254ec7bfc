"""The API reference renders in Chromium under the site's CSP (no blocked script)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.e2e]


def test_the_api_reference_renders_its_operations(page, live_server, screenshot):
    blocked = []
    page.on(
        "console", lambda message: blocked.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.goto("/api/v1/docs")
    expect(page.get_by_role("heading", name="Boston Drone School API")).to_be_visible(timeout=15000)
    expect(page.get_by_text("/auth/token").first).to_be_attached()
    assert not [text for text in blocked if "script" in text.lower()], blocked
    screenshot(page)
