"""The Enroll box on a course page. It lives here, not in courses, because an enrollment
depends on a course and never the other way round (DESIGN.md, "Which app may use which")."""

from django import template

from enrollments.models import Enrollment

register = template.Library()


@register.inclusion_tag("enrollments/enroll_box.html", takes_context=True)
def enroll_box(context, course):
    user = context["request"].user
    enrollment = None
    missing_prerequisites = []
    if user.is_authenticated:
        enrollment = Enrollment.objects.filter(user=user, course=course).first()
        done = set(
            Enrollment.objects.filter(user=user, status=Enrollment.Status.COMPLETED).values_list("course_id", flat=True)
        )
        missing_prerequisites = [
            prerequisite for prerequisite in course.prerequisites.all() if prerequisite.pk not in done
        ]
    return {"course": course, "enrollment": enrollment, "missing_prerequisites": missing_prerequisites, "user": user}
