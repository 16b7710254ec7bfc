"""Schemas more than one router returns (a course appears in the catalog and in my enrollments)."""

from decimal import Decimal

from django.conf import settings
from ninja import Schema
from ninja.renderers import JSONRenderer

from courses.models import Course


class InstructorOut(Schema):
    name: str
    bio: str


class CourseOut(Schema):
    slug: str
    title: str
    summary: str
    category: str
    level: str
    format: str
    price: Decimal
    currency: str
    is_free: bool
    estimated_hours: Decimal
    url: str


def course_out(course: Course) -> dict:
    return {
        "slug": course.slug,
        "title": course.title,
        "summary": course.summary,
        "category": course.category.name,
        "level": course.level,
        "format": course.format,
        "price": course.price,
        "currency": course.currency,
        "is_free": course.is_free,
        "estimated_hours": course.estimated_hours,
        "url": f"{settings.SITE_URL}{course.get_absolute_url()}",
    }


# The API's renderer, for endpoints that store a rendered body in the cache and serve it as is.
renderer = JSONRenderer()
JSON_CONTENT_TYPE = f"{renderer.media_type}; charset={renderer.charset}"


def json_body(request, data) -> bytes:
    """`data` rendered exactly as the API renders a response."""
    return renderer.render(request, data, response_status=200)
