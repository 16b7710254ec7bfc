"""Admin fixtures: a small school with courses, students, payments, refunds and flight sessions,
built straight through the ORM (the money path itself is tested in tests/payments)."""

import itertools
from datetime import timedelta
from decimal import Decimal

import pytest
from django.contrib.auth.models import Group
from django.utils import timezone

from courses.models import Category, Course, Instructor
from enrollments.models import Enrollment
from flights.models import FlightSession, SeatBooking
from payments.models import Payment, Refund
from tests.conftest import mfa_enable

_sequence = itertools.count(1)


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


@pytest.fixture
def category(db):
    return Category.objects.create(name="Part 107", slug="part-107")


@pytest.fixture
def make_course(category):
    def make(title: str, *, price: str = "49.00", slug: str | None = None) -> Course:
        number = next(_sequence)
        return Course.objects.create(
            slug=slug or f"course-{number}",
            title=title,
            summary="A course.",
            category=category,
            price=Decimal(price),
            currency="usd",
            status=Course.Status.PUBLISHED,
        )

    return make


@pytest.fixture
def make_student(django_user_model):
    def make(name: str | None = None):
        number = next(_sequence)
        return django_user_model.objects.create_user(
            email=f"student{number}@example.com", password=None, full_name=name or f"Student {number}"
        )

    return make


@pytest.fixture
def make_enrollment():
    def make(user, course, *, status=Enrollment.Status.ACTIVE, activated_at=None) -> Enrollment:
        now = timezone.now()
        return Enrollment.objects.create(
            user=user,
            course=course,
            status=status,
            activated_at=activated_at or now,
            completed_at=now if status == Enrollment.Status.COMPLETED else None,
        )

    return make


@pytest.fixture
def make_payment():
    def make(enrollment, *, amount: int = 4900, succeeded_at=None, status=Payment.Status.SUCCEEDED, **fields):
        number = next(_sequence)
        return Payment.objects.create(
            user=enrollment.user,
            course=enrollment.course,
            enrollment=enrollment,
            amount=amount,
            currency="usd",
            status=status,
            stripe_payment_intent_id=f"pi_offline_admin{number}",
            receipt_number=f"BDS-{number:05d}",
            succeeded_at=succeeded_at or timezone.now(),
            **fields,
        )

    return make


@pytest.fixture
def make_refund():
    def make(payment, *, amount: int, created_at=None, requested_by=None) -> Refund:
        refund = Refund.objects.create(
            payment=payment,
            amount=amount,
            reason="Changed plans",
            requested_by=requested_by,
            stripe_refund_id=f"re_admin_{next(_sequence)}",
            status=Refund.Status.SUCCEEDED,
        )
        if created_at:
            Refund.objects.filter(pk=refund.pk).update(created_at=created_at)
            refund.refresh_from_db()
        return refund

    return make


@pytest.fixture
def make_session():
    def make(course, *, days_ahead: int = 7, capacity: int = 6) -> FlightSession:
        starts = timezone.now() + timedelta(days=days_ahead)
        return FlightSession.objects.create(
            course=course,
            starts_at=starts,
            ends_at=starts + timedelta(hours=3),
            location_name="Devens field",
            location_address="1 Field Rd, Devens, MA",
            capacity=capacity,
        )

    return make


@pytest.fixture
def make_booking():
    def make(enrollment, session, *, status=SeatBooking.Status.BOOKED) -> SeatBooking:
        return SeatBooking.objects.create(
            enrollment=enrollment, session=session, status=status, booked_at=timezone.now()
        )

    return make


@pytest.fixture
def instructor_user(django_user_model, password):
    """An instructor: is_staff (to log into admin) but not school staff."""
    user = django_user_model.objects.create_user(
        email="ian.instructor@example.com", password=password, full_name="Ian Instructor", is_staff=True
    )
    group, _ = Group.objects.get_or_create(name="Instructors")
    user.groups.add(group)
    mfa_enable(user)
    Instructor.objects.create(user=user)
    return user


@pytest.fixture
def own_course(make_course, instructor_user):
    """A course the instructor persona teaches."""
    course = make_course("Part 107 Prep")
    course.instructors.add(instructor_user.instructor)
    return course
