"""`{% load recommendations %}{% also_took course %}`: "students who took this course also took".

Reads the co-occurrence table the scheduled dashboard job caches (enrollments.reports); renders
nothing when there is nothing to recommend.
"""

from django import template

from enrollments.reports import also_took

register = template.Library()


@register.inclusion_tag("enrollments/also_took.html", name="also_took")
def also_took_tag(course, limit: int = 3):
    return {"course": course, "courses": also_took(course, limit=limit)}
