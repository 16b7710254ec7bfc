"""The Enroll box, the dashboard and receipts."""

from decimal import Decimal

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from courses.models import Course
from enrollments import services
from enrollments.models import Enrollment
from payments import services as payment_services


def render_box(user, course) -> str:
    from django.contrib.auth.models import AnonymousUser

    request = RequestFactory().get(f"/courses/{course.slug}/")
    request.user = user or AnonymousUser()
    return Template("{% load enrollment_tags %}{% enroll_box course %}").render(
        Context({"request": request, "course": course})
    )


def test_enroll_box_for_a_visitor_offers_enroll_then_login(client, course):
    html = render_box(None, course)
    # A link with no CSRF token in the page (visitors get cached pages); the GET goes through login.
    assert '<a class="button" href="/courses/aerial-mapping/enroll/">Enroll for $199</a>' in html
    assert "csrfmiddlewaretoken" not in html
    assert "You will be asked to log in or sign up first." in html
    response = client.get("/courses/aerial-mapping/enroll/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/courses/aerial-mapping/enroll/"


def test_enroll_box_asks_unverified_students_to_confirm_their_email(student, course):
    html = render_box(student, course)
    assert "Confirm your email to enroll" in html
    assert "Enroll for" not in html


def test_enroll_box_offers_the_price(verified_student, course):
    assert "Enroll for $199" in render_box(verified_student, course)


def test_enroll_box_free_course(verified_student, course):
    course.price = Decimal("0")
    course.save()
    html = render_box(verified_student, course)
    assert ">Enroll</button>" in html


def test_enroll_box_finish_payment_when_a_checkout_is_open(verified_student, course):
    payment_services.checkout_start(user=verified_student, course=course)
    assert "Finish your payment" in render_box(verified_student, course)


def test_enroll_box_go_to_course_when_enrolled(verified_student, course):
    services.enrollment_activate(user=verified_student, course=course)
    html = render_box(verified_student, course)
    assert 'href="/learn/aerial-mapping/"' in html and "Go to course" in html


def test_enroll_box_prerequisites_first(verified_student, course):
    basics = Course.objects.create(
        slug="basics", title="Basics", summary="-", category=course.category, status=Course.Status.PUBLISHED
    )
    course.prerequisites.add(basics)
    html = render_box(verified_student, course)
    assert "Complete prerequisites first" in html and "Basics" in html
    services.enrollment_complete(enrollment=services.enrollment_activate(user=verified_student, course=basics))
    assert "Enroll for $199" in render_box(verified_student, course)


def test_enroll_box_paused_during_a_dispute(verified_student, course):
    enrollment = services.enrollment_activate(user=verified_student, course=course)
    services.enrollment_suspend(enrollment=enrollment, reason="dispute")
    html = render_box(verified_student, course)
    assert "Access is paused while a payment dispute is open" in html
    assert "Go to course" not in html


@pytest.fixture
def paid(verified_student, course):
    payment = payment_services.checkout_start(user=verified_student, course=course)
    return payment_services.checkout_pay_offline(payment=payment)


def test_dashboard_lists_courses_and_receipts(client, verified_student, paid):
    client.force_login(verified_student)

    page = client.get("/dashboard/").content.decode()

    assert "Aerial Mapping" in page and "Active" in page
    assert f'href="/dashboard/receipts/{paid.receipt_number}/"' in page
    assert "$199.00" in page


def test_dashboard_needs_login(client, db):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_receipt_page_shows_the_payment(client, verified_student, paid):
    client.force_login(verified_student)

    page = client.get(f"/dashboard/receipts/{paid.receipt_number}/").content.decode()

    for expected in (paid.receipt_number, "Aerial Mapping", "$199.00", "Visa ending in 4242", "Sam Student"):
        assert expected in page


def test_receipt_page_is_the_owners_only(client, outsider, paid):
    client.force_login(outsider)
    assert client.get(f"/dashboard/receipts/{paid.receipt_number}/").status_code == 404


def test_pending_enrollment_has_no_access(verified_student, course):
    payment_services.checkout_start(user=verified_student, course=course)
    assert Enrollment.objects.get().status == Enrollment.Status.PENDING
    assert not Enrollment.objects.granting_access().exists()


def test_dashboard_queries_do_not_grow_with_courses(client, verified_student, course):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(verified_student)
    payment_services.checkout_pay_offline(payment=payment_services.checkout_start(user=verified_student, course=course))
    with CaptureQueriesContext(connection) as one:
        client.get("/dashboard/")
    for number in range(3):
        other = Course.objects.create(
            slug=f"extra-{number}",
            title=f"Extra {number}",
            summary="-",
            category=course.category,
            price=Decimal("20"),
            status=Course.Status.PUBLISHED,
        )
        payment_services.checkout_pay_offline(
            payment=payment_services.checkout_start(user=verified_student, course=other)
        )
    with CaptureQueriesContext(connection) as four:
        page = client.get("/dashboard/").content.decode()
    assert page.count("/dashboard/receipts/BDS-") == 4
    assert len(four) == len(one)


def test_dashboard_says_what_happened_to_a_refunded_course_and_offers_to_enroll_again(client, verified_student, course):
    enrollment = services.enrollment_activate(user=verified_student, course=course)
    services.enrollment_refund(enrollment=enrollment, reason="test")
    client.force_login(verified_student)

    page = client.get("/dashboard/").content.decode()

    assert "This course was refunded, so its lessons are closed." in page
    assert f'href="{course.get_absolute_url()}">Enroll again</a>' in page
    assert "Continue learning" not in page


def test_dashboard_explains_a_paused_course_and_who_to_ask(client, verified_student, course):
    enrollment = services.enrollment_activate(user=verified_student, course=course)
    services.enrollment_suspend(enrollment=enrollment, reason="dispute")
    client.force_login(verified_student)

    page = client.get("/dashboard/").content.decode()

    assert "Your access is paused while your card issuer reviews a dispute" in page
    assert "Questions? Write to" in page and "Continue learning" not in page


def render_bar(user, course) -> str:
    html = render_box(user, course)
    return html[html.index('<div class="enroll-bar">') :]


def test_the_phone_enroll_bar_offers_the_same_main_action_as_the_box(verified_student, outsider, course):
    from django.contrib.auth.models import AnonymousUser

    assert f'href="/courses/{course.slug}/enroll/">Enroll now</a>' in render_bar(AnonymousUser(), course)
    assert 'type="submit" class="button">Enroll now</button>' in render_bar(verified_student, course)
    assert "How to enroll" in render_bar(outsider, course)  # the box explains: confirm the email first
    services.enrollment_activate(user=verified_student, course=course)
    assert ">Continue learning</a>" in render_bar(verified_student, course)
    assert course.price_label in render_bar(verified_student, course)
    assert "{#" not in render_box(verified_student, course)  # a comment never leaks into the page
