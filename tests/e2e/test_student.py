"""Journey 2: a student signs up, confirms the address from the email the SMTP server received,
enrolls in a free course and completes a lesson; once with the mouse, once with the keyboard only."""

import re

import pytest
from playwright.sync_api import expect

from tests.e2e.conftest import requires_urls, wait_for

pytestmark = [pytest.mark.e2e, requires_urls("payments:checkout", "lessons:lesson", "lessons:complete")]

FREE_COURSE = "Fly Safe: Drone Basics"
FIRST_LESSON = "Flying for fun or for work"
PASSWORD = "Quadcopter-over-the-Charles-77"


def confirmation_link(smtp_inbox, page, address):
    """The confirmation link in the one email the SMTP server received for `address`."""
    [message] = wait_for(lambda: smtp_inbox.to(address), page)
    assert message["Subject"] == "Boston Drone School: Welcome! Please confirm your email address"
    [link] = smtp_inbox.links(message, r"https?://\S+/accounts/confirm-email/\S+")
    return link


def test_student_signs_up_confirms_enrolls_and_completes_a_lesson(demo, smtp_inbox, page, screenshot):
    address = "nova.pilot@example.com"
    page.goto("/")
    page.get_by_role("link", name="Sign up").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your account")
    page.get_by_label("Email").fill(address)
    page.get_by_label("Full name").fill("Nova Pilot")
    page.get_by_label(re.compile(r"^Password(?! \(again\))")).fill(PASSWORD)
    page.get_by_label("Password (again)").fill(PASSWORD)
    # The demo publishes terms and a privacy policy: accepting them is part of signing up.
    page.get_by_label("I accept the terms of service and privacy policy").check()
    page.get_by_role("button", name="Create account").click()
    # Signed up and in (confirmation is "optional" for browsing): the new student lands on My courses.
    expect(page.get_by_role("heading", level=1)).to_have_text("My courses")

    # allauth never confirms on GET (mail scanners follow links): the page asks for a button press.
    page.goto(confirmation_link(smtp_inbox, page, address))
    expect(page.get_by_text(f"Please confirm that {address} is your email address.")).to_be_visible()
    page.get_by_role("button", name="Confirm my address").click()
    expect(page.get_by_text(f"You have confirmed {address}.")).to_be_visible()

    page.get_by_role("navigation", name="Main").first.get_by_role("link", name="Courses", exact=True).click()
    page.get_by_role("link", name=FREE_COURSE).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(FREE_COURSE)
    page.get_by_role("button", name="Enroll", exact=True).click()
    expect(page.get_by_text(f"You are enrolled in {FREE_COURSE}.")).to_be_visible()

    page.get_by_role("link", name="Go to course").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(FREE_COURSE)
    page.get_by_role("link", name=f"Start: {FIRST_LESSON}").click()
    expect(page.get_by_role("heading", level=1)).to_have_text(FIRST_LESSON)
    page.get_by_role("button", name="Mark as complete").click()
    expect(page.get_by_text(f"“{FIRST_LESSON}” marked as complete.")).to_be_visible()

    page.get_by_role("navigation", name="Main").first.get_by_role("link", name="My courses").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("My courses")
    expect(page.get_by_role("link", name=FREE_COURSE)).to_be_visible()
    screenshot(page)


def tab_to(page, locator, limit=120):
    """Press Tab until `locator` has the keyboard focus (as a keyboard user would)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if locator.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"Tab never reached {locator}")


def test_keyboard_only_student_journey(demo, smtp_inbox, page, screenshot):
    """The same journey with Tab, Enter and Space only: every control is reachable and operable."""
    address = "kit.keys@example.com"
    page.goto("/")
    tab_to(page, page.get_by_role("link", name="Sign up").first)
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Create your account")
    for label, value in [
        ("Email", address),
        ("Full name", "Kit Keys"),
        (re.compile(r"^Password(?! \(again\))"), PASSWORD),
        ("Password (again)", PASSWORD),
    ]:
        tab_to(page, page.get_by_label(label))
        page.keyboard.type(value)
    tab_to(page, page.get_by_label("I accept the terms of service and privacy policy"))
    page.keyboard.press("Space")
    tab_to(page, page.get_by_role("button", name="Create account"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("My courses")

    page.goto(confirmation_link(smtp_inbox, page, address))
    tab_to(page, page.get_by_role("button", name="Confirm my address"))
    page.keyboard.press("Space")
    expect(page.get_by_text(f"You have confirmed {address}.")).to_be_visible()

    tab_to(page, page.get_by_role("navigation", name="Main").first.get_by_role("link", name="Courses", exact=True))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text("Courses")
    tab_to(page, page.get_by_role("link", name=FREE_COURSE))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(FREE_COURSE)
    tab_to(page, page.get_by_role("button", name="Enroll", exact=True))
    page.keyboard.press("Space")
    expect(page.get_by_text(f"You are enrolled in {FREE_COURSE}.")).to_be_visible()

    tab_to(page, page.get_by_role("link", name="Go to course"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name=f"Start: {FIRST_LESSON}"))
    page.keyboard.press("Enter")
    expect(page.get_by_role("heading", level=1)).to_have_text(FIRST_LESSON)
    tab_to(page, page.get_by_role("button", name="Mark as complete"))
    page.keyboard.press("Enter")
    expect(page.get_by_text(f"“{FIRST_LESSON}” marked as complete.")).to_be_visible()
    # Focus is visible where the keyboard user is: the screenshot shows the focus ring.
    screenshot(page)
