"""The catalog, the course page and the home page cost a fixed number of queries whatever the size
of the school, and never load a relation lazily (Django 6.1 fetch mode FETCH_RAISE)."""

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import FieldFetchBlocked
from django.db import connection
from django.db.models import FETCH_RAISE
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from courses.models import Category, Course
from flights.models import FlightSession

pytestmark = pytest.mark.django_db


@pytest.fixture
def fetch_raise(monkeypatch):
    """Every queryset created from now on raises on a lazy load instead of running a query."""
    monkeypatch.setattr("django.db.models.query.DEFAULT_FETCH_MODE", FETCH_RAISE)


def test_fetch_raise_fixture_really_blocks_lazy_loads(make_course, fetch_raise):
    make_course(title="Lazy")
    course = Course.objects.get(title="Lazy")
    with pytest.raises(FieldFetchBlocked):
        _ = course.category


@pytest.fixture
def build_school(make_course, make_instructor):
    """Published courses numbered `numbers`, each with its own category, `size` instructors,
    `size` sections of `size` lessons, up to `size` prerequisites and an upcoming flight session."""

    def build(numbers: range, courses: list[Course], size: int) -> list[Course]:
        courses = list(courses)
        for n in numbers:
            category = Category.objects.create(name=f"Category {n}", slug=f"category-{n}")
            instructors = [
                make_instructor(f"Teacher {n}{i}", f"teacher{n}-{i}@example.com", bio=f"Bio {n}-{i}")
                for i in range(size)
            ]
            course = make_course(
                title=f"Course {n:02d}",
                category=category,
                instructors=instructors,
                sections=size,
                lessons_per_section=size,
                is_featured=True,
            )
            course.prerequisites.add(*courses[-size:])
            starts = timezone.now() + timedelta(days=n + 1)
            FlightSession.objects.create(
                course=course, starts_at=starts, ends_at=starts + timedelta(hours=3), location_name=f"Field {n}"
            )
            courses.append(course)
        return courses

    return build


def count_queries(client, url) -> int:
    cache.clear()  # measure the uncached render, the expensive one
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


PAGES = {
    "catalog": lambda courses: "/courses/?sort=title",
    "catalog-search": lambda courses: "/courses/?q=course&format=online&price=free",
    "course": lambda courses: courses[-1].get_absolute_url(),
    "home": lambda courses: "/",
}


def test_query_counts_do_not_grow_with_the_school(
    client, build_school, student, fetch_raise, django_assert_max_num_queries
):
    """Measure every page for a visitor and a student with 1 course, then again with 50."""
    visitors = {"anonymous": None, "student": student}

    def visit(name, visitor, courses):
        client.logout()
        if visitors[visitor]:
            client.force_login(visitors[visitor])
        return PAGES[name](courses)

    small = build_school(range(1), [], size=1)
    baseline = {
        (name, visitor): count_queries(client, visit(name, visitor, small)) for name in PAGES for visitor in visitors
    }

    # The school grows to 50 courses, and each to 3 instructors, sections, lessons a section, prerequisites.
    large = build_school(range(1, 50), small, size=3)
    for (name, visitor), allowed in baseline.items():
        url = visit(name, visitor, large)
        cache.clear()
        with django_assert_max_num_queries(allowed, info=f"{name} page for {visitor}"):
            response = client.get(url)
        assert response.status_code == 200
        html = response.content.decode()
        # The big page really rendered its related rows (nothing silently skipped).
        if name == "course":
            assert "Course 49" in html
            assert "Bio 49-0" in html and "Bio 49-2" in html
            assert "Lesson 3.3 of Course 49" in html
            assert "Course 46" in html and "Course 48" in html  # prerequisites
        elif name.startswith("catalog"):
            assert "Category 0" in html and "Category 49" in html
            assert html.count('<li class="card') == 12
        else:
            assert "Field 0" in html


def test_cached_pages_cost_fewer_queries(client, build_school, fetch_raise):
    courses = build_school(range(3), [], size=2)
    for url in ("/courses/", courses[-1].get_absolute_url()):
        cache.clear()
        cold = count_queries(client, url)
        with CaptureQueriesContext(connection) as warm:
            assert client.get(url).status_code == 200
        assert len(warm.captured_queries) < cold, url
