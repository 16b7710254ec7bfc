"""Search-engine metadata for course pages: absolute URLs and schema.org Course JSON-LD."""

import json

from django.conf import settings
from django.utils.safestring import SafeString, mark_safe

from courses.models import Course

# The characters that could end a <script> block or open markup, escaped as JSON \\u sequences
# (the same set Django's json_script escapes).
_SCRIPT_SAFE = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}

_COURSE_MODE = {Course.Format.ONLINE: "online", Course.Format.IN_PERSON: "onsite", Course.Format.HYBRID: "blended"}


def absolute_url(url: str) -> str:
    """A URL from reverse() or a storage: site-relative ones get SITE_URL in front."""
    if url.startswith(("http://", "https://")):
        return url
    return f"{settings.SITE_URL}{url}"


def course_json_ld(course: Course, *, reviews=()) -> SafeString:
    """schema.org Course for `course`, ready to sit inside <script type="application/ld+json">.
    Expects course_page_prefetches() (instructors with their users). With visible reviews, the
    rating summary kept on the course becomes an AggregateRating and the reviews given, Reviews."""
    data = {
        "@context": "https://schema.org",
        "@type": "Course",
        "name": course.title,
        "description": course.summary,
        "url": absolute_url(course.get_absolute_url()),
        "educationalLevel": course.get_level_display(),
        "provider": {"@type": "Organization", "name": settings.SCHOOL_NAME, "sameAs": settings.SITE_URL},
        "offers": {
            "@type": "Offer",
            "category": "Free" if course.is_free else "Paid",
            "price": f"{course.price:.2f}",
            "priceCurrency": course.currency.upper(),
        },
        "hasCourseInstance": {
            "@type": "CourseInstance",
            "courseMode": _COURSE_MODE.get(course.format, "online"),
            "courseWorkload": f"PT{course.estimated_hours.normalize():f}H",
            "instructor": [
                {"@type": "Person", "name": instructor.user.full_name} for instructor in course.instructors.all()
            ],
        },
    }
    if course.rating_count and course.rating_average is not None:
        data["aggregateRating"] = {
            "@type": "AggregateRating",
            "ratingValue": f"{course.rating_average:.2f}",
            "ratingCount": course.rating_count,
            "bestRating": 5,
            "worstRating": 1,
        }
        data["review"] = [
            {
                "@type": "Review",
                "reviewRating": {"@type": "Rating", "ratingValue": review.rating, "bestRating": 5, "worstRating": 1},
                "author": {"@type": "Person", "name": review.author_label},
                "datePublished": review.created_at.date().isoformat(),
                **({"name": review.title} if review.title else {}),
                **({"reviewBody": review.body} if review.body else {}),
            }
            for review in reviews
        ]
    if course.cover_image:
        data["image"] = absolute_url(course.cover_image.url)
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_SAFE))  # noqa: S308 - escaped above


def instructor_json_ld(instructor, courses) -> SafeString:
    """schema.org Person for an instructor page: name, role, photo, bio and the courses they teach."""
    data = {
        "@context": "https://schema.org",
        "@type": "Person",
        "name": instructor.user.full_name,
        "url": absolute_url(instructor.get_absolute_url()),
        "jobTitle": instructor.headline or "Instructor",
        "worksFor": {"@type": "Organization", "name": settings.SCHOOL_NAME, "url": settings.SITE_URL},
    }
    if instructor.bio:
        data["description"] = instructor.bio
    if instructor.photo:
        data["image"] = absolute_url(instructor.photo.url)
    if instructor.credentials:
        data["hasCredential"] = [
            {"@type": "EducationalOccupationalCredential", "name": line} for line in instructor.credentials[:1]
        ]
    if courses:
        data["subjectOf"] = [
            {"@type": "Course", "name": course.title, "url": absolute_url(course.get_absolute_url())}
            for course in courses
        ]
    return mark_safe(json.dumps(data, ensure_ascii=False).translate(_SCRIPT_SAFE))  # noqa: S308 - escaped above
