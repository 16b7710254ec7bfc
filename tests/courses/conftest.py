"""Factories and personas for the catalog tests: instructors Ian and Ada (in the Instructors group,
`is_staff` so they can use admin), a school staff member in the Staff group, and courses."""

import itertools
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group, Permission

from courses.models import Category, Course, Instructor, Section
from lessons.models import Lesson, Material
from tests.conftest import instructors_group_as_declared, mfa_enable

_sequence = itertools.count(1)


@pytest.fixture
def instructors_group(db):
    """The "Instructors" group with the permissions accounts/groups.py declares (the one list)."""
    return instructors_group_as_declared()


@pytest.fixture
def staff_group(db):
    group, _ = Group.objects.get_or_create(name="Staff")
    group.permissions.set(Permission.objects.filter(content_type__app_label__in=["courses", "lessons"]))
    return group


@pytest.fixture
def make_instructor(django_user_model, password, instructors_group):
    def make(name: str, email: str, bio: str = "") -> Instructor:
        user = django_user_model.objects.create_user(email=email, password=password, full_name=name, is_staff=True)
        user.groups.add(instructors_group)
        mfa_enable(user)
        return Instructor.objects.create(user=user, bio=bio)

    return make


@pytest.fixture
def ian(make_instructor):
    return make_instructor("Ian Instructor", "ian@example.com", bio="Part 107 pilot since 2016.")


@pytest.fixture
def ada(make_instructor):
    return make_instructor("Ada Aviator", "ada@example.com", bio="Mapping and inspection specialist.")


@pytest.fixture
def school_staff(django_user_model, password, staff_group):
    """Staff by group membership (not a superuser), as the school's office staff are."""
    user = django_user_model.objects.create_user(
        email="sid.staff@example.com", password=password, full_name="Sid Staff", is_staff=True
    )
    user.groups.add(staff_group)
    mfa_enable(user)
    return user


@pytest.fixture
def category(db):
    return Category.objects.create(name="Certification", slug="certification")


@pytest.fixture
def make_course(category):
    def make(*, title: str | None = None, instructors=(), sections: int = 0, lessons_per_section: int = 0, **fields):
        n = next(_sequence)
        title = title or f"Course {n}"
        fields.setdefault("slug", f"course-{n}")
        fields.setdefault("summary", f"Summary of {title}.")
        fields.setdefault("category", category)
        fields.setdefault("status", Course.Status.PUBLISHED)
        fields.setdefault("price", Decimal("0"))
        course = Course.objects.create(title=title, **fields)
        if course.status == Course.Status.PUBLISHED:
            course.stamp_published()
            course.save(update_fields=["published_at"])
        course.instructors.set(instructors)
        for s in range(sections):
            section = Section.objects.create(course=course, title=f"Section {s + 1} of {title}", order=s + 1)
            for i in range(lessons_per_section):
                Lesson.objects.create(
                    section=section,
                    title=f"Lesson {s + 1}.{i + 1} of {title}",
                    slug=f"{course.slug}-lesson-{s + 1}-{i + 1}",
                    order=i + 1,
                    duration_seconds=300 + i,
                    is_preview=(s == 0 and i == 0),
                )
        return course

    return make


@pytest.fixture
def make_material():
    def make(lesson: Lesson, title: str = "Checklist") -> Material:
        return Material.objects.create(lesson=lesson, title=title, file="materials/checklist.pdf", size_bytes=10)

    return make
