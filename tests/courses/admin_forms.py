"""POST bodies for the admin change forms, built from the objects (as the browser would send them)."""

from courses.models import Course, Section
from lessons.models import Lesson


def _management(prefix: str, rows: list[dict]) -> dict:
    data = {
        f"{prefix}-TOTAL_FORMS": str(len(rows)),
        f"{prefix}-INITIAL_FORMS": str(sum(1 for row in rows if row.get("id"))),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }
    for index, row in enumerate(rows):
        for name, value in row.items():
            data[f"{prefix}-{index}-{name}"] = value
    return data


def _flag(value: bool) -> dict:
    return "on" if value else ""


def course_form_data(course: Course, **changes) -> dict:
    data = {
        "title": course.title,
        "slug": course.slug,
        "summary": course.summary,
        "description": course.description,
        "category": str(course.category_id),
        "level": course.level,
        "format": course.format,
        "price": str(course.price),
        "currency": course.currency,
        "estimated_hours": str(course.estimated_hours),
        "status": course.status,
        "published_at_0": course.published_at.strftime("%Y-%m-%d") if course.published_at else "",
        "published_at_1": course.published_at.strftime("%H:%M:%S") if course.published_at else "",
        "instructors": [str(pk) for pk in course.instructors.values_list("pk", flat=True)] if course.pk else [],
        "prerequisites": [str(pk) for pk in course.prerequisites.values_list("pk", flat=True)] if course.pk else [],
        "_save": "Save",
    }
    if course.is_featured:
        data["is_featured"] = "on"
    sections = list(course.sections.order_by("order")) if course.pk else []
    data |= _management(
        "sections",
        [{"id": str(s.pk), "course": str(course.pk), "order": str(s.order), "title": s.title} for s in sections],
    )
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def section_form_data(section: Section, **changes) -> dict:
    lessons = list(section.lessons.order_by("order"))
    data = {"course": str(section.course_id), "title": section.title, "order": str(section.order), "_save": "Save"}
    data |= _management(
        "lessons",
        [
            {
                "id": str(lesson.pk),
                "section": str(section.pk),
                "order": str(lesson.order),
                "title": lesson.title,
                "slug": lesson.slug,
                "duration_seconds": str(lesson.duration_seconds),
                "is_preview": _flag(lesson.is_preview),
                "is_required": _flag(lesson.is_required),
            }
            for lesson in lessons
        ],
    )
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}


def lesson_form_data(lesson: Lesson, **changes) -> dict:
    materials = list(lesson.materials.order_by("order")) if lesson.pk else []
    captions = list(lesson.captions.order_by("pk")) if lesson.pk else []
    data = {
        "section": str(lesson.section_id),
        "order": str(lesson.order),
        "title": lesson.title,
        "slug": lesson.slug,
        "body": lesson.body,
        "duration_seconds": str(lesson.duration_seconds),
        "is_preview": _flag(lesson.is_preview),
        "is_required": _flag(lesson.is_required),
        "_save": "Save",
    }
    data |= _management(
        "materials",
        [{"id": str(m.pk), "lesson": str(lesson.pk), "order": str(m.order), "title": m.title} for m in materials],
    )
    data |= _management(
        "captions",
        [{"id": str(c.pk), "lesson": str(lesson.pk), "language": c.language, "label": c.label} for c in captions],
    )
    data.update(changes)
    return {key: value for key, value in data.items() if value != ""}
