import datetime

import pytest
from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from django.contrib.auth import get_user_model
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import reverse

from accounts.services import user_delete_account
from courses.models import Category, Course
from enrollments.models import Enrollment

User = get_user_model()
pytestmark = pytest.mark.django_db

ME = reverse("accounts:me")
DELETE = reverse("accounts:delete")


def test_my_account_needs_a_login(client):
    response = client.get(ME)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


def test_my_account_shows_name_email_password_mfa_and_delete(client, verified_student):
    client.force_login(verified_student)
    text = client.get(ME).content.decode()

    assert "<h1>My account</h1>" in text and 'class="site-header"' in text
    assert 'value="Sam Student"' in text
    assert "sam.student@example.com" in text and "Confirmed" in text
    assert f'href="{reverse("account_email")}"' in text
    assert f'href="{reverse("account_change_password")}"' in text
    assert f'href="{reverse("mfa_activate_totp")}"' in text
    assert 'name="remote_pilot_certificate_date"' in text and 'type="date"' in text
    assert f'href="{DELETE}"' in text
    assert "Resend confirmation email" not in text


def test_unconfirmed_address_shows_the_resend_button(client, student):
    client.force_login(student)
    text = client.get(ME).content.decode()
    assert "Not confirmed" in text and "Resend confirmation email" in text


def test_name_and_remote_pilot_date_are_editable(client, student):
    client.force_login(student)
    response = client.post(ME, {"full_name": "Samantha Student", "remote_pilot_certificate_date": "2025-03-14"})
    assert response.status_code == 302
    student.refresh_from_db()
    assert student.full_name == "Samantha Student"
    assert student.remote_pilot_certificate_date == datetime.date(2025, 3, 14)
    assert "Your details are saved." in client.get(ME).content.decode()


def test_a_blank_name_is_refused(client, student):
    client.force_login(student)
    response = client.post(ME, {"full_name": "   ", "remote_pilot_certificate_date": ""})
    assert response.status_code == 400
    student.refresh_from_db()
    assert student.full_name == "Sam Student"


def test_email_cannot_be_changed_through_the_profile_form(client, student):
    client.force_login(student)
    client.post(ME, {"full_name": "Sam Student", "email": "hijack@example.com", "is_staff": "on"})
    student.refresh_from_db()
    assert student.email == "sam.student@example.com" and not student.is_staff


@pytest.fixture
def enrollment(student):
    category = Category.objects.create(name="Part 107", slug="part-107")
    course = Course.objects.create(
        slug="part-107-prep", title="Part 107 prep", summary="Pass the test.", category=category
    )
    return Enrollment.objects.create(user=student, course=course, status=Enrollment.Status.ACTIVE)


def test_delete_asks_for_the_password_and_refuses_a_wrong_one(client, student):
    client.force_login(student)
    page = client.get(DELETE).content.decode()
    assert 'type="password"' in page and "cannot be undone" in page
    response = client.post(DELETE, {"password": "not-my-password"})
    assert response.status_code == 400
    assert "That is not your current password." in response.content.decode()
    student.refresh_from_db()
    assert student.is_active and student.email == "sam.student@example.com"


def test_delete_anonymises_the_person_and_keeps_their_records(client, student, password, enrollment):
    EmailAddress.objects.create(user=student, email=student.email, verified=True, primary=True)
    Authenticator.objects.create(user=student, type=Authenticator.Type.RECOVERY_CODES, data={"seed": "00"})
    other_device = Client()
    other_device.post(reverse("account_login"), {"login": student.email, "password": password})
    assert Session.objects.count() == 1
    client.force_login(student)

    response = client.post(DELETE, {"password": password}, follow=True)

    assert response.redirect_chain[-1][0] == reverse("home")
    assert "Your account is deleted" in response.content.decode()
    assert "_auth_user_id" not in client.session
    student.refresh_from_db()
    assert student.email == f"deleted-{student.pk}@invalid"
    assert student.full_name == "Deleted user"
    assert not student.has_usable_password()
    assert not student.is_active
    assert not student.groups.exists()
    assert not EmailAddress.objects.filter(user=student).exists()
    assert not Authenticator.objects.filter(user=student).exists()
    # The other device is logged out as well (its session's auth hash no longer matches).
    assert other_device.get(ME).status_code == 302
    # Records stay, pointing at the anonymised row.
    enrollment.refresh_from_db()
    assert enrollment.user_id == student.pk
    # Nobody can log in with the old address and password any more.
    login = Client().post(reverse("account_login"), {"login": "sam.student@example.com", "password": password})
    assert login.status_code == 200


def test_the_address_of_a_deleted_account_can_sign_up_again(student, password, signup):
    user_delete_account(user=student, password=password)
    response = signup(email="sam.student@example.com", full_name="Sam Again")
    assert response.status_code == 302
    assert User.objects.filter(email__iexact="sam.student@example.com").count() == 1


def test_the_service_refuses_a_wrong_password(student):
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        user_delete_account(user=student, password="wrong")
    student.refresh_from_db()
    assert student.is_active


# -- the stored page (accounts.views._me_body): what changes shows on the next request -----------


def test_the_stored_page_asks_no_query_and_carries_each_browsers_csrf_token(student, django_assert_num_queries):
    import re

    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    for browser in (first, second):
        browser.force_login(student)  # a login saves last_login, which bumps the account version
    for browser in (first, second):
        browser.get(ME)  # stores the page (the first), and the user row's copy
    pages = {}
    for browser in (first, second):
        with django_assert_num_queries(0):
            pages[browser] = browser.get(ME).content.decode()
    for browser, html in pages.items():
        tokens = set(re.findall(r'name="csrfmiddlewaretoken" value="([^"]+)"', html))
        assert tokens and "placeholder" not in html
        # The token is one this browser's cookie accepts: a save goes through.
        response = browser.post(ME, {"full_name": "Sam Student", "csrfmiddlewaretoken": tokens.pop()})
        assert response.status_code == 302


def test_confirming_the_address_shows_on_the_next_request(client, student):
    client.force_login(student)
    assert "Not confirmed" in client.get(ME).content.decode()
    EmailAddress.objects.create(user=student, email=student.email, verified=True, primary=True)
    text = client.get(ME).content.decode()
    assert "Confirmed" in text and "Resend confirmation email" not in text


def test_setting_up_an_authenticator_shows_on_the_next_request(client, student):
    client.force_login(student)
    assert 'badge-muted">Off' in client.get(ME).content.decode()
    authenticator = Authenticator.objects.create(user=student, type=Authenticator.Type.TOTP, data={"secret": "X"})
    assert 'badge-success">On' in client.get(ME).content.decode()
    authenticator.delete()
    assert 'badge-muted">Off' in client.get(ME).content.decode()
