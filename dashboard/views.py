"""The student's dashboard ("My courses"): every app's view of one student on one page.

The body gathers courses and progress, certificates, flight bookings and logbook, receipts: ten
queries and the largest template on the site, for a page students open on every visit, so it is
rendered once per change and stored under the student's cache key (enrollments/student_cache.py).
It holds a CSRF token in its "Finish your payment" forms, and a token belongs to one browser (its
csrftoken cookie), so it is stored with a placeholder and each request puts in its own.
"""

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from accounts.user_cache import account_version_key
from core.signed_in_pages import CSRF_PLACEHOLDER, stored_page
from courses.cache import PUBLIC_PAGES_VERSION_KEY
from enrollments.models import Enrollment
from enrollments.student_cache import student_cache_key, student_version_key


def dashboard_body_html(request) -> SafeString:
    """The page's body, stored under the student's key; its forms hold the CSRF placeholder,
    which core.signed_in_pages swaps for the request's token."""
    user = request.user
    key = student_cache_key("dashboard", user.pk)
    html = cache.get(key)
    if html is None:
        enrollments = Enrollment.objects.for_user(user).select_related("course").order_by("-created_at")
        html = render_to_string(
            "dashboard/_dashboard_body.html",
            {"enrollments": enrollments, "csrf_token": CSRF_PLACEHOLDER},
            request=request,
        )
        cache.set(key, html)
    # Rendered by our templates, with autoescaping, before it was stored.
    return mark_safe(html)  # noqa: S308


@login_required
def dashboard(request):
    """The whole page is stored under the student's tokens and their account version (the
    header's name and links), so a stored dashboard renders no template at all."""
    user = request.user
    return stored_page(
        request,
        f"dashboard:{user.pk}",
        [student_version_key(user.pk), PUBLIC_PAGES_VERSION_KEY, account_version_key(user.pk)],
        lambda extra: render(request, "dashboard/dashboard.html", {"body_html": dashboard_body_html(request)} | extra),
    )
