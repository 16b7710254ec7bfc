"""The guided first run (issue 21): staff and instructors without an authenticator go from the
login form through ONE sequence (authenticator app -> recovery codes -> the admin), with no second
password prompt right after logging in. Later, sensitive changes still ask for the password."""

import re
import time

import pytest
from allauth.mfa.models import Authenticator
from django.contrib.auth.models import Group
from django.urls import reverse

from tests.accounts.conftest import totp_code

pytestmark = pytest.mark.django_db

ADMIN = reverse("admin:index")
ACTIVATE = reverse("mfa_activate_totp")
CODES = reverse("mfa_view_recovery_codes")


@pytest.fixture
def instructor(django_user_model, password):
    user = django_user_model.objects.create_user(
        email="ian.instructor@example.com", password=password, full_name="Ian Instructor", is_staff=True
    )
    user.groups.add(Group.objects.get(name="Instructors"))
    return user


def test_login_then_authenticator_then_recovery_codes_then_the_admin(client, instructor, password, mailbox):
    response = client.post(reverse("account_login"), {"login": instructor.email, "password": password})
    assert response.status_code == 302 and response["Location"] == ADMIN

    response = client.get(ADMIN)
    assert response.status_code == 302 and response["Location"] == ACTIVATE

    # Step 1: the authenticator app, straight away (no "Confirm it is you" password page).
    page = client.get(ACTIVATE)
    assert page.status_code == 200
    text = page.content.decode()
    assert "Confirm it is you" not in text
    assert (
        '<li aria-current="step" class="is-current"><span class="setup-steps__number" aria-hidden="true">1</span>'
        in (text)
    )
    assert "set up an authenticator app, save your recovery codes, and you go on to the admin" in text
    secret = client.session["mfa.totp.secret"]
    assert secret in text

    wrong = client.post(ACTIVATE, {"code": "000000"})
    assert wrong.status_code == 200 and not Authenticator.objects.filter(user=instructor).exists()

    with mailbox():
        response = client.post(ACTIVATE, {"code": totp_code(secret)})
    # Step 2: the recovery codes.
    assert response.status_code == 302 and response["Location"] == CODES
    assert Authenticator.objects.filter(user=instructor, type=Authenticator.Type.TOTP).exists()
    codes_page = client.get(CODES).content.decode()
    assert len(re.findall(r"<li><code>(\w+)</code></li>", codes_page)) == 10
    assert (
        '<li aria-current="step" class="is-current"><span class="setup-steps__number" aria-hidden="true">2</span>'
        in (codes_page)
    )
    assert f'<a class="button" href="{ADMIN}" data-continue-to-admin>' in codes_page

    # Step 3: the admin, open now.
    admin_page = client.get(ADMIN)
    assert admin_page.status_code == 200


def test_a_login_long_ago_asks_for_the_password_again(client, instructor, password):
    from allauth.account import app_settings

    client.post(reverse("account_login"), {"login": instructor.email, "password": password})
    session = client.session
    records = session["account_authentication_methods"]
    records[-1]["at"] = time.time() - app_settings.REAUTHENTICATION_TIMEOUT - 60
    session["account_authentication_methods"] = records
    session.save()
    response = client.get(ACTIVATE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))


def test_a_session_without_a_login_record_asks_for_the_password(client, instructor):
    client.force_login(instructor)  # no allauth login: nothing says when this session authenticated
    response = client.get(ACTIVATE)
    assert response.status_code == 302 and response["Location"].startswith(reverse("account_reauthenticate"))


def test_students_see_no_admin_steps(client, student, password, mailbox):
    client.post(reverse("account_login"), {"login": student.email, "password": password})
    page = client.get(ACTIVATE).content.decode()
    assert "setup-steps" not in page and "continue to the admin" not in page
