"""The Enroll box on a course page. It lives here, not in courses, because an enrollment
depends on a course and never the other way round (DESIGN.md, "Which app may use which")."""

from django import template

from accounts.verification import has_verified_email
from enrollments.models import Enrollment

register = template.Library()


@register.inclusion_tag("enrollments/enroll_box.html", takes_context=True)
def enroll_box(context, course):
    """One of: Go to course / access paused / Finish your payment / Complete prerequisites first /
    Confirm your email to enroll / Enroll (free) / Enroll for $X / Log in to enroll.

    A pending enrollment means a checkout was started (payments reserves it), so the box offers
    to finish it; pressing the button reuses the open checkout rather than opening a second one.
    """
    request = context["request"]
    user = request.user
    enrollment = None
    verified = False
    if user.is_authenticated:
        enrollment = Enrollment.objects.filter(user=user, course=course).first()
        verified = has_verified_email(user)
    missing = Enrollment.objects.prerequisites_missing(user=user, course=course) if user.is_authenticated else []
    return {
        "course": course,
        "enrollment": enrollment,
        "missing_prerequisites": missing,
        "user": user,
        "verified": verified,
        "login_next": request.get_full_path(),
        "csrf_token": context.get("csrf_token"),
    }
