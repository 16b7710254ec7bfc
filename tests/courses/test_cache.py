"""Catalog results and course page bodies are cached; any change to what they show is visible on
the very next request, and changes elsewhere leave them cached."""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.urls import reverse

from courses.cache import catalog_cache_version, course_cache_version
from courses.models import Category, Section
from enrollments.models import Enrollment
from lessons.models import Lesson
from tests.courses.admin_forms import course_form_data, section_form_data

pytestmark = pytest.mark.django_db


@pytest.fixture
def course(make_course, ian):
    return make_course(
        title="Part 107 Prep", instructors=[ian], sections=1, lessons_per_section=1, price=Decimal("199")
    )


def admin_change_url(obj) -> str:
    return reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])


def test_pages_are_served_from_the_cache(client, course):
    client.get("/courses/")
    client.get(course.get_absolute_url())
    # A write that bypasses model signals is not seen: the HTML came from the cache.
    type(course).objects.filter(pk=course.pk).update(title="Changed behind the cache's back")
    assert "Part 107 Prep" in client.get("/courses/").content.decode()
    assert "<h1>Part 107 Prep</h1>" in client.get(course.get_absolute_url()).content.decode()
    cache.clear()
    assert "Changed behind the cache" in client.get("/courses/").content.decode()


def test_course_edit_in_admin_shows_on_the_next_request(client, course, ian):
    assert "Part 107 Prep" in client.get("/courses/").content.decode()
    assert "<h1>Part 107 Prep</h1>" in client.get(course.get_absolute_url()).content.decode()

    client.force_login(ian.user)
    data = course_form_data(course, title="FAA Part 107 Exam Prep", price="149.00")
    assert client.post(admin_change_url(course), data).status_code == 302
    client.logout()

    catalog = client.get("/courses/").content.decode()
    assert "FAA Part 107 Exam Prep" in catalog and "$149" in catalog
    page = client.get(course.get_absolute_url()).content.decode()
    assert "<h1>FAA Part 107 Exam Prep</h1>" in page
    assert '"name": "FAA Part 107 Exam Prep"' in page  # the cached JSON-LD too


def test_section_and_lesson_edits_in_admin_show_on_the_course_page(client, course, ian):
    section = course.sections.get()
    assert "Section 1 of Part 107 Prep" in client.get(course.get_absolute_url()).content.decode()

    client.force_login(ian.user)
    data = section_form_data(section, title="Airspace")
    data["lessons-0-title"] = "Classes of airspace"
    data["lessons-0-duration_seconds"] = "754"
    assert client.post(admin_change_url(section), data).status_code == 302
    client.logout()

    page = client.get(course.get_absolute_url()).content.decode()
    assert "Airspace" in page and "Section 1 of Part 107 Prep" not in page
    assert "Classes of airspace" in page and "12:34" in page


def test_adding_and_deleting_lessons_invalidates_the_course_page(client, course):
    section = course.sections.get()
    client.get(course.get_absolute_url())
    lesson = Lesson.objects.create(section=section, title="Weather briefings", slug="weather", order=9)
    assert "Weather briefings" in client.get(course.get_absolute_url()).content.decode()
    lesson.delete()
    assert "Weather briefings" not in client.get(course.get_absolute_url()).content.decode()
    Section.objects.create(course=course, title="Night operations", order=7)
    assert "Night operations" in client.get(course.get_absolute_url()).content.decode()


def test_invalidation_is_precise(make_course, course):
    other = make_course(title="Mapping", sections=1, lessons_per_section=1)
    before = {"catalog": catalog_cache_version(), "course": course_cache_version(course.pk)}
    other_lesson = Lesson.objects.get(section__course=other)
    other_lesson.title = "Renamed"
    other_lesson.save()
    Section.objects.filter(course=other).get().save()
    assert course_cache_version(course.pk) == before["course"]
    assert catalog_cache_version() == before["catalog"]  # lessons are not on catalog cards

    other.title = "Mapping 2"
    other.save()
    assert catalog_cache_version() != before["catalog"]
    assert course_cache_version(course.pk) == before["course"]


def test_dependent_pages_follow_prerequisites_categories_and_instructors(client, make_course, course, ian):
    advanced = make_course(title="Advanced Inspection")
    advanced.prerequisites.add(course)
    assert "Part 107 Prep" in client.get(advanced.get_absolute_url()).content.decode()
    course.title = "Part 107 Essentials"
    course.save()
    assert "Part 107 Essentials" in client.get(advanced.get_absolute_url()).content.decode()

    category = Category.objects.get(pk=course.category_id)
    category.name = "Certificates"
    category.save()
    assert "Certificates" in client.get(course.get_absolute_url()).content.decode()
    assert "Certificates" in client.get("/courses/").content.decode()

    ian.bio = "Now also an FAA safety team rep."
    ian.save()
    assert "FAA safety team rep" in client.get(course.get_absolute_url()).content.decode()


def test_enroll_box_stays_per_user(client, course, student):
    assert "Enroll for $199" in client.get(course.get_absolute_url()).content.decode()  # warms the cache
    Enrollment.objects.create(user=student, course=course, status=Enrollment.Status.ACTIVE)
    client.force_login(student)
    page = client.get(course.get_absolute_url()).content.decode()
    assert "Go to course" in page
    assert "Enroll for $199" not in page
    client.logout()
    assert "Enroll for $199" in client.get(course.get_absolute_url()).content.decode()


def test_cache_versions_survive_a_lost_key():
    first = course_cache_version(1)
    cache.delete("courses:version:course:1")
    assert course_cache_version(1) != first  # a fresh random token, never an old one reused
