"""/courses: the public catalog and a course's page."""

import hashlib
import math

from django.http import Http404, HttpResponse
from ninja import Query, Router, Schema

from api.schemas import JSON_CONTENT_TYPE, CourseOut, InstructorOut, course_out, json_body
from core.cache_versions import read_checked, store_checked
from courses.cache import CATALOG_VERSION_KEY
from courses.models import Course

PAGE_SIZE = 20

router = Router()


class LessonOut(Schema):
    id: int
    slug: str
    title: str
    duration_seconds: int
    is_preview: bool


class SectionOut(Schema):
    title: str
    lessons: list[LessonOut]


class CourseDetailOut(CourseOut):
    description: str
    instructors: list[InstructorOut]
    prerequisites: list[str]
    sections: list[SectionOut]


class CoursePage(Schema):
    count: int
    page: int
    pages: int
    items: list[CourseOut]


class CatalogFilters(Schema):
    q: str = ""
    category: str = ""
    level: str = ""
    format: str = ""
    price: str = ""
    page: int = 1


@router.get("/courses", response=CoursePage, auth=None)
def courses_list(request, filters: Query[CatalogFilters]):
    """Published courses, filtered like the website's catalog, 20 a page."""
    # The same JSON for every caller: stored rendered, checked against the catalog version that
    # every course change bumps (courses/cache.py), like the website's catalog; the token and the
    # body in one round trip (core.cache_versions.read_checked).
    digest = hashlib.sha256(filters.model_dump_json().encode()).hexdigest()[:40]
    key = f"api:v1:courses:{digest}"
    read, body = read_checked(key, CATALOG_VERSION_KEY)
    if body is None:
        courses = Course.objects.for_catalog(
            q=filters.q, category=filters.category, level=filters.level, format=filters.format, price=filters.price
        )
        count = courses.count()
        pages = max(1, math.ceil(count / PAGE_SIZE))
        page = min(max(filters.page, 1), pages)
        items = courses[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        data = {"count": count, "page": page, "pages": pages, "items": [course_out(course) for course in items]}
        body = json_body(request, CoursePage.model_validate(data).model_dump())
        store_checked(key, read, body)
    return HttpResponse(body, content_type=JSON_CONTENT_TYPE)


@router.get("/courses/{slug}", response=CourseDetailOut, auth=None)
def courses_detail(request, slug: str):
    course = Course.objects.published().for_course_page().filter(slug=slug).first()
    if course is None:
        raise Http404
    return course_out(course) | {
        "description": course.description,
        "instructors": [
            {"name": instructor.user.full_name, "bio": instructor.bio} for instructor in course.instructors.all()
        ],
        "prerequisites": [prerequisite.slug for prerequisite in course.prerequisites.all()],
        "sections": [
            {
                "title": section.title,
                "lessons": [
                    {
                        "id": lesson.pk,
                        "slug": lesson.slug,
                        "title": lesson.title,
                        "duration_seconds": lesson.duration_seconds,
                        "is_preview": lesson.is_preview,
                    }
                    for lesson in section.lessons.all()
                ],
            }
            for section in course.sections.all()
        ],
    }
