"""Learning on the dashboard. The dashboard belongs to enrollments, which must not import lessons
(lessons depends on enrollments), so these tags bring progress and certificates to its template."""

from django import template

from lessons.models import Certificate
from lessons.services import course_progress_by_course

register = template.Library()


@register.simple_tag
def progress_by_course(user, enrollments) -> dict:
    """{course_id: {"done", "total", "percent"}} for every enrollment, in two queries."""
    counts = course_progress_by_course(user=user, course_ids=[enrollment.course_id for enrollment in enrollments])
    return {
        course_id: {"done": done, "total": total, "percent": round(100 * done / total) if total else 100}
        for course_id, (done, total) in counts.items()
    }


@register.filter
def progress_of(progress: dict, course_id: int) -> dict:
    return progress.get(course_id, {"done": 0, "total": 0, "percent": 0})


@register.inclusion_tag("lessons/_dashboard_certificates.html", takes_context=True)
def my_certificates(context):
    user = context["request"].user
    return {"certificates": list(Certificate.objects.for_user(user).select_related("course"))}
