"""A small Part 107 course: two sections, a free preview lesson, required lessons with a video and a
material, an optional lesson; enrollments in every state on demand."""

import html
import re
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile

from courses.models import Category, Course, Instructor, Section
from enrollments.models import Enrollment
from lessons.models import Lesson, Material

VIDEO_BYTES = bytes(range(256)) * 40  # 10,240 bytes, every byte value, so slices are checkable


def video_src(response) -> str:
    """The lesson page's video URL as the browser gets it (the view's context holds a placeholder
    when the page is stored: core/signed_in_pages.py)."""
    found = re.search(r'<video[^>]* src="([^"]+)"', response.content.decode())
    assert found, "the page has no video"
    return html.unescape(found.group(1))


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    # Personas are created with passwords; the production hasher is deliberately slow.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def instructor(django_user_model):
    user = django_user_model.objects.create_user(
        email="ivy.instructor@example.com", password="x-unused-password-1", full_name="Ivy Instructor"
    )
    return Instructor.objects.create(user=user, faa_certificate_number="4321987")


@pytest.fixture
def course(instructor):
    category = Category.objects.create(name="Part 107", slug="part-107")
    course = Course.objects.create(
        slug="part-107-prep",
        title="Part 107 Remote Pilot Prep",
        summary="Pass the FAA knowledge test.",
        category=category,
        status=Course.Status.PUBLISHED,
        price=Decimal("299.00"),
        estimated_hours=Decimal("12.5"),
    )
    course.instructors.add(instructor)
    return course


@pytest.fixture
def sections(course):
    return (
        Section.objects.create(course=course, title="Getting started", order=1),
        Section.objects.create(course=course, title="Airspace", order=2),
    )


@pytest.fixture
def lessons(sections):
    first, second = sections
    preview = Lesson.objects.create(
        section=first, title="Welcome", slug="welcome", order=1, is_preview=True, body="Hello **pilots**."
    )
    preview.video.save("welcome.mp4", ContentFile(VIDEO_BYTES))
    classes = Lesson.objects.create(
        section=second,
        title="Airspace classes",
        slug="airspace-classes",
        order=1,
        duration_seconds=600,
        body="## Class B\nSolid blue lines.",
    )
    classes.video.save("airspace.mp4", ContentFile(VIDEO_BYTES))
    Material.objects.create(
        lesson=classes, title="Sectional legend", file=ContentFile(b"%PDF-1.4 legend", name="legend.pdf"), size_bytes=15
    )
    charts = Lesson.objects.create(section=second, title="Reading charts", slug="reading-charts", order=2)
    extra = Lesson.objects.create(
        section=second, title="Bonus: history", slug="bonus-history", order=3, is_required=False
    )
    return {"preview": preview, "classes": classes, "charts": charts, "extra": extra}


@pytest.fixture
def enroll(course):
    def _enroll(user, status=Enrollment.Status.ACTIVE, target=None):
        return Enrollment.objects.create(user=user, course=target or course, status=status)

    return _enroll


@pytest.fixture
def enrolled(student, enroll, lessons):
    """The student with an active enrollment, logged in through the returned client."""
    enroll(student)
    return student


@pytest.fixture
def student_client(client, student):
    client.force_login(student)
    return client
