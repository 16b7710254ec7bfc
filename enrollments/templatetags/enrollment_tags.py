"""The Enroll box on a course page. It lives here, not in courses, because an enrollment
depends on a course and never the other way round (docs/ARCHITECTURE.md, "The dependency rule")."""

from django import template
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from accounts.verification import has_verified_email
from core.cache_versions import UNCACHED, tokens
from courses.cache import course_version_key
from enrollments.models import Enrollment
from enrollments.student_cache import student_version_key

register = template.Library()


@register.simple_tag(takes_context=True)
def enroll_box(context, course) -> SafeString:
    """One of: Go to course / access paused / Complete prerequisites first / Confirm your email to
    enroll / Finish your payment / Enroll (free) / Enroll for $X.

    A pending enrollment means a checkout was started (payments reserves it), so the box offers
    to finish it; pressing the button reuses the open checkout rather than opening a second one.
    At most three queries, whatever the number of prerequisites (the course page's budget).

    A student whose enrollment is settled (learning, or paused by a dispute) sees a box that
    depends on nothing but that enrollment and the course, with no form in it: it is stored
    under the student's and the course's version tokens, which every enrollment write and every
    course edit bump, and costs no query then. Any other box (prerequisites, email confirmation,
    forms with a CSRF token) is rendered each time.
    """
    user = context["request"].user
    key = None
    if user.is_authenticated:
        # The course page reads this with its other cache entries, in one round trip (pages.views).
        reads = context.get("enroll_box_reads") or {}
        student_token, course_token = reads.get("tokens") or tokens(
            student_version_key(user.pk), course_version_key(course.pk)
        )
        key = enroll_box_key(
            user_id=user.pk, course_id=course.pk, student_token=student_token, course_token=course_token
        )
        html = (reads["found"].get(key) if "found" in reads else cache.get(key)) if key else None
        if html is not None:
            # Rendered by our template, with autoescaping, before it was stored.
            return mark_safe(html)  # noqa: S308
    box = _enroll_box_context(context, course)
    html = render_to_string("enrollments/enroll_box.html", box)
    enrollment = box["enrollment"]
    if key and enrollment is not None and (enrollment.grants_access or enrollment.is_suspended):
        cache.set(key, html)
    return mark_safe(html)  # noqa: S308 - rendered by our template, with autoescaping


def enroll_box_key(*, user_id: int, course_id: int, student_token: str, course_token: str) -> str | None:
    """Where a student's settled Enroll box is stored; None when the cache is unreachable."""
    if UNCACHED in (student_token, course_token):
        return None
    return f"enrollments:enroll-box:{user_id}:{course_id}:{student_token}:{course_token}"


def _enroll_box_context(context, course) -> dict:
    request = context["request"]
    user = request.user
    enrollment = None
    missing = []
    verified = False
    if user.is_authenticated:
        prerequisites = list(course.prerequisites.all())
        mine = {
            row.course_id: row
            for row in Enrollment.objects.filter(
                user=user, course_id__in=[course.pk, *(prerequisite.pk for prerequisite in prerequisites)]
            )
        }
        enrollment = mine.get(course.pk)
        missing = [
            prerequisite
            for prerequisite in prerequisites
            if getattr(mine.get(prerequisite.pk), "status", None) != Enrollment.Status.COMPLETED
        ]
        settled = enrollment is not None and (enrollment.grants_access or enrollment.is_suspended)
        # Only asked when it decides what the box shows.
        verified = not settled and not missing and has_verified_email(user)
    return {
        "course": course,
        "enrollment": enrollment,
        "missing_prerequisites": missing,
        "user": user,
        "verified": verified,
        "resend_next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
