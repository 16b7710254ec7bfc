"""The Enroll box on a course page. It lives here, not in courses, because an enrollment
depends on a course and never the other way round (docs/ARCHITECTURE.md, "The dependency rule")."""

from django import template

from accounts.verification import has_verified_email
from enrollments.models import Enrollment

register = template.Library()


@register.inclusion_tag("enrollments/enroll_box.html", takes_context=True)
def enroll_box(context, course):
    """One of: Go to course / access paused / Complete prerequisites first / Confirm your email to
    enroll / Finish your payment / Enroll (free) / Enroll for $X.

    A pending enrollment means a checkout was started (payments reserves it), so the box offers
    to finish it; pressing the button reuses the open checkout rather than opening a second one.
    At most three queries, whatever the number of prerequisites (the course page's budget).
    """
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
