"""Instructors open "Rosters" in admin: read-only, and only the bookings of the sessions they teach."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from courses.models import Instructor
from flights import services
from flights.models import SeatBooking
from tests.conftest import instructors_group_as_declared, mfa_enable
from tests.flights.factories import signature_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def instructor_client(client, instructor):
    user = instructor.user
    user.is_staff = True
    user.save()
    user.groups.add(instructors_group_as_declared())
    mfa_enable(user)
    client.force_login(user)
    return client


@pytest.fixture
def other_session(make_session, django_user_model):
    someone = django_user_model.objects.create_user(
        email="oscar.other@example.com", password="x-long-password-123", full_name="Oscar Other"
    )
    session = make_session(hours_ahead=24 * 14)
    session.instructors.add(Instructor.objects.create(user=someone))
    return session


def test_an_instructor_sees_the_bookings_of_their_own_sessions_only(
    instructor_client, make_student, session, other_session, waiver
):
    mine = make_student("Mina Mine")
    theirs = make_student("Theo Theirs")
    services.seat_book(enrollment=mine, session=session, signature=signature_for(mine))
    other_booking = services.seat_book(enrollment=theirs, session=other_session, signature=signature_for(theirs))

    listing = instructor_client.get(reverse("admin:flights_seatbooking_changelist"))
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Mina Mine" in html and "Theo Theirs" not in html

    # Another instructor's booking is not found (admin redirects to its index with "doesn't exist").
    other = instructor_client.get(reverse("admin:flights_seatbooking_change", args=[other_booking.pk]))
    assert other.status_code == 302
    assert "Theo Theirs" not in instructor_client.get(other["Location"]).content.decode()


def test_an_instructor_reads_a_booking_but_cannot_change_it(instructor_client, make_student, session, waiver):
    enrollment = make_student("Mina Mine")
    booking = services.seat_book(enrollment=enrollment, session=session, signature=signature_for(enrollment))
    url = reverse("admin:flights_seatbooking_change", args=[booking.pk])

    page = instructor_client.get(url)
    assert page.status_code == 200 and "Mina Mine" in page.content.decode()
    assert instructor_client.post(url, {"status": SeatBooking.Status.CANCELED}).status_code == 403
    booking.refresh_from_db()
    assert booking.status == SeatBooking.Status.BOOKED


def test_the_sidebar_offers_rosters_to_an_instructor(instructor_client):
    html = instructor_client.get(reverse("admin:index")).content.decode()
    assert reverse("admin:flights_seatbooking_changelist") in html


def test_a_staff_member_without_booking_rights_sees_no_booking(client, make_student, session, waiver, password):
    from django.contrib.auth import get_user_model

    clerk = get_user_model().objects.create_user(
        email="clara.clerk@example.com", password=password, full_name="Clara Clerk", is_staff=True
    )
    group, _ = Group.objects.get_or_create(name="Clerks, no bookings")
    clerk.groups.add(group)
    mfa_enable(clerk)
    client.force_login(clerk)
    enrollment = make_student("Mina Mine")
    services.seat_book(enrollment=enrollment, session=session, signature=signature_for(enrollment))
    assert client.get(reverse("admin:flights_seatbooking_changelist")).status_code == 403
