"""Flight-day fixtures: a published hybrid course, an active enrollment, a waiver and sessions."""

from datetime import timedelta

import pytest
from django.utils import timezone

from courses.models import Category, Course, Instructor
from enrollments.models import Enrollment
from flights.models import FlightSession, Waiver


@pytest.fixture
def course(db):
    category = Category.objects.create(name="Part 107", slug="part-107")
    return Course.objects.create(
        slug="part-107-flight-day",
        title="Part 107 with Flight Day",
        summary="Ground school and a flight day.",
        category=category,
        format=Course.Format.HYBRID,
        status=Course.Status.PUBLISHED,
    )


@pytest.fixture
def waiver(course):
    return Waiver.objects.create(
        course=course, version=2, text="I understand drones can be dangerous.", published_at=timezone.now()
    )


@pytest.fixture
def instructor(django_user_model):
    user = django_user_model.objects.create_user(
        email="ivy.instructor@example.com", password="correct-horse-battery-staple-42", full_name="Ivy Instructor"
    )
    return Instructor.objects.create(user=user)


@pytest.fixture
def make_session(course):
    def make(*, hours_ahead: float = 24 * 7, capacity: int = 4, for_course=None, **fields):
        starts = timezone.now() + timedelta(hours=hours_ahead)
        return FlightSession.objects.create(
            course=for_course or course,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            location_name="Fowl Meadow Field",
            location_address="1 Field Rd, Milton, MA",
            map_url="https://maps.example.com/?q=fowl+meadow",
            capacity=capacity,
            notes="Sunscreen, water, photo ID.",
            **fields,
        )

    return make


@pytest.fixture
def session(make_session, instructor):
    session = make_session()
    session.instructors.add(instructor)
    return session


@pytest.fixture
def enroll(course):
    def make(user, *, status=Enrollment.Status.ACTIVE, for_course=None):
        return Enrollment.objects.create(
            user=user, course=for_course or course, status=status, activated_at=timezone.now()
        )

    return make


@pytest.fixture
def enrollment(enroll, student):
    return enroll(student)


@pytest.fixture
def make_student(django_user_model, enroll):
    counter = iter(range(1, 1000))

    def make(name: str | None = None):
        number = next(counter)
        user = django_user_model.objects.create_user(
            email=f"student{number}@example.com", password="x-long-password-123", full_name=name or f"Pilot {number}"
        )
        return enroll(user)

    return make


@pytest.fixture
def admin_login(client):
    """Log a staff member or instructor into the admin, which requires a second factor set up."""
    from allauth.mfa.models import Authenticator

    def login(user):
        Authenticator.objects.get_or_create(user=user, type=Authenticator.Type.TOTP, defaults={"data": {}})
        client.force_login(user)
        return client

    return login
