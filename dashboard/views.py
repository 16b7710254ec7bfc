"""The student's dashboard ("My courses"): every app's view of one student on one page.

The body gathers courses and progress, certificates, flight bookings and logbook, receipts: ten
queries and the largest template on the site, for a page students open on every visit, so it is
rendered once per change and stored under the student's cache key (enrollments/student_cache.py).
It holds a CSRF token in its "Finish your payment" forms, and a token belongs to one browser (its
csrftoken cookie), so it is stored with a placeholder and each request puts in its own.
"""

from django.contrib.auth.decorators import login_required
from django.core.cache import cache
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from enrollments.models import Enrollment
from enrollments.student_cache import student_cache_key

# Letters and dashes only: it passes through format_html unchanged, so the swap below finds it.
CSRF_PLACEHOLDER = "csrf-token-placeholder-for-the-cached-dashboard"


def dashboard_body_html(request) -> SafeString:
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
    if CSRF_PLACEHOLDER in html:
        html = html.replace(CSRF_PLACEHOLDER, get_token(request))
    # Rendered by our templates, with autoescaping, before it was stored.
    return mark_safe(html)  # noqa: S308


@login_required
def dashboard(request):
    return render(request, "dashboard/dashboard.html", {"body_html": dashboard_body_html(request)})
