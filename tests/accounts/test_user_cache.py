"""The signed-in user's row is read through the cache (accounts/user_cache.py), and every change
that matters takes effect on the very next request: a password change, a deactivation, a profile
edit, a bounce flag, and (access being decided from the database) a refund, a revocation or a
dispute. Run on PostgreSQL + Redis these go through the real cache.
"""

from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from accounts.email_tracking import user_mark_email_undeliverable
from accounts.tokens import token_pair_for
from accounts.user_cache import cached_user_key
from courses.models import Category, Course, Section
from enrollments import services
from lessons.models import Lesson

pytestmark = pytest.mark.django_db


@pytest.fixture
def course():
    category = Category.objects.create(name="Mapping", slug="mapping")
    course = Course.objects.create(
        slug="aerial-mapping",
        title="Aerial Mapping",
        summary="Photogrammetry from the air.",
        category=category,
        price=Decimal("199.00"),
        status=Course.Status.PUBLISHED,
    )
    section = Section.objects.create(course=course, title="Basics", order=1)
    Lesson.objects.create(section=section, title="Lesson 1", slug="lesson-1", order=1)
    return course


@pytest.fixture
def student_client(student):
    client = Client()
    client.force_login(student)
    return client


def user_row_queries(client, path: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    return [query["sql"] for query in queries if 'FROM "accounts_user"' in query["sql"]]


def is_logged_in(client) -> bool:
    return client.get("/accounts/me/").status_code == 200


def test_signing_in_stores_the_user_row(student_client, student):
    assert cache.get(cached_user_key(student.pk)).pk == student.pk
    assert user_row_queries(student_client, "/accounts/me/") == []


def test_the_user_row_is_read_once_then_from_the_cache(student_client, student):
    cache.delete(cached_user_key(student.pk))  # evicted, or Redis restarted
    assert user_row_queries(student_client, "/accounts/me/")  # first request: the database
    assert cache.get(cached_user_key(student.pk)).pk == student.pk
    assert user_row_queries(student_client, "/accounts/me/") == []  # then the cached copy


def test_a_password_change_logs_other_sessions_out_on_the_next_request(student_client, student):
    assert is_logged_in(student_client)  # the copy is cached
    student.set_password("a-brand-new-password-2026")
    student.save()
    assert not is_logged_in(student_client)


def test_a_save_drops_the_cached_copy(student_client, student):
    assert is_logged_in(student_client)
    assert cache.get(cached_user_key(student.pk)) is not None
    student.save(update_fields=["last_login"])
    assert cache.get(cached_user_key(student.pk)) is None


def test_deactivation_takes_effect_on_the_next_request(student_client, student):
    assert is_logged_in(student_client)
    student.is_active = False
    student.save()
    assert not is_logged_in(student_client)


def test_deactivation_stops_the_api_token_on_the_next_request(client, student):
    token = token_pair_for(user=student).access_token
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    assert client.get("/api/v1/me/enrollments", **headers).status_code == 200
    assert cache.get(cached_user_key(student.pk)) is not None  # the token's user came through the cache
    student.is_active = False
    student.save(update_fields=["is_active"])
    assert client.get("/api/v1/me/enrollments", **headers).status_code == 401


def test_a_profile_edit_shows_on_the_next_request(student_client, student):
    assert "Sam Student" in student_client.get("/accounts/me/").content.decode()
    student.full_name = "Samantha Student"
    student.save()
    assert "Samantha Student" in student_client.get("/accounts/me/").content.decode()


def test_a_bounce_flag_set_with_update_drops_the_cached_copy(student_client, student):
    assert is_logged_in(student_client)
    assert cache.get(cached_user_key(student.pk)) is not None
    assert user_mark_email_undeliverable(email=student.email) == 1
    assert cache.get(cached_user_key(student.pk)) is None


@pytest.mark.parametrize(
    "take_away",
    [
        lambda enrollment: services.enrollment_refund(enrollment=enrollment),
        lambda enrollment: services.enrollment_revoke(enrollment=enrollment, reason="chargeback lost"),
        lambda enrollment: services.enrollment_suspend(enrollment=enrollment, reason="card dispute dp_1"),
    ],
    ids=["refund", "revocation", "dispute"],
)
def test_losing_access_takes_effect_on_the_next_request(student_client, student, course, take_away):
    enrollment = services.enrollment_activate(user=student, course=course)
    outline = f"/learn/{course.slug}/"
    lesson = f"/learn/{course.slug}/lesson-1/"
    for path in (outline, lesson, outline, lesson):  # warm every cache a page has
        assert student_client.get(path).status_code == 200
    take_away(enrollment)
    assert student_client.get(outline).status_code != 200
    assert student_client.get(lesson).status_code != 200


def test_the_role_checks_come_with_the_cached_copy(student_client, course):
    student_client.get(f"/courses/{course.slug}/")
    with CaptureQueriesContext(connection) as queries:
        assert student_client.get(f"/courses/{course.slug}/").status_code == 200
    role_queries = [q["sql"] for q in queries if '"accounts_user' in q["sql"] or '"auth_group"' in q["sql"]]
    assert role_queries == []


def test_joining_the_instructors_group_asks_for_a_second_factor_on_the_next_request(student_client, student, course):
    from tests.conftest import instructors_group_as_declared

    assert student_client.get(f"/courses/{course.slug}/").status_code == 200
    student.groups.add(instructors_group_as_declared())
    response = student_client.get(f"/courses/{course.slug}/")
    assert response.status_code == 302 and "totp" in response["Location"]


def test_a_group_emptied_from_its_side_drops_its_members_copies(student_client, student, course):
    from tests.conftest import instructors_group_as_declared

    group = instructors_group_as_declared()
    student.groups.add(group)
    assert student_client.get(f"/courses/{course.slug}/").status_code == 302
    group.user_set.clear()
    assert student_client.get(f"/courses/{course.slug}/").status_code == 200


def test_a_new_teaching_profile_asks_for_a_second_factor_on_the_next_request(student_client, student, course):
    from courses.models import Instructor

    assert student_client.get(f"/courses/{course.slug}/").status_code == 200
    Instructor.objects.create(user=student, bio="Teaches mapping.")
    response = student_client.get(f"/courses/{course.slug}/")
    assert response.status_code == 302 and "totp" in response["Location"]
