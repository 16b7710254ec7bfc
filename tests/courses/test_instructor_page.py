"""The instructor page: a person with credentials, their published courses only, cached, fixed queries."""

import json
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from courses.models import Course, Instructor

pytestmark = pytest.mark.django_db


def json_ld(page: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', page, re.S).group(1))


def test_slug_comes_from_the_name_and_stays_unique(make_instructor):
    first = make_instructor("Ian Instructor", "ian@example.com")
    second = make_instructor("Ian Instructor", "ian2@example.com")
    assert first.slug == "ian-instructor" and second.slug == "ian-instructor-2"
    assert first.get_absolute_url() == "/instructors/ian-instructor/"


def test_instructor_page_lists_only_published_courses_with_person_json_ld(client, ian, make_course):
    Instructor.objects.filter(pk=ian.pk).update(
        headline="Chief flight instructor", years_flying=12, faa_certificate_type="remote_pilot"
    )
    make_course(title="Part 107 Prep", instructors=[ian])
    make_course(title="Secret Draft", instructors=[ian], status=Course.Status.DRAFT)
    make_course(title="Someone Else's", instructors=[])

    page = client.get("/instructors/ian-instructor/").content.decode()

    assert "Part 107 Prep" in page
    assert "Secret Draft" not in page and "Someone Else" not in page
    assert "Chief flight instructor" in page and "12 years" in page and "FAA Part 107 Remote Pilot" in page
    data = json_ld(page)
    assert data["@type"] == "Person" and data["name"] == "Ian Instructor"
    assert [course["name"] for course in data["subjectOf"]] == ["Part 107 Prep"]
    assert client.get("/instructors/nobody/").status_code == 404


def test_instructor_page_query_count_does_not_grow_with_courses(client, ian, make_course, django_assert_num_queries):
    for _ in range(3):
        make_course(instructors=[ian])
    # The instructor with their user, then their published courses with categories; nothing per course.
    with django_assert_num_queries(2):
        client.get("/instructors/ian-instructor/", HTTP_COOKIE="sessionid=x")
    for _ in range(5):
        make_course(instructors=[ian])
    with CaptureQueriesContext(connection) as fresh:
        client.get("/instructors/ian-instructor/", HTTP_COOKIE="sessionid=x")
    assert len(fresh) <= 3  # a session lookup at most, on top of the two
    # Stored: the body is not rendered again.
    with django_assert_num_queries(1):
        client.get("/instructors/ian-instructor/", HTTP_COOKIE="sessionid=x")


def test_editing_the_instructor_refreshes_the_cached_page(client, ian, make_course):
    make_course(title="Mapping Basics", instructors=[ian])
    assert "Brand new bio." not in client.get("/instructors/ian-instructor/").content.decode()
    ian.bio = "Brand new bio."
    ian.save()
    assert "Brand new bio." in client.get("/instructors/ian-instructor/").content.decode()


def test_course_page_shows_the_instructor_card_linking_to_their_page(client, ian, make_course):
    Instructor.objects.filter(pk=ian.pk).update(years_flying=7)
    course = make_course(title="Mapping Basics", instructors=[ian])
    page = client.get(course.get_absolute_url()).content.decode()
    assert 'href="/instructors/ian-instructor/"' in page and "7 years flying" in page
