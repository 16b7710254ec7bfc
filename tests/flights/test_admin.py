import re

import pytest
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core import mail
from django.urls import reverse

from flights import services
from flights.models import FlightSession, SeatBooking
from tests.flights.factories import signature_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(admin_login, staff):
    # pytest-django's admin_user has no full name, which our user model requires.
    return admin_login(staff)


def test_session_changelist_shows_seats_left_and_the_roster_inline(
    admin_client, make_student, session, waiver, django_assert_max_num_queries
):
    for _ in range(3):
        enrollment = make_student()
        services.seat_book(enrollment=enrollment, session=session, signature=signature_for(enrollment))
    response = admin_client.get(reverse("admin:flights_flightsession_changelist"))
    assert response.status_code == 200
    # The theme's cell: the column's class among its own, then the value.
    assert re.search(r'<td class="field-seats_left[^"]*"[^>]*>\s*1\s*</td>', response.content.decode())

    html = admin_client.get(reverse("admin:flights_flightsession_change", args=[session.pk])).content.decode()
    assert "Pilot 1" in html and "v2 by “Pilot 1”" in html


def test_scrub_action_asks_for_a_reason_then_emails_every_booked_student(
    admin_client, make_student, session, waiver, django_capture_on_commit_callbacks
):
    students = [make_student(), make_student()]
    for enrollment in students:
        services.seat_book(enrollment=enrollment, session=session, signature=signature_for(enrollment))
    mail.outbox.clear()
    url = reverse("admin:flights_flightsession_changelist")

    confirm = admin_client.post(url, {"action": "scrub_sessions", ACTION_CHECKBOX_NAME: [session.pk]})
    assert confirm.status_code == 200
    assert "Yes, scrub and email the students" in confirm.content.decode()
    session.refresh_from_db()
    assert session.status == FlightSession.Status.SCHEDULED

    with django_capture_on_commit_callbacks(execute=True):
        done = admin_client.post(
            url,
            {
                "action": "scrub_sessions",
                ACTION_CHECKBOX_NAME: [session.pk],
                "confirm": "yes",
                "reason": "Low ceiling, 300 ft.",
            },
        )
    assert done.status_code == 302
    session.refresh_from_db()
    assert session.status == FlightSession.Status.SCRUBBED and session.scrub_reason == "Low ceiling, 300 ft."
    assert sorted(m.to[0] for m in mail.outbox) == sorted(e.user.email for e in students)


def test_waiver_acceptances_are_read_only_and_refund_requests_visible(admin_client, enrollment, session, waiver, staff):
    booking = services.seat_book(enrollment=enrollment, session=session, signature=signature_for(enrollment))
    acceptance = booking.waiver_acceptance
    html = admin_client.get(reverse("admin:flights_waiveracceptance_change", args=[acceptance.pk])).content.decode()
    assert "Sam Student" in html and "203.0.113.7" in html and 'name="typed_name"' not in html

    services.session_scrub(session=session, reason="Rain", actor=staff)
    services.practical_refund_request(booking=booking)
    listing = admin_client.get(
        reverse("admin:flights_seatbooking_changelist"), {"refund_requested_at__isempty": "0"}
    ).content.decode()
    assert "Sam Student" in listing
    assert SeatBooking.objects.filter(refund_requested_at__isnull=False).count() == 1


@pytest.mark.parametrize(
    "name", ["flights_waiver_changelist", "flights_flightcoursesettings_changelist", "flights_seatbooking_changelist"]
)
def test_admin_pages_load(admin_client, name, session, waiver):
    assert admin_client.get(reverse(f"admin:{name}")).status_code == 200


def test_an_instructor_in_admin_sees_only_the_sessions_they_teach(admin_login, instructor, session, make_session):
    from django.contrib.auth.models import Permission

    user = instructor.user
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_flightsession"))
    make_session(hours_ahead=500)  # taught by nobody
    response = admin_login(user).get(reverse("admin:flights_flightsession_changelist"))
    assert response.status_code == 200
    assert list(response.context["cl"].queryset) == [session]


def _instructor_with_session_rights(instructor):
    """The session's own instructor with the Instructors group's declared permissions (which include
    changing their sessions): still not allowed to scrub."""
    from tests.conftest import instructors_group_as_declared

    user = instructor.user
    user.is_staff = True
    user.save()
    user.groups.add(instructors_group_as_declared())
    return user


def test_an_instructor_cannot_scrub_even_their_own_session(
    admin_login, instructor, session, make_student, waiver, django_capture_on_commit_callbacks
):
    enrollment = make_student()
    services.seat_book(enrollment=enrollment, session=session, signature=signature_for(enrollment))
    mail.outbox.clear()
    client = admin_login(_instructor_with_session_rights(instructor))
    url = reverse("admin:flights_flightsession_changelist")

    listing = client.get(url)
    assert listing.status_code == 200
    assert session in list(listing.context["cl"].queryset)  # they do see their session...
    assert "scrub_sessions" not in dict(listing.context["action_form"].fields["action"].choices)

    for data in (
        {"action": "scrub_sessions", ACTION_CHECKBOX_NAME: [session.pk]},
        {"action": "scrub_sessions", ACTION_CHECKBOX_NAME: [session.pk], "confirm": "yes", "reason": "Wind."},
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(url, data)
        # Django answers an action the user may not run as "no action selected", nothing done.
        assert response.status_code in (200, 302)
        assert b"Yes, scrub and email the students" not in response.content
    session.refresh_from_db()
    assert session.status == FlightSession.Status.SCHEDULED and session.scrub_reason == ""
    assert mail.outbox == []
