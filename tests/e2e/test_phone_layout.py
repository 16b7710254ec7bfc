"""Every public page fits a 390 px phone: nothing wider than the screen, so nobody scrolls sideways
to find a price, a button or the end of a sentence.

The pages come from the sitemap (so a public page added later is checked without touching this
file), plus the public pages a sitemap leaves out: sign-in and sign-up, password reset, the flight
sessions, a certificate's verification page, search results and the 404 page.
"""

import re
from urllib.parse import urlsplit

import pytest

from tests.e2e.conftest import PHONE

pytestmark = pytest.mark.e2e

# Elements wider than the viewport, or reaching past its right edge, by a CSS selector-ish path.
OVERFLOWING_ELEMENTS_JS = """(width) => {
    const found = [];
    for (const element of document.body.querySelectorAll('*')) {
        const style = getComputedStyle(element);
        if (style.display === 'none' || style.visibility === 'hidden' || style.position === 'fixed') continue;
        // The content of a closed <details> (the phone menu, an account menu) is not on screen.
        const closed = element.closest('details:not([open])');
        if (closed && !element.closest('summary')) continue;
        // Something inside a horizontally scrolling box (a table wrapper, a carousel) may be wider.
        let parent = element.parentElement, scrolls = false;
        while (parent && parent !== document.body) {
            const overflowX = getComputedStyle(parent).overflowX;
            if (overflowX === 'auto' || overflowX === 'scroll' || overflowX === 'hidden' || overflowX === 'clip') {
                scrolls = true; break;
            }
            parent = parent.parentElement;
        }
        if (scrolls) continue;
        const box = element.getBoundingClientRect();
        if (box.width === 0 || box.height === 0) continue;
        if (box.right > width + 1) {
            const name = element.tagName.toLowerCase() + (element.id ? '#' + element.id : '')
                + (element.classList.length ? '.' + [...element.classList].join('.') : '');
            found.push(`${name} reaches ${Math.round(box.right)} px`);
        }
    }
    return found.slice(0, 8);
}"""


def _public_paths(page):
    from courses.models import Course
    from flights.models import FlightSession
    from lessons.models import Certificate

    page.goto("/sitemap.xml")
    paths = {urlsplit(url).path for url in re.findall(r"<loc>([^<]+)</loc>", page.content())}
    paths |= {
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/password/reset/",
        "/courses/?q=airspace",
        "/flights/",
        "/no-such-page/",
    }
    session = FlightSession.objects.order_by("pk").first()
    if session is not None:
        paths.add(f"/flights/{session.pk}/")
    certificate = Certificate.objects.order_by("pk").first()
    if certificate is not None:
        paths.add(f"/certificates/{certificate.public_id}/")
    assert len(paths) > len({"/", "/courses/"}) + Course.objects.published().count() - 1
    return sorted(paths)


def test_no_public_page_is_wider_than_a_phone(demo, page):
    page.set_viewport_size(PHONE)
    paths = _public_paths(page)
    too_wide = {}
    for path in paths:
        page.goto(path)
        page_width = page.evaluate("document.documentElement.scrollWidth")
        elements = page.evaluate(OVERFLOWING_ELEMENTS_JS, PHONE["width"])
        if page_width > PHONE["width"] or elements:
            too_wide[path] = (page_width, elements)
    # The phone menu, opened, fits too.
    page.goto("/")
    page.get_by_text("Menu", exact=True).click()
    elements = page.evaluate(OVERFLOWING_ELEMENTS_JS, PHONE["width"])
    if elements:
        too_wide["/ with the menu open"] = (page.evaluate("document.documentElement.scrollWidth"), elements)
    assert not too_wide, "pages wider than 390 px: " + "; ".join(
        f"{path} is {width} px wide ({', '.join(elements) or 'no single element'})"
        for path, (width, elements) in too_wide.items()
    )
