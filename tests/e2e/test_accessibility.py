"""WCAG 2.2 AA: axe-core finds no serious or critical violation on the pages students meet."""

import pytest

from tests.e2e.conftest import log_in, requires_urls

pytestmark = pytest.mark.e2e

PUBLIC_PAGES = [
    "/",
    "/courses/",
    "/courses/part-107-remote-pilot-exam-prep/",
    "/flights/",
    "/accounts/signup/",
    "/accounts/login/",
]


def test_the_checker_catches_a_violation(axe_violations, live_server):
    # Guards the harness itself: an unlabeled field and an image without alt text must be reported.
    page = axe_violations.context.new_page()
    page.goto("/healthz")
    page.set_content('<html lang="en"><title>t</title><main><img src="x.png"><input type="text"></main></html>')
    found = " ".join(axe_violations(page))
    assert "image-alt (critical)" in found
    assert "label (critical)" in found


def test_public_pages_have_no_serious_violations(demo, axe_violations):
    violations = {path: axe_violations(path) for path in PUBLIC_PAGES}
    assert violations == {path: [] for path in PUBLIC_PAGES}


def test_dashboard_has_no_serious_violations(demo, axe_violations):
    log_in(axe_violations.context.new_page(), "student@bostondroneschool.test", "demo-student-pass-2026")
    assert axe_violations("/dashboard/") == []


@requires_urls("lessons:lesson")
def test_preview_lesson_has_no_serious_violations(demo, axe_violations):
    assert axe_violations("/learn/part-107-remote-pilot-exam-prep/welcome-and-how-the-knowledge-test-works/") == []
